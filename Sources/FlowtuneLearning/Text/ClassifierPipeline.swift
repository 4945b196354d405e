import Dispatch
import FlowtuneCore
import Synchronization

/// A stream of texts scored and learned from by classifiers that share a featurizer, on two
/// threads of its own: one featurizes batch k + 1 (and looks its labels up) while the other
/// scores batch k and learns from it, strictly in arrival order.
///
/// Featurizing is a pure function of the text, so it can run ahead of the models; the models
/// see every text in order, with the same features, scores and updates as the one-thread path
/// (featurize, score, learn, text by text): predictions and final models are the same bit for
/// bit at every batch size and in both layouts (``Layout``).
///
/// The stages run on threads the pipeline starts and joins itself, never on Swift's
/// cooperative pool, which has only as many threads as cores: a task awaiting ``process(_:onPrediction:)``
/// is suspended and holds no pool thread, so the server's tasks keep running beside a long
/// stream. ``processBlocking(_:onPrediction:)`` runs the scoring stage on the calling thread
/// instead, for callers that are not async.
///
/// ```swift
/// var pipeline = ClassifierPipeline(classifiers: [intent, urgency])
/// try await pipeline.process(texts.map { ClassifierPipeline.Text($0.body, labels: [$0.intent, $0.urgency]) }) {
///     position, predictions in
///     print(position, predictions[0].label, predictions[1].label)
/// }
/// let (intent, urgency) = (pipeline.classifiers[0], pipeline.classifiers[1])
/// ```
///
/// Hand-offs between the threads cost about as much as scoring a hundred texts on a small
/// virtual machine (a thread waiting for the other has to be woken), so texts go over in large
/// batches (``defaultBatchSize``); a batch's features take about 6 KB a text, and two batches are
/// alive at a time.
public struct ClassifierPipeline: Sendable {
    /// Which stage runs which classifier.
    public enum Layout: String, Sendable, Hashable, CaseIterable, Codable {
        /// The featurizing stage only featurizes; every classifier scores and learns on the
        /// other. Best when featurizing costs less than scoring all the classifiers.
        case featurizeAhead
        /// The featurizing stage also scores and learns with the classifiers of fewest classes,
        /// at most half of them (given the features, each classifier is independent of the
        /// others); the rest score and learn on the other stage. With an 8-class intent and a
        /// 3-class urgency model, urgency goes with featurizing, which balances the stages.
        case splitClassifiers
    }

    /// One text of a stream and, for each classifier in order, the label to learn or `nil` to
    /// only score it for that classifier; no labels at all to only score it.
    public struct Text: Sendable, Hashable {
        /// The text.
        public var text: String
        /// One label or `nil` per classifier, in the pipeline's order, or empty.
        public var labels: [String?]

        /// A text with a label (or `nil`) per classifier, or none.
        public init(_ text: String, labels: [String?] = []) {
            self.text = text
            self.labels = labels
        }
    }

    /// A text's label is not one of its classifier's classes. Raised before any classifier scores
    /// that text; everything learned from the texts before it is kept.
    public struct UnknownLabel: Error, Sendable, Hashable, CustomStringConvertible {
        /// The label given.
        public var label: String
        /// The classifier it was given for.
        public var classifier: ModelReference
        /// The text's position in the stream, counted from 0 over every call.
        public var position: Int
        /// The classes the classifier knows.
        public var known: [String]

        /// Creates the error.
        public init(label: String, classifier: ModelReference, position: Int, known: [String]) {
            self.label = label
            self.classifier = classifier
            self.position = position
            self.known = known
        }

        public var description: String {
            "text \(position): unknown label \"\(label)\" for classifier \(classifier.name) v\(classifier.version); expected one of \(known.joined(separator: ", "))"
        }
    }

    /// A text carries a number of labels other than none or one per classifier. Raised, like
    /// ``UnknownLabel``, before any classifier scores that text.
    public struct LabelCountMismatch: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text's position in the stream, counted from 0 over every call.
        public var position: Int
        /// Labels the text carries.
        public var labels: Int
        /// Classifiers in the pipeline.
        public var classifiers: Int

        /// Creates the error.
        public init(position: Int, labels: Int, classifiers: Int) {
            self.position = position
            self.labels = labels
            self.classifiers = classifiers
        }

