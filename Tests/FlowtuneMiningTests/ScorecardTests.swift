import Foundation
import Testing

@testable import FlowtuneMining

@Suite("Scorecard: scores, ranking, weights and ratings")
struct ScorecardTests {
    /// Ten cases A → B → C: everyone named, no teams. A → B waits 10 h and nothing else goes wrong;
    /// B → C waits 30 s but C is handed between three people before it is done.
    static func slowVersusLaborious() -> EventLog {
        var log = HandmadeLog()
        for i in 0..<10 {
            let c = "case-\(i)", t = Double(i) * 24
            log.add(c, "A", at: t, by: "ann")
            log.add(c, "B", at: t + 10, by: "bob")
            log.add(c, "C", at: t + 10 + 30.0 / 3600, by: "cy", lifecycle: .start)
            log.add(c, "C", at: t + 10 + 40.0 / 3600, by: "dee", lifecycle: .reassign)
            log.add(c, "C", at: t + 10 + 60.0 / 3600, by: "eve")
        }
        return log.build()
    }

    @Test("Equal on everything but waiting and hidden labor: the weights decide")
    func weightsDecide() throws {
        let log = Self.slowVersusLaborious()
        let even = Scorecard(log: log, configuration: ScorecardConfiguration())
        let ab = try #require(even.handoff(from: "A", to: "B"))
        let bc = try #require(even.handoff(from: "B", to: "C"))
        #expect(ab.score(.customerImpact)?.score == 5)
        #expect(ab.score(.hiddenLabor)?.score == 1)
        #expect(bc.score(.hiddenLabor)?.score == 5)
        // B → C's 300 s of waiting in all still counts a little: ln(1 + 1/12) / ln(1 + 100).
        let bcImpact = 1 + 4 * log1p(300.0 / 3600) / log1p(100)
        #expect(abs(try #require(bc.score(.customerImpact)).score - bcImpact) < 1e-12)
        #expect(abs((bc.total - ab.total) - (bcImpact - 1) / 8) < 1e-9, "the other six criteria score the same")
        #expect(even.handoffs.map(\.from) == ["B", "A"])
        #expect(even.handoffs[0].rank == 1 && even.handoffs[1].rank == 2)

        let waiting = Scorecard(log: log, configuration: ScorecardConfiguration(weights: [.customerImpact: 3]))
        #expect(waiting.handoffs.map(\.from) == ["A", "B"])
        #expect(waiting.weights[.customerImpact] == 3 && waiting.weights[.riskLevel] == 1)
        let noLabor = Scorecard(log: log, configuration: ScorecardConfiguration(weights: [.hiddenLabor: 0]))
        #expect(noLabor.handoffs.map(\.from) == ["A", "B"])
    }

    @Test("The total is the weighted mean of the eight scores")
    func weightedTotal() throws {
        let weights: [Criterion: Double] = [.customerImpact: 2, .hiddenLabor: 0.5, .riskLevel: 0]
        let scorecard = Scorecard(log: Self.slowVersusLaborious(), configuration: ScorecardConfiguration(weights: weights))
        for score in scorecard.handoffs {
            #expect(score.criteria.map(\.criterion) == Criterion.allCases)
            let sum = score.criteria.reduce(0) { $0 + $1.score * $1.weight }
            let weightSum = score.criteria.reduce(0) { $0 + $1.weight }
            let expected: Double = 2 + 0.5 + 0 + 5
            #expect(weightSum == expected)
            #expect(abs(score.total - sum / weightSum) < 1e-12)
            #expect(score.criteria.allSatisfy { (1...5).contains($0.score) })
        }
    }

