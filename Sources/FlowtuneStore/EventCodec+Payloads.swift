import FlowtuneCore
import Foundation

/// The tag byte naming a payload's case in a blob.
///
/// The values are part of the stored format: never renumber one, only add. The hand-written compact
/// forms are below 64; the JSON-encoded definition events are from 64 up.
enum PayloadTag: UInt8, Sendable {
    case taskCreated = 1
    case taskOffered = 2
    case offerAccepted = 3
    case offerDeclined = 4
    case stepCompleted = 5
    case priorityChanged = 6
    case escalated = 7
    case movedToException = 8
    case exceptionClaimed = 9
    case exceptionResolved = 10
    case overrideApplied = 11
    case taskCancelled = 12
    case workerStatusChanged = 13
    case policyChanged = 14
    /// A task id, then the application as JSON.
    case decisionApplied = 15
    /// A routing by a policy that records models and notes: as `taskOffered`, then the
    /// decision's models and notes. Decisions without them keep the shorter form.
    case taskOfferedWithNotes = 16
    /// As `taskOffered`, with the decision's numbers in their narrowest exact width
    /// (``BinaryWriter/write(decision:compact:)``): how this build writes a routing. The earlier
    /// forms are still read.
    case taskOfferedCompact = 17
    /// As `taskOfferedWithNotes`, with the decision's numbers in their narrowest exact width.
    case taskOfferedCompactWithNotes = 18
    case workflowDefined = 64
    case queueDefined = 65
    case workerRegistered = 66
    case settingsChanged = 67
    case decisionPublished = 68
    case thresholdChanged = 69
    case exceptionRateObserved = 70
    case exceptionRateAlert = 71
    case exceptionRateRecovered = 72
    case queueAtRisk = 73
    case reallocationProposed = 74
    case workerReallocated = 75
    case reallocationDeclined = 76
    case predictionsPublished = 80

    /// Whether the payload is about one task, whose id is then its first field.
    var isAboutTask: Bool {
        switch self {
        case .taskCreated, .taskOffered, .taskOfferedWithNotes, .taskOfferedCompact, .taskOfferedCompactWithNotes,
            .offerAccepted, .offerDeclined, .stepCompleted,
            .priorityChanged,
            .escalated, .movedToException, .exceptionClaimed, .exceptionResolved, .overrideApplied, .taskCancelled,
            .decisionApplied:
            true
        case .workerStatusChanged, .policyChanged, .settingsChanged, .workflowDefined, .queueDefined,
            .workerRegistered, .decisionPublished, .thresholdChanged, .exceptionRateObserved, .exceptionRateAlert,
            .exceptionRateRecovered, .queueAtRisk, .reallocationProposed, .workerReallocated, .reallocationDeclined,
            .predictionsPublished:
            false
        }
    }

    /// The event type's name, as ``EventPayload/type`` gives it, for the store's `type` column
    /// without building a `String` per row.
    var typeName: StaticString {
        switch self {
        case .taskCreated: "TaskCreated"
        case .taskOffered, .taskOfferedWithNotes, .taskOfferedCompact, .taskOfferedCompactWithNotes: "TaskRouted"
        case .offerAccepted: "OfferAccepted"
        case .offerDeclined: "OfferDeclined"
        case .stepCompleted: "StepCompleted"
        case .priorityChanged: "PriorityChanged"
        case .escalated: "Escalated"
        case .movedToException: "MovedToException"
        case .exceptionClaimed: "ExceptionClaimed"
        case .exceptionResolved: "ExceptionResolved"
        case .overrideApplied: "OverrideApplied"
        case .taskCancelled: "TaskCancelled"
        case .workerStatusChanged: "WorkerStatusChanged"
        case .policyChanged: "PolicyChanged"
        case .settingsChanged: "SettingsChanged"
        case .workflowDefined: "WorkflowDefined"
        case .queueDefined: "QueueDefined"
        case .workerRegistered: "WorkerRegistered"
        case .decisionApplied: "DecisionApplied"
        case .decisionPublished: "DecisionPublished"
        case .thresholdChanged: "ThresholdChanged"
        case .exceptionRateObserved: "ExceptionRateObserved"
        case .exceptionRateAlert: "ExceptionRateAlert"
        case .exceptionRateRecovered: "ExceptionRateRecovered"
        case .queueAtRisk: "QueueAtRisk"
        case .reallocationProposed: "ReallocationProposed"
        case .workerReallocated: "WorkerReallocated"
        case .reallocationDeclined: "ReallocationDeclined"
        case .predictionsPublished: "PredictionsPublished"
        }
    }