        public var description: String {
            "text \(position): \(labels) labels for \(classifiers) classifiers; give one label or nil per classifier, or none"
        }
    }

    /// Texts per batch unless told otherwise: 8,192. Smaller batches wait on more hand-offs
    /// (at 64 the stages hardly overlapped on the 2-core benchmark host); larger ones only use
    /// more memory.
    public static let defaultBatchSize = 8192

    /// The classifiers, in the order of every text's labels and every callback's predictions,
    /// as trained by the texts processed so far.
    public private(set) var classifiers: [TextClassifier]
    /// The featurizer the classifiers share.
    public let featurizer: TextFeaturizer
    /// Which stage runs which classifier.
    public var layout: Layout
    /// Texts handed from the featurizing stage to the scoring stage at a time.
    public var batchSize: Int {
        didSet { precondition(batchSize >= 1, "a batch holds at least one text") }
    }
    /// Texts scored and learned from by every classifier so far, over every call: the position
    /// the next text will have.
    public private(set) var processed = 0

    /// A pipeline over `classifiers`, which must share one featurizer.
    public init(classifiers: [TextClassifier], layout: Layout = .splitClassifiers, batchSize: Int = Self.defaultBatchSize) {
        precondition(!classifiers.isEmpty, "a pipeline needs a classifier")
        precondition(batchSize >= 1, "a batch holds at least one text")
        let featurizer = classifiers[0].featurizer
        precondition(classifiers.allSatisfy { $0.featurizer == featurizer }, "the classifiers of a pipeline share one featurizer")
        self.classifiers = classifiers
        self.featurizer = featurizer
        self.layout = layout
        self.batchSize = batchSize
    }

    /// The classifiers the featurizing stage runs in the ``Layout/splitClassifiers`` layout:
    /// the fewest classes first (the earlier of equals), at most half of them.
    public var featurizingStageClassifiers: [Int] {
        guard layout == .splitClassifiers else { return [] }
        let order = classifiers.indices.sorted { (classifiers[$0].labels.count, $0) < (classifiers[$1].labels.count, $1) }
        return Array(order.prefix(classifiers.count / 2)).sorted()
    }

    /// Scores `texts` with every classifier and learns from their labels, on two threads of the
    /// pipeline's own while the calling task is suspended.
    ///
    /// `onPrediction` gets each text's position in the stream and its predictions, one per
    /// classifier in order, made before learning from it, in stream order, on the scoring
    /// thread, once the text's batch has been learned from. If it throws, no further
    /// predictions are given, the stream stops at the end of that text's batch (every
    /// classifier has learned from it) and the error is rethrown.
    ///
    /// A text with an unknown label throws ``UnknownLabel`` (a wrong number of labels,
    /// ``LabelCountMismatch``) once the texts before it are learned from; no classifier scores
    /// it. ``processed`` says where the stream stopped, so it can be fed again from there.
    /// Cancelling the task stops the stream at the end of a batch with `CancellationError`.
    /// Streams can be fed in several calls: the result is the same as one call with all the texts.
    public mutating func process(
        _ texts: [Text], onPrediction: (@Sendable (_ position: Int, _ predictions: [ClassPrediction]) throws -> Void)? = nil
    ) async throws {
        guard !texts.isEmpty else { return }
        let handoff = Handoff()
        // The classifiers move to the scoring thread and back, never copied: a second reference
        // would make the first update copy every weight table.
        let moved = Transfer(self)
        classifiers = []
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, any Error>, Never>) in
                StageThread.detach(name: "ft-score") {
                    continuation.resume(returning: Self.run(moved, texts, handoff: handoff, onPrediction: onPrediction))
                }
            }
        } onCancel: {
            handoff.cancel()
        }
        self = moved.take()
        try outcome.get()
    }

    /// Runs the moved pipeline and moves it back. Its local copy is gone when this returns, before
    /// the caller resumes, so the caller's classifiers are again the only references to their weights.
    private static func run(
        _ moved: Transfer<ClassifierPipeline>, _ texts: [Text], handoff: Handoff,
        onPrediction: (@Sendable (Int, [ClassPrediction]) throws -> Void)?
    ) -> Result<Void, any Error> {
        var pipeline = moved.take()
        let result = Result { try pipeline.run(texts, handoff: handoff, onPrediction: onPrediction) }
        moved.put(pipeline)
        return result
    }

    /// ``process(_:onPrediction:)`` for callers that are not async: the scoring stage runs on the
    /// calling thread, which is blocked until the stream is done, and the featurizing stage on a
    /// thread of its own. Do not call it from a task on Swift's cooperative pool with a long
    /// stream: it would hold one of the pool's few threads.
    public mutating func processBlocking(
        _ texts: [Text], onPrediction: ((_ position: Int, _ predictions: [ClassPrediction]) throws -> Void)? = nil
    ) throws {
        guard !texts.isEmpty else { return }
        try run(texts, handoff: Handoff(), onPrediction: onPrediction)
    }

    /// Runs both stages, the scoring stage on this thread, and puts every classifier back in
    /// place whatever happens.
    private mutating func run(
        _ texts: [Text], handoff: Handoff, onPrediction: ((Int, [ClassPrediction]) throws -> Void)?
    ) throws {
        let nearIndices = featurizingStageClassifiers
        let lookups = classifiers.map(LabelLookup.init)
        let isNear = classifiers.indices.map { nearIndices.contains($0) }
        var all: [TextClassifier] = []
        swap(&all, &classifiers)
        var near: [TextClassifier] = []
        var far: [TextClassifier] = []
        for index in all.indices {
            if isNear[index] { near.append(all[index]) } else { far.append(all[index]) }
        }
        all = []
        let nearClassifiers = Transfer(near)
        near = []
        let stage = FeaturizingStage(
            texts: texts, start: processed, featurizer: featurizer, batchSize: batchSize,
            lookups: lookups,
            nearIndices: nearIndices, keepPredictions: onPrediction != nil)
        let featurizing = StageThread(name: "ft-featurize") {
            var near = nearClassifiers.take()
            stage.run(handoff: handoff, near: &near)
            nearClassifiers.put(near)
        }
        let scoring = ScoringStage(
            classifierCount: isNear.count, farIndices: isNear.indices.filter { !isNear[$0] }, nearIndices: nearIndices)
        let outcome = scoring.run(handoff: handoff, far: &far, onPrediction: onPrediction)
        // Whatever ended the scoring stage, the featurizing stage stops at its next check.
        handoff.stop()
        featurizing.join()
        near = nearClassifiers.take()
        var nearSlot = 0
        var farSlot = 0
        var merged: [TextClassifier] = []
        merged.reserveCapacity(isNear.count)
        for index in isNear.indices {
            if isNear[index] {
                merged.append(near[nearSlot])
                nearSlot += 1
            } else {
                merged.append(far[farSlot])
                farSlot += 1
            }
        }
        near = []
        far = []
        classifiers = merged
        processed += outcome.scored
        if let error = outcome.error { throw error }
    }
}