    @Test("Measured scores carry their numbers: waiting, hidden labor, ownership, evidence")
    func measuredNumbers() throws {
        let scorecard = Scorecard(log: Self.slowVersusLaborious(), configuration: ScorecardConfiguration())
        let ab = try #require(scorecard.handoff(from: "A", to: "B"))
        let impact = try #require(ab.score(.customerImpact))
        #expect(impact.source == .measured)
        #expect(impact.values["waitHours"] == 100)
        #expect(impact.values["medianWait"] == 36000)
        #expect(impact.summary.contains("10 hand-offs waited 100 h in all"))
        #expect(impact.summary.contains("lateness is not measured"))
        let bc = try #require(scorecard.handoff(from: "B", to: "C"))
        let labor = try #require(bc.score(.hiddenLabor))
        #expect(labor.values["reassignments"] == 20 && labor.values["share"] == 1)
        #expect(labor.summary.contains("20 reassignments"))
        // Everyone is named and there are no teams: clear ownership.
        #expect(bc.score(.ownershipClarity)?.score == 1)
        // Constant waits over ten hand-offs: any change would show.
        #expect(abs(try #require(bc.score(.improvementEvidence)).score - 5) < 1e-6)
        // Not measured and not rated: the middle.
        let revenue = try #require(bc.score(.revenueImpact))
        #expect(revenue.score == 3 && revenue.source == .unrated)
        // No exception markers: nothing measured.
        #expect(bc.score(.exceptionVolume)?.source == .unrated)
    }

    @Test("Customer impact: the volume of waiting and the share late past the window")
    func customerImpactWithWindows() throws {
        var log = HandmadeLog()
        for i in 0..<4 { log.trace("fast-\(i)", ["A", "B"], from: Double(i), every: 1) }
        log.trace("slow-0", ["A", "C"], every: 10)
        log.trace("slow-1", ["A", "C"], every: 1)
        let configuration = ScorecardConfiguration(rules: LogRules(responseWindow: 5 * 3600))
        let scorecard = Scorecard(log: log.build(), configuration: configuration)
        let ab = try #require(scorecard.handoff(from: "A", to: "B")?.score(.customerImpact))
        let ac = try #require(scorecard.handoff(from: "A", to: "C")?.score(.customerImpact))
        // A → C waited 11 h in all, the most: volume 1, and one of two late.
        #expect(abs(ac.score - (1 + 4 * (1 + 0.5) / 2)) < 1e-12)
        // A → B waited 4 h, none late.
        #expect(abs(ab.score - (1 + 4 * (log1p(4) / log1p(11)) / 2)) < 1e-12)
        #expect(ac.values["late"] == 1 && ac.values["stale"] == 1)
    }

    @Test("Exception volume: the share of hand-offs followed by an exception, and how many")
    func exceptionVolume() throws {
        var log = HandmadeLog()
        for i in 0..<4 { log.trace("x-\(i)", ["A", "B", "Exception"]) }
        for i in 0..<4 { log.trace("y-\(i)", ["A", "C"]) }
        let rules = LogRules(exceptions: Markers(activities: ["Exception*"]))
        let scorecard = Scorecard(log: log.build(), configuration: ScorecardConfiguration(rules: rules))
        #expect(scorecard.handoff(from: "A", to: "B")?.score(.exceptionVolume)?.score == 5)
        #expect(scorecard.handoff(from: "B", to: "Exception")?.score(.exceptionVolume)?.score == 5)
        let clean = try #require(scorecard.handoff(from: "A", to: "C")?.score(.exceptionVolume))
        #expect(clean.score == 1 && clean.source == .measured)
        #expect(clean.summary.hasPrefix("0 of 4 hand-offs (0%)"))
    }

    @Test("Improvement evidence: too few hand-offs prove nothing; a noisy measure needs more")
    func improvementEvidence() throws {
        var log = HandmadeLog()
        for (i, wait) in [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10].enumerated() {
            log.add("n-\(i)", "A", at: 0)
            log.add("n-\(i)", "B", at: wait)
        }
        for i in 0..<3 { log.trace("few-\(i)", ["A", "C"]) }
        let scorecard = Scorecard(log: log.build(), configuration: ScorecardConfiguration())
        let few = try #require(scorecard.handoff(from: "A", to: "C")?.score(.improvementEvidence))
        #expect(few.score == 1 && few.summary.contains("too few"))
        let many = try #require(scorecard.handoff(from: "A", to: "B")?.score(.improvementEvidence))
        // Waits 1…10 h: mean 5.5, sample sd 3.0277; detectable = 2.8 · cv · 2 / √10.
        let cv = 3.027_650_354_097_491_6 / 5.5
        let detectable = 2.8 * cv * 2 / 10.0.squareRoot()
        #expect(abs(many.values["detectableChange"]! - detectable) < 1e-9)
        #expect(abs(many.score - (1 + 4 * (1 - detectable))) < 1e-9)
    }