    /// The tag `payload` is written under; `compactDecisions` false gives a routing the form
    /// earlier builds wrote, for tests of reading it.
    init(_ payload: EventPayload, compactDecisions: Bool = true) {
        switch payload {
        case .taskCreated: self = .taskCreated
        case .taskOffered(_, _, _, let decision):
            let plain = decision.models.isEmpty && decision.notes.isEmpty
            if compactDecisions {
                self = plain ? .taskOfferedCompact : .taskOfferedCompactWithNotes
            } else {
                self = plain ? .taskOffered : .taskOfferedWithNotes
            }
        case .offerAccepted: self = .offerAccepted
        case .offerDeclined: self = .offerDeclined
        case .stepCompleted: self = .stepCompleted
        case .priorityChanged: self = .priorityChanged
        case .escalated: self = .escalated
        case .movedToException: self = .movedToException
        case .exceptionClaimed: self = .exceptionClaimed
        case .exceptionResolved: self = .exceptionResolved
        case .overrideApplied: self = .overrideApplied
        case .taskCancelled: self = .taskCancelled
        case .workerStatusChanged: self = .workerStatusChanged
        case .policyChanged: self = .policyChanged
        case .settingsChanged: self = .settingsChanged
        case .workflowDefined: self = .workflowDefined
        case .queueDefined: self = .queueDefined
        case .workerRegistered: self = .workerRegistered
        case .decisionApplied: self = .decisionApplied
        case .decisionPublished: self = .decisionPublished
        case .thresholdChanged: self = .thresholdChanged
        case .exceptionRateObserved: self = .exceptionRateObserved
        case .exceptionRateAlert: self = .exceptionRateAlert
        case .exceptionRateRecovered: self = .exceptionRateRecovered
        case .queueAtRisk: self = .queueAtRisk
        case .reallocationProposed: self = .reallocationProposed
        case .workerReallocated: self = .workerReallocated
        case .reallocationDeclined: self = .reallocationDeclined
        case .predictionsPublished: self = .predictionsPublished
        }
    }
}

/// The tag byte of each ``JSONValue`` case.
private enum JSONTag: UInt8 {
    case null = 0
    case `false` = 1
    case `true` = 2
    /// A number stored as its 8 IEEE bytes.
    case double = 3
    /// A number that is a whole value, stored as a zigzag varint: most attribute numbers are
    /// amounts and counts, which then take 1–3 bytes instead of 8.
    case integer = 4
    case string = 5
    case array = 6
    case object = 7
}

// MARK: - Encoding

