import ArgumentParser

/// The `flowtune` command: validate definitions, process tasks, measure.
@main
struct Flowtune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtune",
        abstract: "Route work, enforce ownership and explain every decision.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, LoadgenCommand.self, RunCommand.self, ValidateCommand.self, DecideCommand.self,
            BenchCommand.self, SimulateCommand.self, ScoreCommand.self, ReviewCommand.self,
            ForecastCommand.self, StaffCommand.self, ScheduleCommand.self,
        ]
    )
}