/// A classifier's classes by name.
struct LabelLookup: Sendable {
    let reference: ModelReference
    let labels: [String]
    let indices: [String: Int]

    init(_ classifier: TextClassifier) {
        reference = classifier.reference
        labels = classifier.labels
        indices = Dictionary(uniqueKeysWithValues: classifier.labels.enumerated().map { ($1, $0) })
    }
}

/// One batch of texts on its way from the featurizing stage to the scoring stage. Its buffers
/// come back to the featurizing stage once scored, so a stream's feature vectors are allocated
/// for the first two batches only.
struct PipelineBatch: Sendable {
    /// The stream position of the first text.
    var start = 0
    /// Texts to score, from the first; the arrays may hold more, left from an earlier batch.
    var count = 0
    /// Each text's features.
    var features: [SparseVector] = []
    /// Per text, per classifier: the label's class index, or −1 for none.
    var targets: [Int] = []
    /// The error of the text at `start + count`, which nothing scores; the stream ends with it.
    var failure: (any Error)?
}

/// What the two stages share, behind one lock, and a semaphore per stage to wake it when the
/// other has changed something it may be waiting for.
final class Handoff: Sendable {
    struct State: Sendable {
        /// A featurized batch the scoring stage has not taken yet.
        var ready: PipelineBatch?
        /// The featurizing stage has handed over its last batch.
        var finished = false
        /// Batches whose featurizing-stage classifiers are done, and their predictions (per such
        /// classifier, per text) if predictions are kept, for the scoring stage to take.
        var nearDone = 0
        var nearPredictions: [[ClassPrediction]] = []
        /// Batches scored by every classifier with their predictions delivered; the featurizing
        /// stage learns from the next batch only then, so that a stop leaves every classifier
        /// at the same text.
        var delivered = 0
        /// The scoring stage will take nothing more.
        var stopped = false
        /// The caller's task was cancelled.
        var cancelled = false
        /// Scored batches, for their buffers to be reused.
        var spare: [PipelineBatch] = []
    }

    private let state = Mutex(State())
    // Created at 0 and signalled as things change: libdispatch traps when a semaphore is freed
    // with a value below its initial one.
    private let wakeFeaturizing = DispatchSemaphore(value: 0)
    private let wakeScoring = DispatchSemaphore(value: 0)

    enum Stage { case featurizing, scoring }