extension BinaryWriter {
    mutating func write(payload: EventPayload, compactDecisions: Bool = true) throws(EncodingFailure) {
        switch payload {
        case .taskCreated(let created):
            write(id: created.task)
            write(id: created.workflow)
            write(int: created.workflowVersion)
            write(id: created.channel)
            write(int: created.priority)
            try write(json: created.attributes, depth: 1)
            write(optionalString: created.idempotencyKey)
            if let fingerprint = created.fingerprint {
                write(byte: 1)
                write(fixed64: fingerprint)
            } else {
                write(byte: 0)
            }
        case .taskOffered(let task, let worker, let expiresAt, let decision):
            write(id: task)
            write(id: worker)
            write(date: expiresAt)
            write(decision: decision, compact: compactDecisions)
            if !decision.models.isEmpty || !decision.notes.isEmpty {
                write(count: decision.models.count)
                for (model, version) in decision.models.sorted(by: { $0.key < $1.key }) {
                    write(string: model)
                    write(int: version)
                }
                write(count: decision.notes.count)
                for note in decision.notes { write(string: note) }
            }
        case .offerAccepted(let task, let worker):
            write(id: task)
            write(id: worker)
        case .offerDeclined(let task, let worker, let reason):
            write(id: task)
            write(id: worker)
            write(byte: reason.code)
        case .stepCompleted(let completion):
            write(id: completion.task)
            write(id: completion.step)
            write(optionalString: completion.worker?.rawValue)
            write(string: completion.outcome)
            try write(jsonObject: completion.evidence, depth: 1)
            write(transition: completion.next)
        case .priorityChanged(let task, let from, let to):
            write(id: task)
            write(int: from)
            write(int: to)
        case .escalated(let task, let step, let level, let action):
            write(id: task)
            write(id: step)
            write(int: level)
            write(escalation: action)
        case .movedToException(let task, let item):
            write(id: task)
            write(string: item.owner)
            write(date: item.due)
            write(string: item.reason)
            write(stringMap: item.context)
            write(string: item.recommendedAction)
            write(optionalString: item.claimedBy)
        case .exceptionClaimed(let task, let by):
            write(id: task)
            write(string: by)
        case .exceptionResolved(let task, let resolution, let note):
            write(id: task)
            switch resolution {
            case .resume(let step):
                write(byte: 0)
                write(id: step)
            case .complete: write(byte: 1)
            case .cancel: write(byte: 2)
            }
            write(string: note)
        case .overrideApplied(let task, let change, let reason):
            write(id: task)
            switch change {
            case .reassign(let worker):
                write(byte: 0)
                write(id: worker)
            case .priority(let priority):
                write(byte: 1)
                write(int: priority)
            case .lane(let lane):
                write(byte: 2)
                write(byte: lane.code)
            }
            write(string: reason)
        case .taskCancelled(let task, let reason):
            write(id: task)
            write(string: reason)
        case .workerStatusChanged(let worker, let status):
            write(id: worker)
            write(byte: status.code)
        case .policyChanged(let kind):
            write(string: kind.rawValue)
        case .workflowDefined(let workflow):
            try write(definition: workflow)
        case .queueDefined(let queue):
            try write(definition: queue)
        case .workerRegistered(let worker):
            try write(definition: worker)
        case .settingsChanged(let settings):
            try write(definition: settings)
        case .decisionApplied(let application):
            write(id: application.task)
            try write(definition: application)
        case .decisionPublished(let publication):
            try write(definition: publication)
        case .thresholdChanged(let change):
            try write(definition: change)
        case .exceptionRateObserved(let observation):
            try write(definition: observation)
        case .exceptionRateAlert(let signal), .exceptionRateRecovered(let signal):
            try write(definition: signal)
        case .queueAtRisk(let risk):
            try write(definition: risk)
        case .reallocationProposed(let proposal):
            try write(definition: proposal)
        case .workerReallocated(let reallocation):
            try write(definition: reallocation)
        case .reallocationDeclined(let decline):
            try write(definition: decline)
        case .predictionsPublished(let table):
            try write(definition: table)
        }
    }