    @Test("Ratings: hand-off over step over default; clarity turned over; a rating overrides a measure")
    func ratings() throws {
        let ratings = ScorecardRatings(
            defaults: [.systemClarity: 4],
            steps: ["B": [.revenueImpact: 5, .systemClarity: 1]],
            handoffs: [ScorecardRatings.key(from: "A", to: "B"): [.riskLevel: 2, .customerImpact: 1]])
        let scorecard = Scorecard(log: Self.slowVersusLaborious(), configuration: ScorecardConfiguration(ratings: ratings))
        let ab = try #require(scorecard.handoff(from: "A", to: "B"))
        let revenue = try #require(ab.score(.revenueImpact))
        #expect(revenue.score == 5 && revenue.source == .rated && revenue.ratedAt == "step B")
        let system = try #require(ab.score(.systemClarity))
        #expect(system.rating == 1 && system.score == 5, "rated unclear: a strong case to fix")
        let risk = try #require(ab.score(.riskLevel))
        #expect(risk.score == 2 && risk.ratedAt == "hand-off A -> B")
        let impact = try #require(ab.score(.customerImpact))
        #expect(impact.source == .overridden && impact.score == 1 && impact.values["measured"] == 5)
        #expect(impact.summary.contains("in place of the measured 5"))
        let bc = try #require(scorecard.handoff(from: "B", to: "C"))
        #expect(bc.score(.systemClarity)?.score == 2 && bc.score(.systemClarity)?.ratedAt == "default")
        #expect(bc.score(.revenueImpact)?.source == .unrated)
        #expect(scorecard.unusedRatings.isEmpty)
    }

    @Test("Ratings that match nothing in the log are listed")
    func unusedRatings() {
        let ratings = ScorecardRatings(
            steps: ["B": [.riskLevel: 4], "Nope": [.riskLevel: 4]], teams: ["Ghosts": [.riskLevel: 1]],
            handoffs: ["A -> B": [.riskLevel: 1], "A -> Z": [.riskLevel: 1]])
        let scorecard = Scorecard(log: Self.slowVersusLaborious(), configuration: ScorecardConfiguration(ratings: ratings))
        #expect(scorecard.unusedRatings == [#"steps["Nope"]"#, #"teams["Ghosts"]"#, #"handoffs["A -> Z"]"#])
    }

    @Test("Team hand-offs: only where the team changes, rated per receiving team")
    func teamHandoffs() throws {
        var log = HandmadeLog()
        for i in 0..<5 { log.trace("c\(i)", ["A@ann/Front", "B@bob/Front", "C@cy/Back", "D@dee/Front"]) }
        let ratings = ScorecardRatings(teams: ["Back": [.riskLevel: 5]])
        let scorecard = Scorecard(log: log.build(), configuration: ScorecardConfiguration(ratings: ratings))
        #expect(Set(scorecard.teamHandoffs.map { "\($0.from)→\($0.to)" }) == ["Front→Back", "Back→Front"])
        let inbound = try #require(scorecard.teamHandoff(from: "Front", to: "Back"))
        #expect(inbound.level == .team && inbound.count == 5)
        #expect(inbound.score(.riskLevel)?.score == 5 && inbound.score(.riskLevel)?.ratedAt == "team Back")
        #expect(scorecard.teamHandoff(from: "Back", to: "Front")?.score(.riskLevel)?.source == .unrated)
        // Front → Back → Front bounces: both legs show it as hidden labor.
        #expect(inbound.score(.hiddenLabor)?.values["teamPingPong"] == 5)
    }

    @Test("The scorecard encodes to JSON with criteria by their file names, and back")
    func codable() throws {
        let scorecard = Scorecard(
            log: Self.slowVersusLaborious(),
            configuration: ScorecardConfiguration(weights: [.riskLevel: 2], ratings: ScorecardRatings(defaults: [.riskLevel: 4])))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(scorecard)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""weights":{"customer_impact":1,"#))
        #expect(text.contains(#""criterion":"risk_level""#))
        #expect(try JSONDecoder().decode(Scorecard.self, from: data) == scorecard)
    }
}