    /// Waits until `condition` (run under the lock, free to change the state) returns a value,
    /// then wakes the other stage, since the state may have changed.
    func wait<T: Sendable>(_ stage: Stage, until condition: (inout State) -> T?) -> T {
        while true {
            if let value = state.withLock({ condition(&$0) }) {
                signal(other: stage)
                return value
            }
            (stage == .featurizing ? wakeFeaturizing : wakeScoring).wait()
        }
    }

    /// Changes the state and wakes the other stage.
    func update(from stage: Stage, _ change: (inout State) -> Void) {
        state.withLock { change(&$0) }
        signal(other: stage)
    }

    /// Tells the featurizing stage to stop at its next check.
    func stop() { update(from: .scoring) { $0.stopped = true } }

    /// Asks the scoring stage to stop after the batch it is on.
    func cancel() { state.withLock { $0.cancelled = true } }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    private func signal(other stage: Stage) {
        (stage == .featurizing ? wakeScoring : wakeFeaturizing).signal()
    }
}

/// The featurizing stage: splits the texts into batches, resolves their labels, featurizes them
/// and, in the split layout, scores and learns with its own classifiers.
struct FeaturizingStage: Sendable {
    let texts: [ClassifierPipeline.Text]
    /// The stream position of `texts[0]`.
    let start: Int
    let featurizer: TextFeaturizer
    let batchSize: Int
    let lookups: [LabelLookup]
    /// The classifiers this stage runs, as indices in the pipeline's order, ascending.
    let nearIndices: [Int]
    let keepPredictions: Bool

    private enum Step: Sendable {
        case stop
        case go(PipelineBatch)
    }

    func run(handoff: Handoff, near: inout [TextClassifier]) {
        var scratch = TextFeaturizer.Scratch()
        var vector = SparseVector(indices: [], values: [])
        var next = 0
        var index = 0
        let classifiers = lookups.count
        while next < texts.count {
            // Featurize a batch only once the scoring stage has taken the last one: two batches
            // are alive at a time, the one scored and the one featurized.
            let step = handoff.wait(.featurizing) { state -> Step? in
                if state.stopped { return .stop }
                guard state.ready == nil else { return nil }
                return .go(state.spare.popLast() ?? PipelineBatch())
            }
            guard case .go(var batch) = step else { break }
            batch.start = start + next
            batch.count = 0
            batch.failure = nil
            batch.targets.removeAll(keepingCapacity: true)
            let end = min(texts.count, next + batchSize)
            while next < end {
                if let failure = resolve(texts[next], position: start + next, into: &batch.targets) {
                    batch.failure = failure
                    break
                }
                // Featurized into one reused vector, then copied at its exact size: a slot reused
                // in place would keep the capacity of the longest text it ever held.
                featurizer.features(of: texts[next].text, into: &vector, scratch: &scratch)
                let exact = SparseVector(indices: Self.exactCopy(vector.indices), values: Self.exactCopy(vector.values))
                if batch.features.count == batch.count { batch.features.append(exact) } else { batch.features[batch.count] = exact }
                batch.count += 1
                next += 1
            }
            let failed = batch.failure != nil
            // Read alongside the scoring stage, which only reads them too; released before the
            // batch can come back, so that reusing it copies nothing.
            var features = near.isEmpty ? [] : batch.features
            let targets = near.isEmpty ? [] : batch.targets
            let count = batch.count
            handoff.update(from: .featurizing) { $0.ready = batch }
            if !near.isEmpty {
                let mine = index
                let confirmed = handoff.wait(.featurizing) { state -> Bool? in
                    state.stopped ? false : state.delivered == mine ? true : nil
                }
                guard confirmed else { break }
                var predictions: [[ClassPrediction]] = []
                for slot in near.indices {
                    let classifier = nearIndices[slot]
                    var column: [ClassPrediction] = []
                    if keepPredictions { column.reserveCapacity(count) }
                    for text in 0..<count {
                        let scored = near[slot].score(features: features[text])
                        if keepPredictions { column.append(scored.prediction) }
                        let target = targets[text * classifiers + classifier]
                        if target >= 0 { near[slot].learn(features: features[text], scored: scored, target: target) }
                    }
                    predictions.append(column)
                }
                features = []
                handoff.update(from: .featurizing) { state in
                    state.nearDone += 1
                    state.nearPredictions = predictions
                }
            }
            index += 1
            if failed { break }
        }
        handoff.update(from: .featurizing) { $0.finished = true }
    }

    private static func exactCopy<T>(_ array: [T]) -> [T] {
        [T](unsafeUninitializedCapacity: array.count) { buffer, count in
            _ = buffer.initialize(fromContentsOf: array)
            count = array.count
        }
    }