    /// Writes a routing decision. `compact` writes the shared term weights, and each candidate's
    /// score and term values, as packed doubles (``write(packed:at:index:)``): most are 0 or exact
    /// as 4-byte floats (1, 0.5, 1.75), which then take 0 or 4 bytes instead of 8.
    mutating func write(decision: RoutingDecision, compact: Bool) {
        write(string: decision.policy)
        write(int: decision.policyVersion)
        write(byte: decision.direction.code)
        write(int: decision.candidateCount)
        // Through the arrays' buffers: iterating them, or zipping them, copies each candidate and
        // term, retaining its id, name and arrays and releasing them again — a third of encoding
        // a routed event in profiles.
        decision.candidates.withUnsafeBufferPointer { candidates in
            write(count: candidates.count)
            guard !candidates.isEmpty else { return }
            candidates[0].terms.withUnsafeBufferPointer { schema in
                if Self.allShare(schema, candidates) {
                    write(byte: 1)
                    write(count: schema.count)
                    if compact {
                        for index in schema.indices { write(string: schema[index].name) }
                        let weights = beginPacked(schema.count)
                        for index in schema.indices { write(packed: schema[index].weight, at: weights, index: index) }
                        for candidate in candidates.indices {
                            write(string: candidates[candidate].id)
                            let values = beginPacked(1 + schema.count)
                            write(packed: candidates[candidate].score, at: values, index: 0)
                            candidates[candidate].terms.withUnsafeBufferPointer { terms in
                                for index in terms.indices { write(packed: terms[index].value, at: values, index: index + 1) }
                            }
                        }
                    } else {
                        for index in schema.indices {
                            write(string: schema[index].name)
                            write(double: schema[index].weight)
                        }
                        for candidate in candidates.indices {
                            write(string: candidates[candidate].id)
                            write(double: candidates[candidate].score)
                            candidates[candidate].terms.withUnsafeBufferPointer { terms in
                                for index in terms.indices { write(double: terms[index].value) }
                            }
                        }
                    }
                } else {
                    write(byte: 0)
                    for candidate in candidates.indices {
                        write(string: candidates[candidate].id)
                        write(double: candidates[candidate].score)
                        candidates[candidate].terms.withUnsafeBufferPointer { terms in
                            write(count: terms.count)
                            for index in terms.indices {
                                write(string: terms[index].name)
                                write(double: terms[index].value)
                                write(double: terms[index].weight)
                            }
                        }
                    }
                }
            }
        }
        decision.excluded.withUnsafeBufferPointer { excluded in
            write(count: excluded.count)
            for index in excluded.indices {
                write(string: excluded[index].rule)
                write(int: excluded[index].count)
                write(count: excluded[index].examples.count)
                for example in excluded[index].examples { write(string: example) }
            }
        }
        write(optionalString: decision.runnerUpLost)
    }

    /// Whether every candidate has the terms of `schema`: the same names and weights, in order.
    private static func allShare(
        _ schema: UnsafeBufferPointer<ScoreTerm>, _ candidates: UnsafeBufferPointer<ScoredCandidate>
    ) -> Bool {
        for candidate in candidates.indices {
            let same = candidates[candidate].terms.withUnsafeBufferPointer { terms in
                guard terms.count == schema.count else { return false }
                for index in terms.indices {
                    guard terms[index].name == schema[index].name,
                        terms[index].weight.bitPattern == schema[index].weight.bitPattern
                    else { return false }
                }
                return true
            }
            if !same { return false }
        }
        return true
    }

    mutating func write(transition: Transition) {
        switch transition {
        case .end:
            write(byte: 0)
        case .step(let step):
            write(byte: 1)
            write(id: step)
        }
    }

    mutating func write(escalation action: EscalationAction) {
        switch action {
        case .notify(let target):
            write(byte: 0)
            write(string: target)
        case .reassignToBackup:
            write(byte: 1)
        case .raisePriority(let levels):
            write(byte: 2)
            write(int: levels)
        case .moveToException(let reason):
            write(byte: 3)
            write(string: reason)
        }
    }

