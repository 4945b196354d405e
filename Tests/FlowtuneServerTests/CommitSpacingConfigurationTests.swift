import FlowtuneServer
import Testing

@Suite("Commit spacing in the configuration")
struct CommitSpacingConfigurationTests {
    @Test("the file and the environment set the spacing; the environment wins; bad values name the field")
    func spacingRead() throws {
        var configuration = ServerConfiguration()
        #expect(configuration.commitSpacing == .zero)
        try configuration.apply(yaml: "store: { path: a.db, commit_spacing_us: 1500 }", file: "flowtune.yaml")
        #expect(configuration.commitSpacing == .microseconds(1500))
        #expect(configuration.databasePath == "a.db")
        try configuration.apply(environment: ["FLOWTUNE_COMMIT_SPACING_US": "0"])
        #expect(configuration.commitSpacing == .zero)

        var bad = ServerConfiguration()
        do {
            try bad.apply(yaml: "store: { commit_spacing_us: soon }", file: "f.yaml")
            Issue.record("a spacing that is not a number was accepted")
        } catch let problem as ServerConfiguration.Problem {
            #expect(problem.field == "store.commit_spacing_us")
        }
        do {
            try bad.apply(environment: ["FLOWTUNE_COMMIT_SPACING_US": "-3"])
            Issue.record("a negative spacing was accepted")
        } catch let problem as ServerConfiguration.Problem {
            #expect(problem.field == "commit_spacing_us")
        }
        #expect(bad.commitSpacing == .zero)
    }
}
