import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

/// A generated support inbox: each message names its intent with one of a few phrases (some
/// misspelled), is padded with words every intent uses, and says it is urgent or not.
struct Corpus {
    static let intents: [String: [String]] = [
        "cancellation": ["cancel my subscription", "terminate the contract", "close my account", "unsubscribe me",
                         "cancell my plan", "end my membership", "stop renewing"],
        "billing": ["refund the charge", "charged twice", "wrong invoice", "payment failed", "overcharged on my bill",
                    "invoise is wrong", "billing question"],
        "technical": ["app crashes", "login error", "page not loading", "password reset broken", "bug in export",
                      "sync fails", "eror on startup"],
        "sales": ["pricing for teams", "upgrade to enterprise", "request a quote", "book a demo", "buy more seats",
                  "discount for nonprofits", "trial extension"],
    ]
    static let noise = ["hello", "hi", "team", "thanks", "please", "my", "account", "the", "order", "today", "help",
                        "regards", "customer", "number", "question", "about", "service", "again", "we", "our",
                        "company", "since", "monday", "yesterday", "support", "email", "you", "can", "this", "is"]
    static let urgent = ["urgent", "asap", "immediately", "critical", "right now", "emergency"]
    static let calm = ["when you can", "no rush", "at your convenience", ""]
    static let intentLabels = ["billing", "cancellation", "sales", "technical"]

    struct Message { var text: String; var intent: String; var urgency: String }

    /// `labelNoise` of the messages get a uniformly random label instead of their own.
    static func generate(_ count: Int, seed: UInt64, labelNoise: Double = 0.1) -> [Message] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let intent = random.pick(intentLabels)
            let high = random.uniform() < 0.3
            var words: [String] = []
            for _ in 0..<(2 + Int(random.next() % 4)) { words.append(random.pick(noise)) }
            words.insert(random.pick(intents[intent]!), at: Int(random.next() % UInt64(words.count + 1)))
            words.append(high ? random.pick(urgent) : random.pick(calm))
            if random.uniform() < 0.5 { words.append(random.pick(noise)) }
            let label = random.uniform() < labelNoise ? random.pick(intentLabels) : intent
            let urgency = random.uniform() < labelNoise / 2 ? random.pick(["high", "normal"]) : (high ? "high" : "normal")
            return Message(text: words.joined(separator: " "), intent: label, urgency: urgency)
        }
    }
}

@Suite("Text classifier")
struct TextClassifierTests {
    static let featurizer = TextFeaturizer(dimension: 1 << 16)

    static func trained() throws -> (intent: TextClassifier, urgency: TextClassifier, test: [Corpus.Message]) {
        var intent = TextClassifier(reference: ModelReference(name: "intent", version: 1), labels: Corpus.intentLabels, featurizer: featurizer)
        var urgency = TextClassifier(reference: ModelReference(name: "urgency", version: 1), labels: ["high", "normal"], featurizer: featurizer)
        for message in Corpus.generate(3000, seed: 1) {
            try intent.update(text: message.text, label: message.intent)
            try urgency.update(text: message.text, label: message.urgency)
        }
        return (intent, urgency, Corpus.generate(1000, seed: 2))
    }

    @Test("held-out accuracy is close to the best the label noise allows")
    func heldOutAccuracy() throws {
        let (intent, urgency, test) = try Self.trained()
        let intentAccuracy = Double(test.filter { intent.predict($0.text).label == $0.intent }.count) / Double(test.count)
        let urgencyAccuracy = Double(test.filter { urgency.predict($0.text).label == $0.urgency }.count) / Double(test.count)
        print("text: held-out intent accuracy \(intentAccuracy), urgency \(urgencyAccuracy), temperatures \(intent.calibration.temperature), \(urgency.calibration.temperature)")
        // 10% of intent labels are replaced by a uniform draw over 4 classes, so even a perfect
        // reader is wrong on 7.5%: the ceiling is 0.925 and chance is 0.25. Requiring 0.85 leaves
        // 7.5 points for learning from 3000 short texts. Urgency labels carry 5% noise over 2
        // classes: ceiling 0.975, bound 0.9.
        #expect(intentAccuracy >= 0.85)
        #expect(urgencyAccuracy >= 0.9)
    }