    /// Writes a string map with its keys sorted, so that equal events encode to equal bytes.
    mutating func write(stringMap map: [String: String]) {
        write(count: map.count)
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            write(string: key)
            write(string: value)
        }
    }

    mutating func write(json value: JSONValue, depth: Int) throws(EncodingFailure) {
        guard depth <= EventCodec.maximumJSONDepth else {
            throw EncodingFailure(reason: "JSON nested deeper than \(EventCodec.maximumJSONDepth) levels")
        }
        switch value {
        case .null:
            write(byte: JSONTag.null.rawValue)
        case .bool(let flag):
            write(byte: flag ? JSONTag.true.rawValue : JSONTag.false.rawValue)
        case .number(let number):
            // Negative zero is whole but would come back as +0: keep its bits.
            if let whole = Int64(exactly: number), whole != 0 || number.sign == .plus {
                write(byte: JSONTag.integer.rawValue)
                write(varint: UInt64(bitPattern: (whole << 1) ^ (whole >> 63)))
            } else {
                write(byte: JSONTag.double.rawValue)
                write(double: number)
            }
        case .string(let string):
            write(byte: JSONTag.string.rawValue)
            write(string: string)
        case .array(let elements):
            write(byte: JSONTag.array.rawValue)
            write(count: elements.count)
            for element in elements { try write(json: element, depth: depth + 1) }
        case .object(let members):
            write(byte: JSONTag.object.rawValue)
            try write(jsonObject: members, depth: depth + 1)
        }
    }

    /// Writes an object's members with their keys sorted, so that equal events encode to equal bytes.
    mutating func write(jsonObject members: [String: JSONValue], depth: Int) throws(EncodingFailure) {
        write(count: members.count)
        if members.count == 1, let (key, value) = members.first {
            write(string: key)
            try write(json: value, depth: depth)
            return
        }
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            write(string: key)
            try write(json: value, depth: depth)
        }
    }

    mutating func write<Definition: Encodable>(definition: Definition) throws(EncodingFailure) {
        do {
            write(blob: try definitionEncoder().encode(definition))
        } catch {
            throw EncodingFailure(reason: "\(Definition.self) as JSON: \(error)")
        }
    }
}

/// The JSON settings of definition events. Sorted keys keep equal definitions byte-equal; infinite
/// and NaN numbers, which plain JSON cannot hold, are spelled out so that they round-trip.
private func definitionEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}

private func definitionDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
        positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
}

// MARK: - Decoding

