import FlowtuneCore
import Foundation
import Synchronization
import Testing

@testable import FlowtuneLearning

/// The one-thread path the pipeline must equal bit for bit: each text's labels checked, then
/// the text featurized, scored by every classifier and learned from, before the next text.
struct OneThread {
    var classifiers: [TextClassifier]
    var predictions: [[ClassPrediction]] = []
    var processed = 0

    init(_ classifiers: [TextClassifier]) { self.classifiers = classifiers }

    mutating func process(_ texts: [ClassifierPipeline.Text]) throws {
        for text in texts {
            let position = processed
            if !text.labels.isEmpty {
                guard text.labels.count == classifiers.count else {
                    throw ClassifierPipeline.LabelCountMismatch(position: position, labels: text.labels.count, classifiers: classifiers.count)
                }
                for (index, label) in text.labels.enumerated() {
                    if let label, !classifiers[index].labels.contains(label) {
                        throw ClassifierPipeline.UnknownLabel(
                            label: label, classifier: classifiers[index].reference, position: position, known: classifiers[index].labels)
                    }
                }
            }
            let features = classifiers[0].featurizer.features(of: text.text)
            var scores: [ClassPrediction] = []
            for index in classifiers.indices {
                let scored = classifiers[index].score(features: features)
                scores.append(scored.prediction)
                if index < text.labels.count, let label = text.labels[index] {
                    try classifiers[index].update(features: features, scored: scored, label: label)
                }
            }
            predictions.append(scores)
            processed += 1
        }
    }
}

/// Predictions a pipeline gave, from whichever thread it gives them on.
final class Received: Sendable {
    private let state = Mutex<[(Int, [ClassPrediction])]>([])

    func add(_ position: Int, _ predictions: [ClassPrediction]) { state.withLock { $0.append((position, predictions)) } }

    var positions: [Int] { state.withLock { $0.map(\.0) } }
    var predictions: [[ClassPrediction]] { state.withLock { $0.map(\.1) } }
}

@Suite("Classifier pipeline")
struct ClassifierPipelineTests {
    static let featurizer = TextFeaturizer(dimension: 1 << 10, characterGrams: 3...3)
    /// Refits every 20 updates from 15 held-out examples, so a stream of 160 texts recalibrates
    /// about six times inside the stream.
    static let configuration = TextClassifier.Configuration(calibrationWindow: 60, recalibrateEvery: 20, minimumCalibrationExamples: 15)
    static let count = 160
    static let sizes = ["short", "medium", "long"]

    /// Intent (4 classes), urgency (2) and length (3), untrained.
    static func classifiers(_ count: Int) -> [TextClassifier] {
        let all = [
            TextClassifier(reference: ModelReference(name: "intent", version: 1), labels: Corpus.intentLabels, featurizer: featurizer, configuration: configuration),
            TextClassifier(reference: ModelReference(name: "urgency", version: 2), labels: ["high", "normal"], featurizer: featurizer, configuration: configuration),
            TextClassifier(reference: ModelReference(name: "length", version: 1), labels: sizes, featurizer: featurizer, configuration: configuration),
        ]
        return Array(all.prefix(count))
    }

    /// A seeded stream: every seventh text unlabelled, every fifth without its first label and
    /// every third without its last (when there are two or more classifiers).
    static func texts(_ classifiers: Int, count: Int = count, seed: UInt64 = 11) -> [ClassifierPipeline.Text] {
        Corpus.generate(count, seed: seed).enumerated().map { position, message in
            let words = message.text.split(separator: " ").count
            var labels: [String?] = Array([message.intent, message.urgency, sizes[min(2, words / 4)]].prefix(classifiers))
            if position % 7 == 3 { return ClassifierPipeline.Text(message.text) }
            if position % 5 == 1 { labels[0] = nil }
            if position % 3 == 2, classifiers > 1 { labels[classifiers - 1] = nil }
            return ClassifierPipeline.Text(message.text, labels: labels)
        }
    }

    static func expectSameModels(_ pipeline: [TextClassifier], _ oneThread: [TextClassifier], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(pipeline == oneThread, sourceLocation: sourceLocation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try pipeline.map { try encoder.encode($0) } == oneThread.map { try encoder.encode($0) }, sourceLocation: sourceLocation)
    }

