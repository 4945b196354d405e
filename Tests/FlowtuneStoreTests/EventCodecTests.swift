import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneStore

/// The payload cases, spelled out so that a new ``EventPayload`` case fails to compile here until the
/// samples cover it.
private enum PayloadCase: CaseIterable {
    case workflowDefined, queueDefined, workerRegistered, workerStatusChanged, policyChanged, settingsChanged, taskCreated
    case taskOffered, offerAccepted, offerDeclined, stepCompleted, movedToException, exceptionClaimed
    case exceptionResolved, escalated, priorityChanged, overrideApplied, taskCancelled
    case decisionPublished, decisionApplied
    case thresholdChanged, exceptionRateObserved, exceptionRateAlert, exceptionRateRecovered
    case queueAtRisk, reallocationProposed, workerReallocated, reallocationDeclined
    case predictionsPublished

    init(_ payload: EventPayload) {
        switch payload {
        case .workflowDefined: self = .workflowDefined
        case .queueDefined: self = .queueDefined
        case .workerRegistered: self = .workerRegistered
        case .workerStatusChanged: self = .workerStatusChanged
        case .policyChanged: self = .policyChanged
        case .settingsChanged: self = .settingsChanged
        case .taskCreated: self = .taskCreated
        case .taskOffered: self = .taskOffered
        case .offerAccepted: self = .offerAccepted
        case .offerDeclined: self = .offerDeclined
        case .stepCompleted: self = .stepCompleted
        case .movedToException: self = .movedToException
        case .exceptionClaimed: self = .exceptionClaimed
        case .exceptionResolved: self = .exceptionResolved
        case .escalated: self = .escalated
        case .priorityChanged: self = .priorityChanged
        case .overrideApplied: self = .overrideApplied
        case .taskCancelled: self = .taskCancelled
        case .decisionPublished: self = .decisionPublished
        case .decisionApplied: self = .decisionApplied
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

@Suite("EventCodec")
struct EventCodecTests {
    @Test("the samples cover every payload case")
    func samplesCoverEveryCase() {
        let covered = Set(SampleEvents.everyCase.map { PayloadCase($0.payload) })
        #expect(covered == Set(PayloadCase.allCases))
    }

    @Test("every payload case round-trips exactly", arguments: SampleEvents.everyCase.indices)
    func roundTrip(index: Int) throws {
        let event = SampleEvents.everyCase[index]
        let bytes = try EventCodec.encode(event)
        let decoded = try EventCodec.decode(bytes, workspace: "acme", sequence: Int64(index + 1))
        #expect(decoded == event)
        // Hashable equality treats -0.0 as 0.0 and ignores sub-ulp drift nowhere else: compare the
        // time bit for bit as well, since that is what replay ordering and audit rely on.
        #expect(decoded.time.timeIntervalSinceReferenceDate.bitPattern == event.time.timeIntervalSinceReferenceDate.bitPattern)
    }

    @Test("a lifecycle round-trips, including its five-candidate decision")
    func lifecycleRoundTrip() throws {
        for event in SampleEvents.lifecycle(task: 42) {
            let decoded = try EventCodec.decode(EventCodec.encode(event), workspace: "acme", sequence: 1)
            #expect(decoded == event)
        }
    }

    @Test("routings written in the earlier form, numbers in 8 bytes each, are still read")
    func earlierRoutingForm() throws {
        let events = SampleEvents.everyCase + SampleEvents.lifecycle(task: 42)
        var routings = 0
        var smaller = 0
        for (index, event) in events.enumerated() {
            // The encoder path earlier builds took: plain doubles under tags 2 and 16.
            var writer = BinaryWriter()
            try writer.write(event: event, compactDecisions: false)
            let earlier = Array(writer.bytes)
            let current = try EventCodec.encode(event)
            if case .taskOffered = event.payload {
                routings += 1
                #expect([PayloadTag.taskOffered.rawValue, PayloadTag.taskOfferedWithNotes.rawValue].contains(earlier[1]))
                #expect([PayloadTag.taskOfferedCompact.rawValue, PayloadTag.taskOfferedCompactWithNotes.rawValue].contains(current[1]))
                // Smaller when candidates share their terms; the same size otherwise.
                #expect(current.count <= earlier.count)
                if current.count < earlier.count { smaller += 1 }
            } else {
                #expect(earlier == current)
            }
            #expect(try EventCodec.decode(earlier, workspace: "acme", sequence: Int64(index + 1)) == event)
        }
        #expect(routings >= 2)
        #expect(smaller >= 1)
    }

    @Test("packed decision numbers come back bit for bit, in the width each needs")
    func packedDecisionNumbers() throws {
        let values: [Double] = [
            0, -0.0, 1, 0.5, 1.75, 1.0 / 7, 6.878912448883056e-05, 1e300, -1e-310, .infinity, -.infinity,
            Double(Float.greatestFiniteMagnitude), Double(Float.leastNonzeroMagnitude), .leastNonzeroMagnitude,
            Double(Float(0.1)), 0.1,
        ]
        // Candidates of three terms each, so that a candidate's codes (score and three values) fill
        // one byte exactly and the weights' codes (three) leave a byte part empty.
        var candidates: [ScoredCandidate] = []
        var index = 0
        while index < values.count {
            let take = (0..<4).map { values[(index + $0) % values.count] }
            candidates.append(ScoredCandidate(
                id: "w\(index)", score: take[0],
                terms: ["a", "b", "c"].enumerated().map { ScoreTerm(name: $1, value: take[$0 + 1], weight: values[($0 * 5) % values.count]) }))
            index += 4
        }
        let decision = RoutingDecision(
            policy: "skill-score", policyVersion: 1, direction: .workerToTask, candidates: candidates,
            candidateCount: candidates.count, excluded: [], runnerUpLost: nil)
        let event = Event(
            time: SampleEvents.start, actor: "system",
            payload: .taskOffered(task: "t", worker: "w", expiresAt: SampleEvents.start, decision: decision))
        let bytes = try EventCodec.encode(event)
        let decoded = try EventCodec.decode(bytes, workspace: "acme", sequence: 1)
        guard case .taskOffered(_, _, _, let back) = decoded.payload else {
            Issue.record("decoded \(decoded.payload)")
            return
        }
        func bits(_ decision: RoutingDecision) -> [UInt64] {
            decision.candidates.flatMap { candidate in
                [candidate.score.bitPattern] + candidate.terms.flatMap { [$0.value.bitPattern, $0.weight.bitPattern] }
            }
        }
        #expect(bits(back) == bits(decision))
        #expect(back.candidates.map(\.id) == decision.candidates.map(\.id))
        // The width of each number, worked out on its own: +0 takes none, a value a Float holds
        // exactly 4 bytes, the rest 8; and two bits of code each.
        func width(_ value: Double) -> Int {
            if value.bitPattern == 0 { return 0 }
            return Double(Float(value)).bitPattern == value.bitPattern ? 4 : 8
        }
        var writer = BinaryWriter()
        try writer.write(event: event, compactDecisions: false)
        let plain = writer.bytes.count
        let weights = candidates[0].terms.map(\.weight)
        let numbers = candidates.flatMap { [$0.score] + $0.terms.map(\.value) }
        let saved = (weights + numbers).reduce(0) { $0 + 8 - width($1) }
        let codeBytes = (weights.count + 3) / 4 + candidates.count * ((1 + 3 + 3) / 4)
        #expect(bytes.count == plain - saved + codeBytes)
    }

    @Test("a damaged packing code is reported, not read as a number")
    func damagedPackingCode() throws {
        let decision = RoutingDecision(
            policy: "p", policyVersion: 1, direction: .taskToWorker,
            candidates: [ScoredCandidate(id: "w", score: 0, terms: [ScoreTerm(name: "a", value: 0, weight: 0)])],
            candidateCount: 1, excluded: [], runnerUpLost: nil)
        var bytes = try EventCodec.encode(Event(
            time: SampleEvents.start, actor: "s",
            payload: .taskOffered(task: "t", worker: "w", expiresAt: SampleEvents.start, decision: decision)))
        // Every number is +0, so each run is its code byte alone; the candidate's comes just before
        // the count of exclusions and the absent runner-up, a byte each. Code 2 is unused.
        let candidateCodes = bytes.count - 3
        #expect(bytes[candidateCodes] == 0)
        bytes[candidateCodes] = 0b10
        let error = #expect(throws: EventStoreError.self) {
            try EventCodec.decode(bytes, workspace: "acme", sequence: 9)
        }
        #expect(error?.code == .corrupt)
    }

    @Test("sub-second times keep every bit")
    func subSecondTimes() throws {
        for seconds in [1_700_000_000.123_456_789, -12.5, 0, 1e-9, 4_102_444_800.999_999] {
            let time = Date(timeIntervalSince1970: seconds)
            let event = Event(time: time, actor: "a", payload: .priorityChanged(task: "t", from: 1, to: 2))
            let decoded = try EventCodec.decode(EventCodec.encode(event), workspace: "w", sequence: 1)
            #expect(decoded.time.timeIntervalSinceReferenceDate.bitPattern == time.timeIntervalSinceReferenceDate.bitPattern)
        }
    }

    @Test("JSON numbers keep their exact bits: negative zero, extremes and whole values")
    func jsonNumbers() throws {
        let numbers: [Double] = [
            -0.0, 0, 1, -1, 0.1, 1e300, -1e-300, .leastNonzeroMagnitude, 9_007_199_254_740_992, 9_007_199_254_740_994, -9_223_372_036_854_775_808,
            0x1p63, .infinity, -.infinity, .greatestFiniteMagnitude,
        ]
        let event = Event(
            time: SampleEvents.start, actor: "a",
            payload: .taskCreated(TaskCreated(
                task: "t", workflow: "w", workflowVersion: 1, channel: .default, priority: 5,
                attributes: .array(numbers.map(JSONValue.number)))))
        let decoded = try EventCodec.decode(EventCodec.encode(event), workspace: "w", sequence: 1)
        guard case .taskCreated(let created) = decoded.payload, case .array(let values) = created.attributes else {
            Issue.record("decoded \(decoded.payload)")
            return
        }
        #expect(values.map { $0.numberValue?.bitPattern } == numbers.map(\.bitPattern))
    }

    @Test("equal events encode to equal bytes whatever the order their dictionaries were built in")
    func deterministic() throws {
        let keys = (0..<40).map { "key-\($0)" }
        func event(_ order: [String]) -> Event {
            var attributes: [String: JSONValue] = [:]
            for key in order { attributes[key] = .string(key) }
            return Event(
                time: SampleEvents.start, actor: "a",
                payload: .taskCreated(TaskCreated(
                    task: "t", workflow: "w", workflowVersion: 1, channel: .default, priority: 5,
                    attributes: .object(["nested": .object(attributes)]))))
        }
        #expect(try EventCodec.encode(event(keys)) == EventCodec.encode(event(keys.reversed())))
    }

    @Test("candidates sharing their score terms store the names once")
    func sharedTermsAreCompact() throws {
        let shared = SampleEvents.decision(candidates: 5)
        var distinct = shared
        // Rename one term of the last candidate: now each candidate must carry its own names.
        distinct.candidates[4].terms[0].name = "skillFit2"
        func size(_ decision: RoutingDecision) throws -> Int {
            try EventCodec.encode(Event(
                time: SampleEvents.start, actor: "system",
                payload: .taskOffered(task: "t", worker: "w", expiresAt: SampleEvents.start, decision: decision))).count
        }
        let sharedSize = try size(shared)
        let distinctSize = try size(distinct)
        // Four more copies of six names (at least 7 bytes each) and six weights (8 bytes each).
        #expect(distinctSize - sharedSize >= 4 * 6 * (7 + 8))
        let roundTripped = try EventCodec.decode(
            EventCodec.encode(Event(
                time: SampleEvents.start, actor: "system",
                payload: .taskOffered(task: "t", worker: "w", expiresAt: SampleEvents.start, decision: distinct))),
            workspace: "w", sequence: 1)
        guard case .taskOffered(_, _, _, let decision) = roundTripped.payload else {
            Issue.record("decoded \(roundTripped.payload)")
            return
        }
        #expect(decision == distinct)
    }

    @Test("the store's type column names each case as the core does")
    func typeNames() {
        for event in SampleEvents.everyCase {
            #expect(PayloadTag(event.payload).typeName.description == event.type)
        }
    }

    @Test("varint sizes match what the writer writes", arguments: [
        0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, UInt64(Int64.max), UInt64.max,
    ] as [UInt64])
    func varintSize(value: UInt64) throws {
        var writer = BinaryWriter()
        writer.write(varint: value)
        #expect(BinaryWriter.varintSize(value) == writer.count)
        var reader = BinaryReader(writer.bytes)
        #expect(try reader.readVarint() == value)
        #expect(reader.isAtEnd)
    }

    @Test("the layout of an encoded event points at its actor and task bytes")
    func layout() throws {
        let longTask = TaskID(String(repeating: "tâche-", count: 40))
        let longActor = String(repeating: "acteur ", count: 30)
        let long = Event(time: SampleEvents.start, actor: longActor, payload: .taskCancelled(task: longTask, reason: "x"))
        for event in SampleEvents.everyCase + [long] {
            var writer = BinaryWriter(capacity: 16)
            writer.write(byte: 0xEE)
            let layout = try writer.write(event: event)
            let bytes = Array(writer.bytes)
            #expect(layout.start == 1)
            #expect(layout.end == bytes.count)
            #expect(String(decoding: bytes[layout.actor], as: UTF8.self) == event.actor)
            #expect(layout.task.map { String(decoding: bytes[$0], as: UTF8.self) } == event.taskID?.rawValue)
            #expect(try EventCodec.decode(Array(bytes[layout.start..<layout.end]), workspace: "w", sequence: 1) == event)
        }
    }

    @Test("decoding through a shared string table gives the same events, even when its slots collide")
    func sharedStrings() throws {
        let events = SampleEvents.everyCase + SampleEvents.lifecycles(40)
        let blobs = try events.map { try EventCodec.encode($0) }
        for table in [StringTable(), StringTable(slotCount: 2)] {
            // Twice, so that the second pass finds the strings of the first.
            for _ in 0..<2 {
                for (event, blob) in zip(events, blobs) {
                    let decoded = try blob.withUnsafeBytes { bytes throws(EventStoreError) in
                        try EventCodec.decode(bytes, workspace: "w", sequence: 1, strings: table)
                    }
                    #expect(decoded == event)
                }
            }
        }
    }

    @Test("strings of equal length and shared ends stay apart in the string table")
    func stringTableKeys() throws {
        let table = StringTable(slotCount: 1)
        let strings = ["a", "b", "ab", "ba", "abcd", "abce", "abcdefgh", "abcdefgi", "abcdefghX", "Xbcdefghi",
                       "abcdefghijklmnop", "abcdefghijklmnoq", "é", "日本"]
        for _ in 0..<2 {
            for string in strings + strings.reversed() {
                var copy = string
                let found = copy.withUTF8 { utf8 in
                    table.string(UnsafeRawBufferPointer(utf8)) { String(decoding: $0, as: UTF8.self) }
                }
                #expect(found == string)
            }
        }
    }

    @Test("the first byte is the format version")
    func formatVersionByte() throws {
        let bytes = try EventCodec.encode(SampleEvents.lifecycle(task: 1)[0])
        #expect(bytes.first == EventCodec.formatVersion)
    }

    @Test("encode(into:) appends to what the buffer holds")
    func encodeIntoAppends() throws {
        let events = SampleEvents.lifecycle(task: 3)
        var buffer: [UInt8] = [0xAA]
        var ends: [Int] = []
        for event in events {
            try EventCodec.encode(event, into: &buffer)
            ends.append(buffer.count)
        }
        #expect(buffer.first == 0xAA)
        var start = 1
        for (event, end) in zip(events, ends) {
            #expect(try EventCodec.decode(Array(buffer[start..<end]), workspace: "w", sequence: 1) == event)
            start = end
        }
    }

    @Test("JSON nested too deeply is refused on encoding and leaves the buffer as it was")
    func tooDeepToEncode() throws {
        var value: JSONValue = "leaf"
        for _ in 0..<EventCodec.maximumJSONDepth { value = .array([value]) }
        let event = Event(
            time: SampleEvents.start, actor: "a",
            payload: .taskCreated(TaskCreated(
                task: "t", workflow: "w", workflowVersion: 1, channel: .default, priority: 5, attributes: value)))
        var buffer: [UInt8] = [1, 2, 3]
        let error = try #require(throws: EventStoreError.self) { try EventCodec.encode(event, into: &buffer) }
        #expect(error.code == .invalidEvent)
        #expect(error.message.contains("TaskCreated"))
        #expect(buffer == [1, 2, 3])
    }

    @Test("JSON at the depth limit still round-trips")
    func deepestAllowed() throws {
        var value: JSONValue = "leaf"
        for _ in 0..<(EventCodec.maximumJSONDepth - 1) { value = .array([value]) }
        let event = Event(
            time: SampleEvents.start, actor: "a",
            payload: .taskCreated(TaskCreated(
                task: "t", workflow: "w", workflowVersion: 1, channel: .default, priority: 5, attributes: value)))
        #expect(try EventCodec.decode(EventCodec.encode(event), workspace: "w", sequence: 1) == event)
    }
}

@Suite("EventCodec on damaged blobs")
struct EventCodecCorruptionTests {
    private func expectCorrupt(_ bytes: [UInt8], mentioning detail: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            let event = try EventCodec.decode(bytes, workspace: "acme", sequence: 77)
            Issue.record("decoded \(event) from a damaged blob", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .corrupt, sourceLocation: sourceLocation)
            #expect(error.message.contains("event 77 of workspace acme"), sourceLocation: sourceLocation)
            if let detail {
                #expect(error.message.contains(detail), "\(error.message)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("every truncation of every sample is refused")
    func truncations() throws {
        for event in SampleEvents.everyCase {
            let bytes = try EventCodec.encode(event)
            for length in 0..<bytes.count {
                expectCorrupt(Array(bytes.prefix(length)))
            }
        }
    }

    @Test("an empty blob names the problem")
    func empty() {
        expectCorrupt([], mentioning: "unexpected end of data at byte 0 of 0")
    }

    @Test("trailing bytes are refused")
    func trailingBytes() throws {
        let bytes = try EventCodec.encode(SampleEvents.lifecycle(task: 1)[2])
        expectCorrupt(bytes + [0], mentioning: "1 unexpected bytes after the event")
    }

    @Test("a newer format version is refused by name")
    func unknownVersion() throws {
        var bytes = try EventCodec.encode(SampleEvents.lifecycle(task: 1)[0])
        bytes[0] = EventCodec.formatVersion + 1
        expectCorrupt(bytes, mentioning: "unknown format version \(EventCodec.formatVersion + 1)")
    }

    @Test("an unknown tag is refused")
    func unknownTag() throws {
        var bytes = try EventCodec.encode(SampleEvents.lifecycle(task: 1)[0])
        bytes[1] = 200
        expectCorrupt(bytes, mentioning: "unknown event tag 200")
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() throws {
        let event = Event(time: SampleEvents.start, actor: "abc", payload: .policyChanged(.roundRobin))
        var bytes = try EventCodec.encode(event)
        // version, tag, 8 time bytes, actor length: the actor's first byte is at offset 11.
        #expect(bytes[10] == 3)
        bytes[11] = 0xFF
        expectCorrupt(bytes, mentioning: "not valid UTF-8")
    }

    @Test("invalid UTF-8 is refused when strings are shared too")
    func invalidUTF8SharedStrings() throws {
        let event = Event(time: SampleEvents.start, actor: "abc", payload: .policyChanged(.roundRobin))
        var bytes = try EventCodec.encode(event)
        bytes[11] = 0xFF
        let table = StringTable()
        let error = bytes.withUnsafeBytes { buffer in
            #expect(throws: EventStoreError.self) {
                try EventCodec.decode(buffer, workspace: "acme", sequence: 9, strings: table)
            }
        }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("not valid UTF-8") == true)
    }

    @Test("a huge count is refused before anything is allocated")
    func hugeCount() throws {
        let event = Event(
            time: SampleEvents.start, actor: "a",
            payload: .taskCreated(TaskCreated(
                task: "t", workflow: "w", workflowVersion: 1, channel: "c", priority: 5, attributes: [])))
        var bytes = try EventCodec.encode(event)
        // The attributes are the empty array: tag 6 then count 0, just before the absent key,
        // the absent fingerprint flag.
        let arrayTag = bytes.count - 4
        #expect(Array(bytes[arrayTag...]) == [6, 0, 0, 0])
        bytes.replaceSubrange((arrayTag + 1)...(arrayTag + 1), with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectCorrupt(bytes, mentioning: "exceeds")
    }

    @Test("a varint longer than 64 bits is refused")
    func overlongVarint() {
        let bytes: [UInt8] = [EventCodec.formatVersion, 3] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0xFF, count: 11)
        expectCorrupt(bytes, mentioning: "varint overflows")
    }

    @Test("nesting past the depth limit is refused without exhausting the stack")
    func deepNesting() {
        // A taskCreated whose attributes open a million arrays: far deeper than any stack allows.
        var bytes: [UInt8] = [EventCodec.formatVersion, PayloadTag.taskCreated.rawValue]
        bytes += [UInt8](repeating: 0, count: 8)  // time
        bytes += [1, 0x61, 0]  // actor "a", no cause
        bytes += [1, 0x74, 1, 0x77, 2, 1, 0x63, 10]  // task, workflow, version 1, channel, priority 5
        for _ in 0..<1_000_000 { bytes += [6, 1] }
        expectCorrupt(bytes, mentioning: "nested deeper than \(EventCodec.maximumJSONDepth)")
    }

    @Test("random damage never crashes the decoder")
    func randomDamage() throws {
        var generator = SeededGenerator(seed: 7)
        let blobs = try SampleEvents.everyCase.map { try EventCodec.encode($0) }
        var refused = 0
        for round in 0..<4_000 {
            var bytes = blobs[round % blobs.count]
            for _ in 0...Int.random(in: 0...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try EventCodec.decode(bytes, workspace: "w", sequence: Int64(round))
            } catch {
                #expect(error.code == .corrupt)
                refused += 1
            }
        }
        // Most damage hits a structural byte or a length; a flipped bit inside a double still decodes.
        #expect(refused > 0)
    }
}