extension BinaryReader {
    mutating func readPayload(_ tag: PayloadTag) throws(DecodingFailure) -> EventPayload {
        switch tag {
        case .taskCreated:
            let task: TaskID = try readID()
            let workflow: WorkflowID = try readID()
            let workflowVersion = try readInt()
            let channel: Channel = try readID()
            let priority = try readInt()
            let attributes = try readJSON(depth: 1)
            let idempotencyKey = try readOptionalString()
            let fingerprint: UInt64? = try readBool() ? try readFixed64() : nil
            return .taskCreated(TaskCreated(
                task: task, workflow: workflow, workflowVersion: workflowVersion, channel: channel,
                priority: priority, attributes: attributes, idempotencyKey: idempotencyKey,
                fingerprint: fingerprint))
        case .taskOffered, .taskOfferedCompact:
            let task: TaskID = try readID()
            let worker: WorkerID = try readID()
            let expiresAt = try readDate()
            let decision = try readDecision(compact: tag == .taskOfferedCompact)
            return .taskOffered(task: task, worker: worker, expiresAt: expiresAt, decision: decision)
        case .taskOfferedWithNotes, .taskOfferedCompactWithNotes:
            let task: TaskID = try readID()
            let worker: WorkerID = try readID()
            let expiresAt = try readDate()
            var decision = try readDecision(compact: tag == .taskOfferedCompactWithNotes)
            let modelCount = try readCount(minimumElementSize: 2)
            for _ in 0..<modelCount {
                let model = try readString()
                guard decision.models.updateValue(try readInt(), forKey: model) == nil else {
                    throw failure("duplicate model \(model)")
                }
            }
            let noteCount = try readCount(minimumElementSize: 1)
            decision.notes.reserveCapacity(noteCount)
            for _ in 0..<noteCount { decision.notes.append(try readString()) }
            return .taskOffered(task: task, worker: worker, expiresAt: expiresAt, decision: decision)
        case .offerAccepted:
            let task: TaskID = try readID()
            return .offerAccepted(task: task, worker: try readID())
        case .offerDeclined:
            let task: TaskID = try readID()
            let worker: WorkerID = try readID()
            return .offerDeclined(task: task, worker: worker, reason: try readDeclineReason())
        case .stepCompleted:
            let task: TaskID = try readID()
            let step: StepID = try readID()
            let worker = try readOptionalString().map(WorkerID.init)
            let outcome = try readString()
            let evidence = try readJSONObject(depth: 1)
            let next = try readTransition()
            return .stepCompleted(StepCompletion(
                task: task, step: step, worker: worker, outcome: outcome, evidence: evidence, next: next))
        case .priorityChanged:
            let task: TaskID = try readID()
            let from = try readInt()
            return .priorityChanged(task: task, from: from, to: try readInt())
        case .escalated:
            let task: TaskID = try readID()
            let step: StepID = try readID()
            let level = try readInt()
            return .escalated(task: task, step: step, level: level, action: try readEscalation())
        case .movedToException:
            let task: TaskID = try readID()
            let owner = try readString()
            let due = try readDate()
            let reason = try readString()
            let context = try readStringMap()
            let recommendedAction = try readString()
            let claimedBy = try readOptionalString()
            return .movedToException(task: task, item: ExceptionItem(
                owner: owner, due: due, reason: reason, context: context,
                recommendedAction: recommendedAction, claimedBy: claimedBy))
        case .exceptionClaimed:
            let task: TaskID = try readID()
            return .exceptionClaimed(task: task, by: try readString())
        case .exceptionResolved:
            let task: TaskID = try readID()
            let resolution: ExceptionResolution
            switch try readByte() {
            case 0: resolution = .resume(try readID())
            case 1: resolution = .complete
            case 2: resolution = .cancel
            case let other: throw failure("unknown exception resolution \(other)")
            }
            return .exceptionResolved(task: task, resolution: resolution, note: try readString())
        case .overrideApplied:
            let task: TaskID = try readID()
            let change: Override
            switch try readByte() {
            case 0: change = .reassign(try readID())
            case 1: change = .priority(try readInt())
            case 2: change = .lane(try readLane())
            case let other: throw failure("unknown override \(other)")
            }
            return .overrideApplied(task: task, change: change, reason: try readString())
        case .taskCancelled:
            let task: TaskID = try readID()
            return .taskCancelled(task: task, reason: try readString())
        case .workerStatusChanged:
            let worker: WorkerID = try readID()
            return .workerStatusChanged(worker: worker, status: try readWorkerStatus())
        case .policyChanged:
            let name = try readString()
            guard let kind = RoutingPolicyKind(rawValue: name) else { throw failure("unknown routing policy \(name)") }
            return .policyChanged(kind)
        case .workflowDefined:
            return .workflowDefined(try readDefinition(Workflow.self))
        case .queueDefined:
            return .queueDefined(try readDefinition(Queue.self))
        case .workerRegistered:
            return .workerRegistered(try readDefinition(Worker.self))
        case .settingsChanged:
            return .settingsChanged(try readDefinition(WorkspaceState.Settings.self))
        case .decisionApplied:
            let _: TaskID = try readID()
            return .decisionApplied(try readDefinition(DecisionApplication.self))
        case .decisionPublished:
            return .decisionPublished(try readDefinition(DecisionPublication.self))
        case .thresholdChanged:
            return .thresholdChanged(try readDefinition(ResponseWindowChange.self))
        case .exceptionRateObserved:
            return .exceptionRateObserved(try readDefinition(ExceptionRateObservation.self))
        case .exceptionRateAlert:
            return .exceptionRateAlert(try readDefinition(ExceptionRateSignal.self))
        case .exceptionRateRecovered:
            return .exceptionRateRecovered(try readDefinition(ExceptionRateSignal.self))
        case .queueAtRisk:
            return .queueAtRisk(try readDefinition(QueueRisk.self))
        case .reallocationProposed:
            return .reallocationProposed(try readDefinition(ReallocationProposal.self))
        case .workerReallocated:
            return .workerReallocated(try readDefinition(WorkerReallocation.self))
        case .reallocationDeclined:
            return .reallocationDeclined(try readDefinition(ReallocationDecline.self))
        case .predictionsPublished:
            return .predictionsPublished(try readDefinition(PredictionTable.self))
        }
    }