    @Test(
        "predictions and models are the one-thread path's bit for bit, at every batch size, in both layouts, with one to three classifiers",
        arguments: ClassifierPipeline.Layout.allCases, [1, 2, 3])
    func sameAsOneThread(layout: ClassifierPipeline.Layout, classifierCount: Int) async throws {
        let texts = Self.texts(classifierCount)
        var reference = OneThread(Self.classifiers(classifierCount))
        try reference.process(texts)
        // The stream recalibrated along the way, so calibration is part of what is compared.
        #expect(reference.classifiers.allSatisfy { $0.calibration.temperature != 1 })
        #expect(reference.classifiers.allSatisfy { $0.updates > 0 && $0.updates < Self.count })
        for batchSize in [1, 7, 64, Self.count - 1, Self.count, Self.count + 50] {
            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(classifierCount), layout: layout, batchSize: batchSize)
            let received = Received()
            try await pipeline.process(texts) { received.add($0, $1) }
            #expect(received.positions == Array(0..<Self.count), "batch size \(batchSize)")
            #expect(received.predictions == reference.predictions, "batch size \(batchSize)")
            #expect(pipeline.processed == Self.count)
            try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
        }
    }

    @Test("the split layout runs the classifiers of fewest classes, at most half, on the featurizing stage")
    func splitLayout() {
        var pipeline = ClassifierPipeline(classifiers: Self.classifiers(3), layout: .splitClassifiers)
        #expect(pipeline.featurizingStageClassifiers == [1])
        pipeline.layout = .featurizeAhead
        #expect(pipeline.featurizingStageClassifiers == [])
        #expect(ClassifierPipeline(classifiers: Self.classifiers(1)).featurizingStageClassifiers == [])
        #expect(ClassifierPipeline(classifiers: Self.classifiers(2)).featurizingStageClassifiers == [1])
    }

    @Test("the blocking entry point gives the same predictions and models")
    func blocking() throws {
        let texts = Self.texts(2, count: 120)
        var reference = OneThread(Self.classifiers(2))
        try reference.process(texts)
        for layout in ClassifierPipeline.Layout.allCases {
            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), layout: layout, batchSize: 16)
            var predictions: [[ClassPrediction]] = []
            try pipeline.processBlocking(texts) { _, scores in predictions.append(scores) }
            #expect(predictions == reference.predictions)
            try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
        }
    }

    @Test(
        "an unknown label stops the stream before that text, naming label, classifier and position; everything before it is kept",
        arguments: ClassifierPipeline.Layout.allCases)
    func unknownLabel(layout: ClassifierPipeline.Layout) async throws {
        let clean = Self.texts(2, count: 150)
        for (position, classifier) in [(0, 0), (1, 1), (63, 1), (64, 0), (149, 0)] {
            var texts = clean
            var labels: [String?] = texts[position].labels.isEmpty ? [nil, nil] : texts[position].labels
            labels[classifier] = "sarcasm"
            texts[position].labels = labels
            var reference = OneThread(Self.classifiers(2))
            try reference.process(Array(texts[..<position]))

            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), layout: layout, batchSize: 64)
            let received = Received()
            let error = await #expect(throws: ClassifierPipeline.UnknownLabel.self) {
                try await pipeline.process(texts) { received.add($0, $1) }
            }
            let expected = Self.classifiers(2)[classifier]
            #expect(error == ClassifierPipeline.UnknownLabel(label: "sarcasm", classifier: expected.reference, position: position, known: expected.labels))
            #expect(error?.description.contains("text \(position): unknown label \"sarcasm\" for classifier \(expected.reference.name)") == true)
            #expect(pipeline.processed == position)
            #expect(received.predictions == reference.predictions)
            try Self.expectSameModels(pipeline.classifiers, reference.classifiers)

            // Fed again from where it stopped, without the bad text, the stream ends as if the
            // text had never been there.
            guard position == 1 || position == 64 else { continue }
            try await pipeline.process(Array(texts[(position + 1)...]))
            var rest = OneThread(Self.classifiers(2))
            try rest.process(Array(texts[..<position]) + Array(texts[(position + 1)...]))
            try Self.expectSameModels(pipeline.classifiers, rest.classifiers)
        }
    }

    @Test("a text with the wrong number of labels stops the stream before it")
    func labelCount() async throws {
        var texts = Self.texts(3, count: 100)
        texts[70].labels = ["billing", "high"]
        var reference = OneThread(Self.classifiers(3))
        try reference.process(Array(texts[..<70]))
        var pipeline = ClassifierPipeline(classifiers: Self.classifiers(3), batchSize: 32)
        let error = await #expect(throws: ClassifierPipeline.LabelCountMismatch.self) { try await pipeline.process(texts) }
        #expect(error == ClassifierPipeline.LabelCountMismatch(position: 70, labels: 2, classifiers: 3))
        #expect(pipeline.processed == 70)
        try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
    }

    struct Refused: Error, Equatable { var position: Int }

    @Test(
        "an error thrown by the prediction callback stops the stream at the end of that text's batch and is rethrown",
        arguments: ClassifierPipeline.Layout.allCases)
    func callbackError(layout: ClassifierPipeline.Layout) async throws {
        let texts = Self.texts(2, count: 150)
        for failing in [0, 31, 32, 100, 149] {
            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), layout: layout, batchSize: 32)
            let received = Received()
            let error = await #expect(throws: Refused.self) {
                try await pipeline.process(texts) { position, predictions in
                    received.add(position, predictions)
                    if position == failing { throw Refused(position: position) }
                }
            }
            #expect(error == Refused(position: failing))
            let batchEnd = min(texts.count, (failing / 32 + 1) * 32)
            #expect(pipeline.processed == batchEnd)
            #expect(received.positions == Array(0...failing))
            var reference = OneThread(Self.classifiers(2))
            try reference.process(Array(texts[..<batchEnd]))
            #expect(received.predictions == Array(reference.predictions[0...failing]))
            try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
        }
    }

    @Test("a stream fed in several calls, empty ones among them, ends as one call would", arguments: ClassifierPipeline.Layout.allCases)
    func severalCalls(layout: ClassifierPipeline.Layout) async throws {
        let texts = Self.texts(3)
        var reference = OneThread(Self.classifiers(3))
        try reference.process(texts)
        var pipeline = ClassifierPipeline(classifiers: Self.classifiers(3), layout: layout, batchSize: 64)
        let received = Received()
        try await pipeline.process([])
        for range in [0..<60, 60..<61, 61..<61, 61..<130, 130..<160] {
            try await pipeline.process(Array(texts[range])) { received.add($0, $1) }
            #expect(pipeline.processed == range.upperBound)
        }
        #expect(received.positions == Array(0..<160))
        #expect(received.predictions == reference.predictions)
        try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
    }

    @Test("an empty stream changes nothing; texts without labels are scored and learned from by nobody")
    func emptyAndUnlabelled() async throws {
        var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), batchSize: 16)
        try await pipeline.process([]) { _, _ in Issue.record("no text, no prediction") }
        try pipeline.processBlocking([])
        #expect(pipeline.processed == 0)
        try Self.expectSameModels(pipeline.classifiers, Self.classifiers(2))

        let unlabelled = Self.texts(2, count: 50).map { ClassifierPipeline.Text($0.text) }
        let received = Received()
        try await pipeline.process(unlabelled) { received.add($0, $1) }
        #expect(received.positions == Array(0..<50))
        #expect(pipeline.processed == 50)
        try Self.expectSameModels(pipeline.classifiers, Self.classifiers(2))
    }

    @Test("a cancelled task stops the stream at the end of a batch, with every classifier at the same text")
    func cancelled() async throws {
        let texts = Self.texts(2, count: 150)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), batchSize: 64)
            do {
                try await pipeline.process(texts)
                return (pipeline, false)
            } catch is CancellationError {
                return (pipeline, true)
            }
        }
        let (pipeline, threwCancellation) = try await task.value
        #expect(threwCancellation)
        #expect(pipeline.processed == 64)
        var reference = OneThread(Self.classifiers(2))
        try reference.process(Array(texts[..<64]))
        try Self.expectSameModels(pipeline.classifiers, reference.classifiers)
    }

    @Test("while a pipeline runs, the thread of the task awaiting it is free for other work")
    func awaitingHoldsNoThread() async throws {
        // The awaiting task runs on an executor of exactly one thread, which nothing else in the
        // process uses. The pipeline holds its stream at the first text until a second task on
        // that executor has run: were either stage, or the wait for them, on the awaiting task's
        // thread (as with child tasks, which inherit the executor), it could not, and the hold
        // would end after 20 s without it.
        let executor = OneThreadExecutor()
        defer { executor.stop() }
        let texts = Self.texts(2, count: 100)
        let ranBeside = Mutex(false)
        let classifiers = try await withTaskExecutorPreference(executor) {
            var pipeline = ClassifierPipeline(classifiers: Self.classifiers(2), batchSize: 16)
            try await pipeline.process(texts) { position, _ in
                guard position == 0 else { return }
                let done = DispatchSemaphore(value: 0)
                Task(executorPreference: executor) { done.signal() }
                let ran = done.wait(timeout: .now() + 20) == .success
                ranBeside.withLock { $0 = ran }
            }
            return pipeline.classifiers
        }
        #expect(ranBeside.withLock { $0 })
        var reference = OneThread(Self.classifiers(2))
        try reference.process(texts)
        try Self.expectSameModels(classifiers, reference.classifiers)
    }
}

/// A task executor with one thread of its own, so that a test can tell whether a task holds
/// that thread: nothing else runs on it.
final class OneThreadExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            while true {
                ready.wait()
                let next: UnownedJob? = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                guard let next else { return }
                next.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// Ends the thread once the jobs already enqueued have run.
    func stop() {
        ready.signal()
    }
}