    @Test("predict gives a probability per class summing to 1, the top class, its confidence and the version")
    func predictionShape() throws {
        let (intent, _, _) = try Self.trained()
        let prediction = intent.predict("I need a refund, you charged twice, urgent")
        #expect(prediction.probabilities.map(\.label) == Corpus.intentLabels)
        #expect(abs(prediction.probabilities.map(\.probability).reduce(0, +) - 1) < 1e-12)
        #expect(prediction.label == "billing")
        #expect(prediction.confidence == prediction.probabilities.map(\.probability).max())
        #expect(prediction.confidence == prediction.probability(of: "billing"))
        #expect(prediction.model == ModelReference(name: "intent", version: 1))
        let document = ClassPrediction.document(["intent": prediction])
        #expect(document["intent"]?["confidence"] == .number(prediction.confidence))
        #expect(document["intent"]?["label"] == .string("billing"))
        #expect(document["intent"]?["version"] == .number(1))
        #expect(throws: UnknownLabel.self) { var copy = intent; try copy.update(text: "x", label: "spam") }
    }

    @Test("decision expressions read the confidence as model.intent.confidence")
    func feedsDecisions() throws {
        let (intent, _, _) = try Self.trained()
        let prediction = intent.predict("hello, please close my account")
        let expression = try Expression("model.intent.confidence > 0.5 and model.intent.label = \"cancellation\"", scope: .decision)
        let input = ExpressionInput(roots: [.object([:]), .object([:]), ClassPrediction.document(["intent": prediction])])
        #expect(expression.evaluate(input) == .bool(true))
    }

    @Test("training is deterministic: the same texts give the same model")
    func deterministic() throws {
        let a = try Self.trained().intent
        let b = try Self.trained().intent
        #expect(a == b)
        #expect(Self.featurizer.features(of: "Cancel my plan") == Self.featurizer.features(of: "cancel  MY plan!"))
        let other = TextFeaturizer(dimension: 1 << 16, seed: 1)
        #expect(other.features(of: "cancel my plan").indices != Self.featurizer.features(of: "cancel my plan").indices)
    }

    @Test("temperature scaling lowers the calibration error of an overconfident model")
    func temperatureScaling() {
        var random = SeededGenerator(seed: 17)
        // True class probabilities softmax(z); the model reports softmax(3z): overconfident.
        func sample(_ count: Int) -> (logits: [[Double]], labels: [Int]) {
            var logits: [[Double]] = []
            var labels: [Int] = []
            for _ in 0..<count {
                let z = (0..<4).map { _ in random.normal(deviation: 1.2) }
                let p = TemperatureScaling.softmax(z)
                var u = random.uniform()
                var label = 3
                for c in 0..<4 { if u < p[c] { label = c; break }; u -= p[c] }
                logits.append(z.map { 3 * $0 })
                labels.append(label)
            }
            return (logits, labels)
        }
        let heldOut = sample(2000)
        let test = sample(5000)
        func ece(_ scaling: TemperatureScaling) -> Double {
            var bins = CalibrationBins(count: 10)
            for (z, y) in zip(test.logits, test.labels) {
                let p = scaling.probabilities(logits: z)
                let top = p.indices.max { p[$0] < p[$1] }!
                bins.add(confidence: p[top], correct: top == y)
            }
            return bins.expectedCalibrationError
        }
        let fitted = TemperatureScaling.fit(logits: heldOut.logits, labels: heldOut.labels)
        let before = ece(TemperatureScaling())
        let after = ece(fitted)
        print("calibration: T = \(fitted.temperature) (true 3), ECE \(before) → \(after)")
        #expect(abs(fitted.temperature - 3) < 0.4)
        #expect(before > 0.1)
        #expect(after < 0.03)
    }

    /// `count` examples whose labels are drawn from the softmax of unit logits, returned with the
    /// logits multiplied by `scale` (so the fitted temperature should come out near `scale`), a
    /// `labelNoise` share of the labels then replaced at random (with no `labelNoise`, no draw is
    /// made for it, so the stream of draws is that of a generator without noise).
    static func scoredExamples(
        _ count: Int, classes: Int, scale: Double, labelNoise: Double? = nil, random: inout SeededGenerator
    ) -> (logits: [[Double]], labels: [Int]) {
        var logits: [[Double]] = []
        var labels: [Int] = []
        for _ in 0..<count {
            let z = (0..<classes).map { _ in random.normal(deviation: 1.5) }
            let p = TemperatureScaling.softmax(z)
            var u = random.uniform()
            var label = classes - 1
            for c in 0..<classes { if u < p[c] { label = c; break }; u -= p[c] }
            if let labelNoise, random.uniform() < labelNoise { label = Int(random.next() % UInt64(classes)) }
            logits.append(z.map { scale * $0 })
            labels.append(label)
        }
        return (logits, labels)
    }