    mutating func readDecision(compact: Bool) throws(DecodingFailure) -> RoutingDecision {
        let policy = try readString()
        let policyVersion = try readInt()
        let direction = try readDirection()
        let candidateCount = try readInt()
        // Each candidate takes at least an id length byte and an 8-byte score, or in the compact
        // form a byte of packing codes.
        let count = try readCount(minimumElementSize: compact ? 2 : 9)
        var candidates: [ScoredCandidate] = []
        if count > 0 {
            candidates.reserveCapacity(count)
            let shared = try readBool()
            if shared {
                let termCount = try readCount(minimumElementSize: compact ? 1 : 9)
                var names: [String] = []
                var weights: [Double] = []
                names.reserveCapacity(termCount)
                weights.reserveCapacity(termCount)
                if compact {
                    for _ in 0..<termCount { names.append(try readString()) }
                    var packed = try readPackedCodes(termCount)
                    for _ in 0..<termCount { weights.append(try readPacked(&packed)) }
                } else {
                    for _ in 0..<termCount {
                        names.append(try readString())
                        weights.append(try readDouble())
                    }
                }
                for _ in 0..<count {
                    let id = try readString()
                    var packed = compact ? try readPackedCodes(1 + termCount) : PackedCodes()
                    let score = compact ? try readPacked(&packed) : try readDouble()
                    var terms: [ScoreTerm] = []
                    terms.reserveCapacity(termCount)
                    for index in 0..<termCount {
                        let value = compact ? try readPacked(&packed) : try readDouble()
                        terms.append(ScoreTerm(name: names[index], value: value, weight: weights[index]))
                    }
                    candidates.append(ScoredCandidate(id: id, score: score, terms: terms))
                }
            } else {
                for _ in 0..<count {
                    let id = try readString()
                    let score = try readDouble()
                    let termCount = try readCount(minimumElementSize: 17)
                    var terms: [ScoreTerm] = []
                    terms.reserveCapacity(termCount)
                    for _ in 0..<termCount {
                        let name = try readString()
                        let value = try readDouble()
                        terms.append(ScoreTerm(name: name, value: value, weight: try readDouble()))
                    }
                    candidates.append(ScoredCandidate(id: id, score: score, terms: terms))
                }
            }
        }
        let exclusionCount = try readCount(minimumElementSize: 3)
        var excluded: [Exclusion] = []
        excluded.reserveCapacity(exclusionCount)
        for _ in 0..<exclusionCount {
            let rule = try readString()
            let excludedCount = try readInt()
            let exampleCount = try readCount()
            var examples: [String] = []
            examples.reserveCapacity(exampleCount)
            for _ in 0..<exampleCount { examples.append(try readString()) }
            excluded.append(Exclusion(rule: rule, count: excludedCount, examples: examples))
        }
        let runnerUpLost = try readOptionalString()
        return RoutingDecision(
            policy: policy, policyVersion: policyVersion, direction: direction, candidates: candidates,
            candidateCount: candidateCount, excluded: excluded, runnerUpLost: runnerUpLost)
    }

    mutating func readTransition() throws(DecodingFailure) -> Transition {
        switch try readByte() {
        case 0: return .end
        case 1: return .step(try readID())
        case let other: throw failure("unknown transition \(other)")
        }
    }

    mutating func readEscalation() throws(DecodingFailure) -> EscalationAction {
        switch try readByte() {
        case 0: return .notify(try readString())
        case 1: return .reassignToBackup
        case 2: return .raisePriority(try readInt())
        case 3: return .moveToException(try readString())
        case let other: throw failure("unknown escalation action \(other)")
        }
    }

