import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Durations in definition files")
struct DurationFieldTests {
    private static func queue(offerTimeout: String) -> String {
        """
        queues:
          - id: tier1
            offer_timeout: \(offerTimeout)
        """
    }

    @Test(
        "durations are written with units, or as bare seconds",
        arguments: [
            ("90s", 90.0), ("15m", 900), ("4h", 14_400), ("1h30m", 5_400), ("2d", 172_800), ("45", 45),
            ("1.5h", 5_400), ("\"10m\"", 600),
        ])
    func validDurations(text: String, seconds: TimeInterval) throws {
        let definition = try WorkspaceDefinition(yaml: Self.queue(offerTimeout: text))
        #expect(definition.queues.first?.offerTimeout == seconds)
    }

    @Test("a value that is not a duration is reported at the value", arguments: ["15x", "m", "-5m", "1h30", "soon"])
    func invalidDurations(text: String) {
        let issues = DefinitionFixtures.issues(in: Self.queue(offerTimeout: text))
        #expect(issues == [
            DefinitionFixtures.issue(
                3, 20, "queues[0].offer_timeout",
                "\"\(text)\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d")
        ])
    }

    @Test("a zero duration reads, but the queue check refuses it where zero makes no sense")
    func zeroDuration() {
        let issues = DefinitionFixtures.issues(in: Self.queue(offerTimeout: "0s"))
        #expect(issues == [DefinitionFixtures.issue(3, 20, "queues[0].offer_timeout", "must be longer than zero")])
    }

    @Test("a duration must be a single value")
    func durationOfWrongType() {
        let issues = DefinitionFixtures.issues(in: Self.queue(offerTimeout: "[1m, 2m]"))
        #expect(issues == [DefinitionFixtures.issue(3, 20, "queues[0].offer_timeout", "expected a duration such as 15m, found a list")])
    }
}
