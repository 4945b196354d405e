import ArgumentParser
import FlowtuneCore
import FlowtuneLearning
import Foundation
import Synchronization

/// `flowtune bench classifier`: texts scored and learned from per second by the intent and
/// urgency classifiers, as the live engine uses them, against issue 6's target of 50,000 texts
/// scored per second while training online — on one thread, then through `ClassifierPipeline`
/// on two threads in each layout.
struct ClassifierBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Support-desk texts scored (intent and urgency, calibrated) and learned from, per second: one thread, then pipelined on two.",
        discussion: """
            A stream of generated support-desk messages (8 intents, 3 urgency levels, 5 to 80 \
            words, typos, misleading phrases, label noise) goes through the classifiers one text \
            at a time: the text is featurized once, both models score it with calibrated \
            confidence, then both learn from its labels, reusing those scores. Each run starts from untrained models; \
            the texts are generated before the clock starts. After each run the models are \
            scored on --held-out texts they never saw, against the intended labels, so the \
            speed is shown beside the quality it buys.

            Each run then sends the same stream through ClassifierPipeline in both layouts \
            (featurize ahead; split: urgency scored and learned on the featurizing thread), \
            from untrained models, and fails unless the pipelined models equal the one-thread \
            run's weight for weight. The pipelined lines give the process's CPU seconds over \
            the wall seconds: about 2 when the second core was free, about 1 when it was not.
            """)

    @Option(help: "Texts in the stream of each run.") var texts = 100_000
    @Option(help: "Unseen texts the trained models are scored on after each run.") var heldOut = 10_000
    @Option(help: "How many times to run the stream; the median is reported.") var runs = 5
    @Option(help: "Hash buckets of the featurizer (rounded up to a power of two).") var dimension = 1 << 18
    @Option(help: "Seed of the text generator.") var seed: UInt64 = 6
    @Option(help: "Texts per batch handed between the pipeline's threads.") var batchSize = ClassifierPipeline.defaultBatchSize

    func run() async throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        var generator = SupportDeskTexts(seed: seed)
        let stream = (0..<texts).map { _ in generator.next() }
        let test = (0..<heldOut).map { _ in generator.next() }
        let words = stream.reduce(0) { $0 + $1.words }
        let bytes = stream.reduce(0) { $0 + $1.text.utf8.count }
        print(String(format: "classifier: %d texts per run (%.1f words, %.0f bytes each on average), %d held out, %d hash buckets, pipeline batches of %d",
            texts, Double(words) / Double(max(1, texts)), Double(bytes) / Double(max(1, texts)), heldOut,
            TextFeaturizer(dimension: dimension).dimension, batchSize))
        print("  started \(Self.now()), load average \(Self.loadAverage()), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("  e.g. [\(stream[0].intent), \(stream[0].urgency)] \(stream[0].text)")
        let pipelineTexts = stream.map { ClassifierPipeline.Text($0.text, labels: [$0.observedIntent, $0.observedUrgency]) }
        var results: [ClassifierBenchmark.Result] = []
        var pipelined: [ClassifierPipeline.Layout: [ClassifierBenchmark.PipelineResult]] = [:]
        let benchmark = ClassifierBenchmark(dimension: dimension)
        for index in 1...max(1, runs) {
            var result = try benchmark.run(stream: stream, test: test)
            print(String(format: "  run %d: %.0f texts/s (%.2f µs each), %.0f per CPU second of the thread; "
                + "held out: intent %.3f, urgency %.3f, calibration error %.3f / %.3f; scored before learning, last half: intent %.3f, urgency %.3f",
                index, result.perSecond, 1e6 / result.perSecond, result.perCPUSecond,
                result.intentAccuracy, result.urgencyAccuracy, result.intentCalibrationError, result.urgencyCalibrationError,
                result.intentPrequential, result.urgencyPrequential))
            print(String(format: "         parts, per CPU second: featurize %.0f texts (%.0f features each), featurize and score %.0f",
                result.featurizePerCPUSecond, result.featuresPerText, result.scorePerCPUSecond))
            for layout in ClassifierPipeline.Layout.allCases {
                let run = try await benchmark.runPipelined(
                    texts: pipelineTexts, stream: stream, layout: layout, batchSize: batchSize, expected: result.models)
                print(String(format: "         pipelined, %@: %.0f texts/s (%.2f µs each); process CPU %.2f s / wall %.2f s = %.2f cores; "
                    + "scored before learning, last half: intent %.3f, urgency %.3f; models equal to the one-thread run's",
                    ClassifierBenchmark.name(layout), run.perSecond, 1e6 / run.perSecond, run.cpuSeconds, run.seconds,
                    run.cpuSeconds / run.seconds, run.intentPrequential, run.urgencyPrequential))
                pipelined[layout, default: []].append(run)
            }
            result.models = []
            results.append(result)
        }
        let median = results.sorted { $0.perSecond < $1.perSecond }[results.count / 2]
        print(String(format: "one thread, median run: %.0f texts/s scored and learned from (%.2f µs each, %.0f per CPU second); "
            + "held-out accuracy intent %.3f, urgency %.3f (a reader who knows every cue: %.3f)",
            median.perSecond, 1e6 / median.perSecond, median.perCPUSecond, median.intentAccuracy, median.urgencyAccuracy,
            SupportDeskTexts.urgencyCeiling(test)))
        var best = (name: "one thread", perSecond: median.perSecond)
        for layout in ClassifierPipeline.Layout.allCases {
            let runs = pipelined[layout] ?? []
            let middle = runs.sorted { $0.perSecond < $1.perSecond }[runs.count / 2]
            print(String(format: "pipelined, %@, batches of %d, median run: %.0f texts/s (runs %@); that run: process CPU %.2f s / wall %.2f s = %.2f cores",
                ClassifierBenchmark.name(layout), batchSize, middle.perSecond,
                runs.map { String(format: "%.0f", $0.perSecond) }.joined(separator: " / "),
                middle.cpuSeconds, middle.seconds, middle.cpuSeconds / middle.seconds))
            if middle.perSecond > best.perSecond { best = ("pipelined, \(ClassifierBenchmark.name(layout))", middle.perSecond) }
        }
        print(String(format: "median run: %.0f texts/s scored while training online (%@; target 50,000); "
            + "held-out accuracy intent %.3f, urgency %.3f, the same models in every layout",
            best.perSecond, best.name, median.intentAccuracy, median.urgencyAccuracy))
        print("  ended \(Self.now()), load average \(Self.loadAverage())")
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    /// The first three fields of /proc/loadavg, or "unknown" where there is none.
    static func loadAverage() -> String {
        guard let line = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return line.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// One pass of a text stream through a fresh intent and urgency classifier pair.
struct ClassifierBenchmark {
    var dimension: Int

    struct Result {
        var texts: Int
        var seconds: Double
        var cpuSeconds: Double
        /// Held-out accuracy against the labels the generator intended (before label noise).
        var intentAccuracy: Double
        var urgencyAccuracy: Double
        /// Expected calibration error of the held-out confidences, 10 bins.
        var intentCalibrationError: Double
        var urgencyCalibrationError: Double
        /// Accuracy of the scores given before learning, over the second half of the stream.
        var intentPrequential: Double
        var urgencyPrequential: Double
        /// Distinct hashed features per text.
        var featuresPerText: Double
        /// Texts per CPU second featurized alone, and featurized and scored by both models without learning.
        var featurizePerCPUSecond: Double
        var scorePerCPUSecond: Double
        /// The trained intent and urgency models.
        var models: [TextClassifier]

        var perSecond: Double { Double(texts) / seconds }
        var perCPUSecond: Double { Double(texts) / cpuSeconds }
    }

    /// One pass of the stream through `ClassifierPipeline`.
    struct PipelineResult {
        var texts: Int
        var seconds: Double
        /// CPU time of the whole process: both threads.
        var cpuSeconds: Double
        var intentPrequential: Double
        var urgencyPrequential: Double

        var perSecond: Double { Double(texts) / seconds }
    }

    static func name(_ layout: ClassifierPipeline.Layout) -> String {
        switch layout {
        case .featurizeAhead: "featurize ahead"
        case .splitClassifiers: "split (urgency on the featurizing thread)"
        }
    }

    /// What the pipeline's callback counts, on the pipeline's scoring thread.
    private final class Tally: Sendable {
        struct Counts {
            var confidenceSum = 0.0
            var intentRight = 0
            var urgencyRight = 0
        }
        let counts = Mutex(Counts())
    }

    /// The stream through a pipeline of fresh models in `layout`; fails unless the models end as
    /// `expected`, the one-thread run's.
    func runPipelined(
        texts: [ClassifierPipeline.Text], stream: [SupportDeskTexts.Message], layout: ClassifierPipeline.Layout,
        batchSize: Int, expected: [TextClassifier]
    ) async throws -> PipelineResult {
        let featurizer = TextFeaturizer(dimension: dimension)
        let intent = TextClassifier(
            reference: ModelReference(name: "intent", version: 1), labels: SupportDeskTexts.intentLabels, featurizer: featurizer)
        let urgency = TextClassifier(
            reference: ModelReference(name: "urgency", version: 1), labels: SupportDeskTexts.urgencyLabels, featurizer: featurizer)
        var pipeline = ClassifierPipeline(classifiers: [intent, urgency], layout: layout, batchSize: batchSize)
        let half = stream.count / 2
        let observed = stream.map { (intent: $0.observedIntent, urgency: $0.observedUrgency) }
        let tally = Tally()
        let cpuBegin = processCPUNanoseconds()
        let begin = monotonicNanoseconds()
        try await pipeline.process(texts) { position, predictions in
            let intentRight = position >= half && predictions[0].label == observed[position].intent
            let urgencyRight = position >= half && predictions[1].label == observed[position].urgency
            tally.counts.withLock { counts in
                counts.confidenceSum += predictions[0].confidence + predictions[1].confidence
                if intentRight { counts.intentRight += 1 }
                if urgencyRight { counts.urgencyRight += 1 }
            }
        }
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        let cpuSeconds = Double(processCPUNanoseconds() - cpuBegin) / 1e9
        let counts = tally.counts.withLock { $0 }
        if counts.confidenceSum.isNaN { throw BenchFailure("a confidence was not a number") }
        guard pipeline.classifiers == expected else {
            throw BenchFailure("the pipelined models (\(ClassifierBenchmark.name(layout)), batches of \(batchSize)) differ from the one-thread run's")
        }
        let secondHalf = Double(max(1, stream.count - half))
        return PipelineResult(
            texts: stream.count, seconds: seconds, cpuSeconds: cpuSeconds,
            intentPrequential: Double(counts.intentRight) / secondHalf, urgencyPrequential: Double(counts.urgencyRight) / secondHalf)
    }

    func run(stream: [SupportDeskTexts.Message], test: [SupportDeskTexts.Message]) throws -> Result {
        let featurizer = TextFeaturizer(dimension: dimension)
        var intent = TextClassifier(
            reference: ModelReference(name: "intent", version: 1), labels: SupportDeskTexts.intentLabels, featurizer: featurizer)
        var urgency = TextClassifier(
            reference: ModelReference(name: "urgency", version: 1), labels: SupportDeskTexts.urgencyLabels, featurizer: featurizer)
        var intentRight = 0
        var urgencyRight = 0
        var confidenceSum = 0.0
        let half = stream.count / 2
        var scratch = TextFeaturizer.Scratch()
        var features = SparseVector(indices: [], values: [])
        let cpuBegin = threadCPUNanoseconds()
        let begin = monotonicNanoseconds()
        for (position, message) in stream.enumerated() {
            // What the engine does when a task arrives: featurize once, score both models...
            featurizer.features(of: message.text, into: &features, scratch: &scratch)
            let intentScored = intent.score(features: features)
            let urgencyScored = urgency.score(features: features)
            let intentScore = intentScored.prediction
            let urgencyScore = urgencyScored.prediction
            confidenceSum += intentScore.confidence + urgencyScore.confidence
            if position >= half {
                if intentScore.label == message.observedIntent { intentRight += 1 }
                if urgencyScore.label == message.observedUrgency { urgencyRight += 1 }
            }
            // ...and when its outcome is known, learn from the labels it was given, reusing the scores.
            try intent.update(features: features, scored: intentScored, label: message.observedIntent)
            try urgency.update(features: features, scored: urgencyScored, label: message.observedUrgency)
        }
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        let cpuSeconds = Double(threadCPUNanoseconds() - cpuBegin) / 1e9
        // The sum keeps the optimizer from dropping the scores.
        if confidenceSum.isNaN { throw BenchFailure("a confidence was not a number") }

        // The parts alone, on the trained models: featurizing, and featurizing and scoring.
        var featurizeCPU = threadCPUNanoseconds()
        var entries = 0
        for message in stream {
            featurizer.features(of: message.text, into: &features, scratch: &scratch)
            entries += features.indices.count
        }
        featurizeCPU = threadCPUNanoseconds() - featurizeCPU
        var scoreCPU = threadCPUNanoseconds()
        for message in stream {
            featurizer.features(of: message.text, into: &features, scratch: &scratch)
            confidenceSum += intent.predict(features: features).confidence + urgency.predict(features: features).confidence
        }
        scoreCPU = threadCPUNanoseconds() - scoreCPU
        if confidenceSum.isNaN { throw BenchFailure("a confidence was not a number") }

        var intentBins = CalibrationBins()
        var urgencyBins = CalibrationBins()
        var intentHeld = 0
        var urgencyHeld = 0
        for message in test {
            let features = featurizer.features(of: message.text)
            let i = intent.predict(features: features)
            let u = urgency.predict(features: features)
            intentBins.add(confidence: i.confidence, correct: i.label == message.intent)
            urgencyBins.add(confidence: u.confidence, correct: u.label == message.urgency)
            if i.label == message.intent { intentHeld += 1 }
            if u.label == message.urgency { urgencyHeld += 1 }
        }
        let secondHalf = Double(max(1, stream.count - half))
        let tested = Double(max(1, test.count))
        return Result(
            texts: stream.count, seconds: seconds, cpuSeconds: cpuSeconds,
            intentAccuracy: Double(intentHeld) / tested, urgencyAccuracy: Double(urgencyHeld) / tested,
            intentCalibrationError: intentBins.expectedCalibrationError,
            urgencyCalibrationError: urgencyBins.expectedCalibrationError,
            intentPrequential: Double(intentRight) / secondHalf, urgencyPrequential: Double(urgencyRight) / secondHalf,
            featuresPerText: Double(entries) / Double(max(1, stream.count)),
            featurizePerCPUSecond: Double(stream.count) / (Double(featurizeCPU) / 1e9),
            scorePerCPUSecond: Double(stream.count) / (Double(scoreCPU) / 1e9),
            models: [intent, urgency])
    }
}

/// Generated support-desk messages: a greeting or not, filler sentences from everyday support
/// vocabulary, one or two phrases of the message's intent (sometimes one of another intent's,
/// as in "I was charged twice, do I need to cancel?"), an urgency cue (high messages usually say
/// so, low ones sometimes), order numbers, names (some non-ASCII), typos and shouting.
/// Lengths run from 5 to 80 words, most messages short. 3% of the labels learned from are
/// replaced by a random class, as hurried agents label.
struct SupportDeskTexts {
    struct Message {
        var text: String
        /// The labels the generator meant.
        var intent: String
        var urgency: String
        /// The labels the stream teaches, with label noise.
        var observedIntent: String
        var observedUrgency: String
        var words: Int
        /// Whether the text carries a cue of its urgency (without one, high and normal look alike).
        var urgencyCued: Bool
    }

    static let intents: [(label: String, phrases: [String])] = [
        ("billing", ["charged twice", "wrong invoice", "payment failed", "overcharged this month", "billing question",
                     "card was declined", "invoice total is wrong", "vat number missing on the invoice",
                     "double charge on my card", "update my payment method"]),
        ("cancellation", ["cancel my subscription", "close my account", "end my contract", "stop the auto renewal",
                          "unsubscribe me", "terminate the service", "we want to leave", "cancel before the renewal",
                          "do not renew", "delete my account"]),
        ("technical", ["the app crashes", "error message on start", "page is not loading", "sync fails",
                       "bug in the export", "api returns 500", "cannot upload files", "integration is broken",
                       "dashboard is blank", "notifications stopped working"]),
        ("access", ["reset my password", "locked out of my account", "two factor code never arrives", "cannot log in",
                    "sso login fails", "forgot my username", "password reset link expired", "add a new admin",
                    "verification email not received", "account is suspended"]),
        ("shipping", ["package has not arrived", "tracking number does not work", "delivered to the wrong address",
                      "parcel arrived damaged", "when will it be delivered", "courier lost my order",
                      "change the delivery address", "shipment stuck in customs", "missing item in the box",
                      "delivery is late"]),
        ("sales", ["pricing for teams", "upgrade to enterprise", "request a quote", "book a demo", "buy more seats",
                   "volume discount", "annual plan price", "compare the plans", "talk to sales", "trial extension"]),
        ("refund", ["refund my order", "i want my money back", "return the item", "status of my refund",
                    "refund has not arrived", "reimburse the fee", "send a refund", "return label please",
                    "money back guarantee", "refund to my card"]),
        ("feedback", ["feature request", "a suggestion for the app", "would love a dark mode", "great product",
                      "please add an export to excel", "the new design is confusing", "love the update",
                      "idea for improvement", "your support was excellent", "the onboarding could be better"]),
    ]
    static let intentLabels = intents.map(\.label)
    static let urgencyLabels = ["high", "normal", "low"]
    static let urgent = ["urgent", "asap", "immediately", "right now", "emergency", "critical", "production is down",
                         "as soon as possible", "today please", "this is blocking us", "top priority", "deadline is today"]
    static let relaxed = ["no rush", "when you can", "whenever you have time", "just curious", "at your convenience",
                          "not urgent", "low priority", "no hurry", "for later", "fyi"]
    static let greetings = ["hi", "hello", "dear support", "hey team", "good morning", "hello there", "hi all"]
    static let closings = ["thanks", "thank you", "regards", "best", "cheers", "kind regards", "many thanks"]
    static let names = ["anna", "mark", "josé", "zoë", "müller", "søren", "françois", "łukasz", "priya", "chen",
                        "olga", "ahmed", "sam", "lena", "noah", "ines"]
    static let filler = """
        i we our my the a an this that it is was are have has had been be to of in on for with at from by about as \
        into after before since again still also just only already really very some any more most other another \
        account order customer team company service product app website system user users email phone number \
        month week yesterday today monday tuesday friday morning afternoon last next first time times day days \
        please could would can will should need want tried try trying checked looked see saw noticed said told \
        help support question issue problem thing something everything nothing anyone someone colleague manager \
        office home laptop browser chrome firefox iphone android version update new old same different \
        because but so and or if when then there here where which who what how why not no yes ok okay \
        sorry appreciate understand know think hope wondering asked attached screenshot details information \
        reference case ticket earlier previous message reply response waiting days hours minutes weeks
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    private var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func next() -> Message {
        let intentIndex = Int(random.next() % UInt64(Self.intents.count))
        let intent = Self.intents[intentIndex]
        let roll = uniform()
        let urgency = roll < 0.25 ? "high" : roll < 0.8 ? "normal" : "low"
        // Most messages are short; a long tail runs to 80 words.
        let target = uniform() < 0.65 ? 5 + Int(random.next() % 21) : 26 + Int(random.next() % 55)

        var pieces: [String] = []
        if uniform() < 0.6 { pieces.append(pick(Self.greetings) + ",") }
        var content: [String] = [pick(intent.phrases)]
        if target > 20, uniform() < 0.5 { content.append(pick(intent.phrases)) }
        if uniform() < 0.15 {
            // A phrase of another intent, so that a single phrase does not decide the class.
            content.append(pick(Self.intents[(intentIndex + 1 + Int(random.next() % 7)) % 8].phrases))
        }
        var cued = false
        switch urgency {
        case "high" where uniform() < 0.85:
            content.append(uniform() < 0.3 ? pick(Self.urgent).uppercased() + "!" : pick(Self.urgent))
            cued = true
        case "low" where uniform() < 0.75:
            content.append(pick(Self.relaxed))
            cued = true
        case "normal":
            cued = true
        default: break
        }
        if uniform() < 0.3 { content.append("order #\(100_000 + random.next() % 900_000)") }
        var fillerWords = max(0, target - pieces.count - content.reduce(0) { $0 + $1.split(separator: " ").count } - 2)
        var body: [String] = []
        while fillerWords > 0 {
            let sentence = min(fillerWords, 3 + Int(random.next() % 9))
            var words = (0..<sentence).map { _ in pick(Self.filler) }
            words[words.count - 1] += uniform() < 0.8 ? "." : "?"
            body.append(contentsOf: words)
            fillerWords -= sentence
        }
        for phrase in content {
            body.insert(phrase + (uniform() < 0.5 ? "," : ""), at: Int(random.next() % UInt64(body.count + 1)))
        }
        pieces.append(contentsOf: body)
        pieces.append(pick(Self.closings) + ",")
        pieces.append(pick(Self.names))
        var words = pieces.joined(separator: " ").split(separator: " ").map(String.init)
        for index in words.indices where uniform() < 0.04 { words[index] = typo(words[index]) }
        if !words.isEmpty { words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst() }
        let text = words.joined(separator: " ")

        let observedIntent = uniform() < 0.03 ? pick(Self.intentLabels) : intent.label
        let observedUrgency = uniform() < 0.03 ? pick(Self.urgencyLabels) : urgency
        return Message(
            text: text, intent: intent.label, urgency: urgency, observedIntent: observedIntent,
            observedUrgency: observedUrgency, words: words.count, urgencyCued: cued)
    }

    /// A slip of the keyboard: two letters swapped, one dropped, one doubled or one replaced.
    private mutating func typo(_ word: String) -> String {
        var letters = Array(word)
        guard letters.count >= 3 else { return word }
        let at = Int(random.next() % UInt64(letters.count - 1))
        switch random.next() % 4 {
        case 0: letters.swapAt(at, at + 1)
        case 1: letters.remove(at: at)
        case 2: letters.insert(letters[at], at: at)
        default: letters[at] = Character(Unicode.Scalar(UInt8(97 + random.next() % 26)))
        }
        return String(letters)
    }

    private mutating func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }

    /// The urgency accuracy of a reader who knows the cues and guesses "normal" when there is none.
    static func urgencyCeiling(_ messages: [Message]) -> Double {
        let right = messages.filter { $0.urgencyCued || $0.urgency == "normal" }.count
        return Double(right) / Double(max(1, messages.count))
    }
}