    mutating func readStringMap() throws(DecodingFailure) -> [String: String] {
        let count = try readCount(minimumElementSize: 2)
        var map: [String: String] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readString()
            guard map.updateValue(try readString(), forKey: key) == nil else { throw failure("duplicate key \(key)") }
        }
        return map
    }

    mutating func readJSON(depth: Int) throws(DecodingFailure) -> JSONValue {
        guard depth <= EventCodec.maximumJSONDepth else {
            throw failure("JSON nested deeper than \(EventCodec.maximumJSONDepth) levels")
        }
        let tagByte = try readByte()
        switch JSONTag(rawValue: tagByte) {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .double: return .number(try readDouble())
        case .integer:
            let zigzag = try readVarint()
            return .number(Double(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)))
        case .string: return .string(try readString())
        case .array:
            let count = try readCount()
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readJSON(depth: depth + 1)) }
            return .array(elements)
        case .object:
            return .object(try readJSONObject(depth: depth + 1))
        case nil:
            throw failure("unknown JSON tag \(tagByte)")
        }
    }

    mutating func readJSONObject(depth: Int) throws(DecodingFailure) -> [String: JSONValue] {
        let count = try readCount(minimumElementSize: 2)
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readString()
            guard members.updateValue(try readJSON(depth: depth), forKey: key) == nil else {
                throw failure("duplicate key \(key)")
            }
        }
        return members
    }

    mutating func readDefinition<Definition: Decodable>(_ type: Definition.Type) throws(DecodingFailure) -> Definition {
        let json = try readBlob()
        do {
            return try definitionDecoder().decode(Definition.self, from: json)
        } catch {
            throw failure("\(Definition.self) JSON does not decode: \(error)")
        }
    }

    mutating func readDeclineReason() throws(DecodingFailure) -> DeclineReason {
        let code = try readByte()
        guard let reason = DeclineReason(code: code) else { throw failure("unknown decline reason \(code)") }
        return reason
    }

    mutating func readLane() throws(DecodingFailure) -> Lane {
        let code = try readByte()
        guard let lane = Lane(code: code) else { throw failure("unknown lane \(code)") }
        return lane
    }

    mutating func readWorkerStatus() throws(DecodingFailure) -> Worker.Status {
        let code = try readByte()
        guard let status = Worker.Status(code: code) else { throw failure("unknown worker status \(code)") }
        return status
    }

    mutating func readDirection() throws(DecodingFailure) -> RoutingDecision.Direction {
        let code = try readByte()
        guard let direction = RoutingDecision.Direction(code: code) else {
            throw failure("unknown decision direction \(code)")
        }
        return direction
    }
}

// MARK: - Stored codes of small enumerations
//
// Spelled out case by case rather than derived from declaration order, so that reordering or
// adding a case in the core cannot silently change what stored bytes mean.

extension DeclineReason {
    fileprivate var code: UInt8 {
        switch self {
        case .rejected: 0
        case .timedOut: 1
        case .withdrawn: 2
        }
    }

    fileprivate init?(code: UInt8) {
        switch code {
        case 0: self = .rejected
        case 1: self = .timedOut
        case 2: self = .withdrawn
        default: return nil
        }
    }
}

extension Lane {
    fileprivate var code: UInt8 {
        switch self {
        case .routine: 0
        case .exception: 1
        }
    }

    fileprivate init?(code: UInt8) {
        switch code {
        case 0: self = .routine
        case 1: self = .exception
        default: return nil
        }
    }
}

extension Worker.Status {
    fileprivate var code: UInt8 {
        switch self {
        case .available: 0
        case .away: 1
        case .offline: 2
        }
    }

    fileprivate init?(code: UInt8) {
        switch code {
        case 0: self = .available
        case 1: self = .away
        case 2: self = .offline
        default: return nil
        }
    }
}

extension RoutingDecision.Direction {
    fileprivate var code: UInt8 {
        switch self {
        case .taskToWorker: 0
        case .workerToTask: 1
        case .override: 2
        }
    }

    fileprivate init?(code: UInt8) {
        switch code {
        case 0: self = .taskToWorker
        case 1: self = .workerToTask
        case 2: self = .override
        default: return nil
        }
    }
}
