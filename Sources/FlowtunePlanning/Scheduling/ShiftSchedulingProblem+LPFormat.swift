extension ShiftSchedulingProblem {
    /// The covering integer program in CPLEX LP format, so that another solver (CBC's or
    /// GLPK's command line, HiGHS, SCIP) can be timed on exactly the instance Flowtune solved:
    /// one general-integer column `x<j>` per template, one row `r<i>` per interval with staff
    /// required.
    ///
    /// ```swift
    /// let text = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 2).lpFormat()
    /// ```
    public func lpFormat() -> String { lpFormat(cuts: []) }

    /// The program as ``lpFormat()`` writes it with the time-of-day cuts the scheduler adds
    /// (``timeOfDayCuts(widths:)``) as rows `c<k>`: the program CBC's search is handed.
    public func lpFormatWithCuts() -> String { lpFormat(cuts: timeOfDayCuts()) }

    func lpFormat(cuts: [WorkerCut]) -> String {
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        }
        var covering = [[Int]](repeating: [], count: required.count)
        for (column, intervals) in coverage.enumerated() { for interval in intervals { covering[interval].append(column) } }
        var lines = ["\\ Flowtune shift scheduling: \(templates.count) templates, \(days) day(s) of \(intervalsPerDay) intervals",
                     "Minimize"]
        lines.append(" cost: " + templates.indices.map { "\(number(templates[$0].cost)) x\($0)" }.joined(separator: " + "))
        lines.append("Subject To")
        for (interval, need) in required.enumerated() where need > 0 {
            lines.append(" r\(interval): " + covering[interval].map { "x\($0)" }.joined(separator: " + ") + " >= \(need)")
        }
        for (index, cut) in cuts.enumerated() {
            lines.append(" c\(index): " + cut.templates.map { "x\($0)" }.joined(separator: " + ") + " >= \(cut.workers)")
        }
        lines.append("Bounds")
        for (column, intervals) in coverage.enumerated() {
            lines.append(" 0 <= x\(column) <= \(intervals.map { required[$0] }.max() ?? 0)")
        }
        lines.append("General")
        lines.append(" " + templates.indices.map { "x\($0)" }.joined(separator: " "))
        lines.append("End")
        return lines.joined(separator: "\n") + "\n"
    }
}
