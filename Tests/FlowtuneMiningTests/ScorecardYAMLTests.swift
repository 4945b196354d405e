import Foundation
import Testing

@testable import FlowtuneMining

@Suite("Scorecard files")
struct ScorecardYAMLTests {
    static let full = """
        rules:
          exceptions:
            activities: ["T16 Report reasons to hold request", "Exception*"]
            groups: EMPTY
            attributes:
              "case:channel": [Email, Fax]
          rescue: {groups: [Managers]}
          response_window: 1d
          response_windows:
            "T02 Check confirmation of receipt": 4h
            T06: 1h30m
          promises:
            - name: first check within 4 h
              to: T02 Check confirmation of receipt
              within: 4h
            - from: T02 Check confirmation of receipt
              to: T04 Determine confirmation of receipt
              within: 2d
          end_activities: [T10 Determine necessity to stop indication]
          as_of: 2012-06-01T00:00:00Z
        weights:
          customer_impact: 2
          improvement_evidence: 0.5
        ratings:
          default: {system_clarity: 4}
          steps:
            "T05 Print and send confirmation of receipt": {revenue_impact: 4, risk_level: 2}
          teams:
            Group 4: {system_clarity: 2}
          handoffs:
            "T02 Check confirmation of receipt -> T04 Determine confirmation of receipt":
              risk_level: 5
              customer_impact: 4.5
        """

