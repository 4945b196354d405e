import ArgumentParser

/// `flowtune validate FILE...`: checks workflow, queue and worker files.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check workflow, queue and worker files for errors.")

    @Argument(help: "YAML files with workflows, queues and workers.")
    var files: [String]

    func run() async throws {
        throw ValidationError("not yet wired")
    }
}