    /// The mean NLL minimised by golden-section search over log β ∈ [log 1/20, log 20], 60 steps:
    /// an independent check of the Newton fit.
    static func goldenSectionTemperature(logits: [[Double]], labels: [Int]) -> Double {
        func loss(_ beta: Double) -> Double {
            var total = 0.0
            for (z, y) in zip(logits, labels) {
                let largest = z.map { beta * $0 }.max()!
                total += largest + log(z.map { exp(beta * $0 - largest) }.reduce(0, +)) - beta * z[y]
            }
            return total / Double(labels.count)
        }
        var low = log(1.0 / 20)
        var high = log(20.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
            let a = high - ratio * (high - low)
            let b = low + ratio * (high - low)
            if loss(exp(a)) < loss(exp(b)) { high = b } else { low = a }
        }
        return 1 / exp((low + high) / 2)
    }

    @Test("the temperature fit finds the NLL minimum that golden-section search finds, from any start")
    func temperatureFitAgainstGoldenSection() {
        var random = SeededGenerator(seed: 23)
        for (classes, scale, labelNoise) in [(2, 0.5, 0.0), (4, 3.0, 0.0), (8, 1.0, 0.2), (3, 0.05, 0.0), (4, 40.0, 0.3)] {
            let (logits, labels) = Self.scoredExamples(500, classes: classes, scale: scale, labelNoise: labelNoise, random: &random)
            let reference = Self.goldenSectionTemperature(logits: logits, labels: labels)
            for start in [1.0, 0.06, 15, reference] {
                let fitted = TemperatureScaling.fit(logits: logits, labels: labels, initialTemperature: start).temperature
                // Golden section's own bracket is 1e-12 wide in log β; its loss is flat near the
                // optimum, so agreement to 1e-7 is what both can promise.
                #expect(abs(fitted - reference) <= 1e-7 * reference, "scale \(scale): \(fitted) vs \(reference) from \(start)")
            }
        }
        // Logits far too small: the optimum lies past β = 20, and both stop at the bound T = 1/20.
        let flat = (0..<200).map { i in [0.001 * Double(i % 7), 0] }
        let flatLabels = (0..<200).map { _ in 0 }
        #expect(abs(TemperatureScaling.fit(logits: flat, labels: flatLabels).temperature - 1.0 / 20) < 1e-9)
        #expect(abs(Self.goldenSectionTemperature(logits: flat, labels: flatLabels) - 1.0 / 20) < 1e-9)
    }

    @Test("a fit started from its own result stops at once: a Newton step lost in rounding ends the search")
    func temperatureFitStopsAtTheRoot() {
        var random = SeededGenerator(seed: 31)
        var most = 0
        for (classes, scale) in [(2, 0.5), (3, 1.0), (4, 3.0), (8, 1.0), (8, 10.0), (3, 0.1)] {
            for _ in 0..<6 {
                let (rows, labels) = Self.scoredExamples(1000, classes: classes, scale: scale, random: &random)
                let logits = rows.flatMap { $0 }
                let first = TemperatureScaling.fitCountingPasses(flatLogits: logits, classes: classes, labels: labels)
                most = max(most, first.passes)
                // At the root NLL′ is rounding noise and Newton's step rounds to nothing; the
                // search ends there instead of bisecting away from the root and back.
                let again = TemperatureScaling.fitCountingPasses(
                    flatLogits: logits, classes: classes, labels: labels, initialTemperature: first.scaling.temperature)
                #expect(again.passes <= 2, "\(classes) classes, scale \(scale): \(again.passes) passes from the root")
                #expect(abs(again.scaling.temperature - first.scaling.temperature) <= 1e-9 * first.scaling.temperature)
            }
        }
        #expect(most <= 12, "a fit from T = 1 took \(most) passes")
    }

    @Test("the classifier fits its temperature on its held-out window and stays calibrated on new texts")
    func classifierCalibration() throws {
        let (intent, _, test) = try Self.trained()
        var raw = CalibrationBins()
        var calibrated = CalibrationBins()
        for message in test {
            let features = Self.featurizer.features(of: message.text)
            let p = TemperatureScaling.softmax(intent.logits(features))
            let top = p.indices.max { p[$0] < p[$1] }!
            raw.add(confidence: p[top], correct: Corpus.intentLabels[top] == message.intent)
            let prediction = intent.predict(features: features)
            calibrated.add(confidence: prediction.confidence, correct: prediction.label == message.intent)
        }
        print("classifier ECE: raw \(raw.expectedCalibrationError), calibrated \(calibrated.expectedCalibrationError)")
        #expect(intent.heldOutCount == 1000)
        #expect(intent.calibration.temperature != 1)
        // This corpus leaves the raw model nearly calibrated already (ECE ≈ 0.03 on 1000 texts,
        // whose sampling noise is about 0.01), so the check is the level, not an improvement;
        // the improvement is shown on a miscalibrated model above.
        #expect(calibrated.expectedCalibrationError < 0.05)
    }
}