    @Test("A full file: rules, weights and ratings")
    func full() throws {
        let configuration = try ScorecardConfiguration.load(yaml: Self.full, file: "scorecard.yaml")
        let rules = configuration.rules
        #expect(rules.exceptions.activities == ["T16 Report reasons to hold request", "Exception*"])
        #expect(rules.exceptions.groups == ["EMPTY"])
        #expect(rules.exceptions.attributes == ["case:channel": ["Email", "Fax"]])
        #expect(rules.rescue.groups == ["Managers"])
        #expect(rules.responseWindow == 86400)
        #expect(rules.responseWindows == ["T02 Check confirmation of receipt": 14400, "T06": 5400])
        #expect(rules.promises == [
            LogRules.Promise(name: "first check within 4 h", to: "T02 Check confirmation of receipt", within: 14400),
            LogRules.Promise(
                name: "T04 Determine confirmation of receipt within 2d",
                from: .activity("T02 Check confirmation of receipt"), to: "T04 Determine confirmation of receipt",
                within: 172_800),
        ])
        #expect(rules.endActivities == ["T10 Determine necessity to stop indication"])
        #expect(rules.asOf == Timestamp.parse("2012-06-01T00:00:00Z"))
        #expect(configuration.weights == [.customerImpact: 2, .improvementEvidence: 0.5])
        #expect(configuration.weight(.riskLevel) == 1)
        let ratings = configuration.ratings
        #expect(ratings.defaults == [.systemClarity: 4])
        #expect(ratings.steps["T05 Print and send confirmation of receipt"] == [.revenueImpact: 4, .riskLevel: 2])
        #expect(ratings.teams["Group 4"] == [.systemClarity: 2])
        #expect(ratings.handoffs[
            "T02 Check confirmation of receipt -> T04 Determine confirmation of receipt"] == [.riskLevel: 5, .customerImpact: 4.5])
        // The same file gives the rules alone to the pilot comparison and the weekly review.
        #expect(try LogRules.load(yaml: Self.full, file: "scorecard.yaml") == rules)
    }

    @Test("An empty file is the default configuration")
    func empty() throws {
        #expect(try ScorecardConfiguration.load(yaml: "", file: "s.yaml") == ScorecardConfiguration())
        #expect(try ScorecardConfiguration.load(yaml: "rules:\n", file: "s.yaml") == ScorecardConfiguration())
    }

    func problem(_ yaml: String) -> MiningError? {
        do {
            _ = try ScorecardConfiguration.load(yaml: yaml, file: "scorecard.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("An unknown field names its line, its path and the likely intended name")
    func unknownField() throws {
        let error = try #require(problem("""
            weights:
              customer_impact: 2
              custmer_impact: 1
            """))
        #expect(error.file == "scorecard.yaml" && error.line == 3 && error.field == "weights.custmer_impact")
        #expect(error.message.contains("did you mean customer_impact?"))
        let section = try #require(problem("rules: {}\nrating:\n  default: {risk_level: 2}\n"))
        #expect(section.line == 2 && section.field == "rating" && section.message.contains("did you mean ratings?"))
        let rule = try #require(problem("rules:\n  response_windw: 4h\n"))
        #expect(rule.field == "rules.response_windw" && rule.message.contains("response_window"))
    }

    @Test("A bad duration, a bad time, a wrong type")
    func badValues() throws {
        let duration = try #require(problem("rules:\n  response_windows:\n    \"T02 Check\": 4 hours\n"))
        #expect(duration.line == 3 && duration.field == #"rules.response_windows["T02 Check"]"#)
        #expect(duration.message.contains("\"4 hours\" is not a duration"))
        let time = try #require(problem("rules:\n  as_of: yesterday\n"))
        #expect(time.line == 2 && time.field == "rules.as_of" && time.message.contains("is not a time"))
        let type = try #require(problem("rules:\n  exceptions:\n    activities: {a: 1}\n"))
        #expect(type.line == 3 && type.field == "rules.exceptions.activities" && type.message.contains("expected a list of names"))
        let weight = try #require(problem("weights:\n  risk_level: high\n"))
        #expect(weight.field == "weights.risk_level" && weight.message == "expected a number, found \"high\"")
    }

    @Test("Ratings outside 1–5, negative weights, all weights 0")
    func outOfRange() throws {
        let rating = try #require(problem("""
            ratings:
              steps:
                Register:
                  risk_level: 7
            """))
        #expect(rating.line == 4 && rating.field == #"ratings.steps["Register"].risk_level"#)
        #expect(rating.message == "a rating runs from 1 to 5, not 7")
        let zero = try #require(problem("ratings:\n  default: {revenue_impact: 0}\n"))
        #expect(zero.field == "ratings.default.revenue_impact")
        let negative = try #require(problem("weights:\n  hidden_labor: -1\n"))
        #expect(negative.message == "a weight must be 0 or more, not -1")
        let nothing = try #require(problem("""
            weights: {customer_impact: 0, exception_volume: 0, hidden_labor: 0, revenue_impact: 0,
                      ownership_clarity: 0, system_clarity: 0, risk_level: 0, improvement_evidence: 0}
            """))
        #expect(nothing.field == "weights" && nothing.message.contains("nothing would be scored"))
    }

    @Test("A promise without its activity or time, a hand-off not named \"from -> to\"")
    func incomplete() throws {
        let promise = try #require(problem("rules:\n  promises:\n    - name: fast\n      within: 4h\n"))
        #expect(promise.field == "rules.promises[0].to" && promise.message == "missing required field to")
        #expect(promise.line == 3)
        let handoff = try #require(problem("ratings:\n  handoffs:\n    Register to Decide: {risk_level: 3}\n"))
        #expect(handoff.field == #"ratings.handoffs["Register to Decide"]"#)
    }

    @Test("Every problem is reported, the first as the error, the rest after it")
    func allProblems() throws {
        let error = try #require(problem("""
            weights:
              risk_level: -2
            ratings:
              default: {system_clarity: 9}
            """))
        #expect(error.line == 2 && error.field == "weights.risk_level")
        #expect(error.message.contains("scorecard.yaml:4: ratings.default.system_clarity: a rating runs from 1 to 5, not 9"))
    }

    @Test("Text that is not YAML gives its line")
    func notYAML() throws {
        let error = try #require(problem("weights:\n  risk_level: [1, 2\nratings: {}\n"))
        #expect(error.message.hasPrefix("not valid YAML"))
        #expect(error.line != nil)
        let notMapping = try #require(problem("- just\n- a list\n"))
        #expect(notMapping.message.contains("expected a mapping"))
    }
}