    /// Appends the text's class indices, one per classifier (−1 for none), or returns the error
    /// that keeps it from being scored.
    private func resolve(_ text: ClassifierPipeline.Text, position: Int, into targets: inout [Int]) -> (any Error)? {
        if text.labels.isEmpty {
            targets.append(contentsOf: repeatElement(-1, count: lookups.count))
            return nil
        }
        guard text.labels.count == lookups.count else {
            return ClassifierPipeline.LabelCountMismatch(position: position, labels: text.labels.count, classifiers: lookups.count)
        }
        let before = targets.count
        for (classifier, label) in text.labels.enumerated() {
            guard let label else {
                targets.append(-1)
                continue
            }
            guard let target = lookups[classifier].indices[label] else {
                targets.removeSubrange(before...)
                return ClassifierPipeline.UnknownLabel(
                    label: label, classifier: lookups[classifier].reference, position: position, known: lookups[classifier].labels)
            }
            targets.append(target)
        }
        return nil
    }
}

/// The scoring stage: takes the batches in order, scores and learns with its classifiers, and
/// gives each text's predictions to the caller.
struct ScoringStage {
    let classifierCount: Int
    /// The classifiers this stage runs, and those the featurizing stage runs, as indices in the
    /// pipeline's order, ascending.
    let farIndices: [Int]
    let nearIndices: [Int]

    /// Texts scored and learned from by every classifier, and the error that ended the stream.
    struct Outcome {
        var scored = 0
        var error: (any Error)?
    }

    func run(
        handoff: Handoff, far: inout [TextClassifier], onPrediction: ((Int, [ClassPrediction]) throws -> Void)?
    ) -> Outcome {
        var outcome = Outcome()
        var index = 0
        var columns = [[ClassPrediction]](repeating: [], count: classifierCount)
        let nearSlot = Dictionary(uniqueKeysWithValues: nearIndices.enumerated().map { ($1, $0) })
        var callbackFailed = false
        // The batch being scored. It is swapped in from the shared state and handed back the same
        // way, so that this stage keeps no reference to it: the featurizing stage reuses its
        // buffers, which a second reference would make it copy.
        var batch = PipelineBatch()
        while true {
            let ended = handoff.wait(.scoring) { state -> Bool? in
                if state.ready != nil {
                    swap(&batch, &state.ready!)
                    state.ready = nil
                    return false
                }
                return state.finished ? true : nil
            }
            if ended { break }
            for slot in far.indices {
                let classifier = farIndices[slot]
                columns[classifier].removeAll(keepingCapacity: true)
                for text in 0..<batch.count {
                    let features = batch.features[text]
                    let scored = far[slot].score(features: features)
                    if onPrediction != nil { columns[classifier].append(scored.prediction) }
                    let target = batch.targets[text * classifierCount + classifier]
                    if target >= 0 { far[slot].learn(features: features, scored: scored, target: target) }
                }
            }
            if !nearIndices.isEmpty {
                let done = index + 1
                let near = handoff.wait(.scoring) { state -> [[ClassPrediction]]? in
                    guard state.nearDone == done else { return nil }
                    defer { state.nearPredictions = [] }
                    return state.nearPredictions
                }
                if onPrediction != nil {
                    for classifier in nearIndices { columns[classifier] = near[nearSlot[classifier]!] }
                }
            }
            if let onPrediction, !callbackFailed {
                for text in 0..<batch.count {
                    do {
                        try onPrediction(batch.start + text, columns.map { $0[text] })
                    } catch {
                        outcome.error = error
                        callbackFailed = true
                        break
                    }
                }
            }
            outcome.scored += batch.count
            if outcome.error == nil, let failure = batch.failure { outcome.error = failure }
            if outcome.error == nil, handoff.isCancelled { outcome.error = CancellationError() }
            let stop = outcome.error != nil
            handoff.update(from: .scoring) { state in
                state.spare.append(batch)
                batch = PipelineBatch()
                state.delivered += 1
                if stop { state.stopped = true }
            }
            index += 1
            if stop { break }
        }
        return outcome
    }
}

/// A value moved from one thread to another, and back, without a second reference to it staying
/// behind.
final class Transfer<Value: Sendable>: Sendable {
    private let slot: Mutex<Value?>

    init(_ value: Value) { slot = Mutex(value) }

    /// The value, leaving the transfer empty.
    func take() -> Value {
        slot.withLock { value in
            guard let taken = value.take() else { preconditionFailure("a transfer is taken once for each time it is filled") }
            return taken
        }
    }

    /// Puts a value back.
    func put(_ value: Value) {
        slot.withLock { $0 = value }
    }
}
