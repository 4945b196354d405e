import CCbc
import Synchronization

/// A small mixed-integer program handed to CBC as it stands: columns with costs, bounds and
/// integrality, rows as sparse coefficients between bounds. Used where a model is built once
/// and solved once (rostering); shift scheduling drives CBC itself to add its relaxation and
/// starting schedule.
struct IntegerProgram {
    struct Row {
        var columns: [Int]
        var coefficients: [Double]
        var lower: Double
        var upper: Double
    }

    var costs: [Double] = []
    var columnLower: [Double] = []
    var columnUpper: [Double] = []
    var integer: [Bool] = []
    var rows: [Row] = []

    /// Adds a column and returns its index.
    mutating func addColumn(cost: Double, lower: Double = 0, upper: Double, integer isInteger: Bool = true) -> Int {
        costs.append(cost)
        columnLower.append(lower)
        columnUpper.append(upper)
        integer.append(isInteger)
        return costs.count - 1
    }

    mutating func addRow(_ columns: [Int], _ coefficients: [Double], lower: Double = -.infinity, upper: Double = .infinity) {
        rows.append(Row(columns: columns, coefficients: coefficients, lower: lower, upper: upper))
    }

    struct Solution {
        var values: [Double]
        var objective: Double
        var bound: Double
        var isOptimal: Bool
    }

    /// CBC's driver (CbcMain1) keeps state in statics, so solves in one process take turns.
    static let lock = Mutex(())

    /// Solves the program; nil when CBC finds no feasible point within the limit.
    func solve(timeLimit: Double) -> Solution? {
        // Rows to compressed sparse columns.
        var byColumn = [[(row: Int32, value: Double)]](repeating: [], count: costs.count)
        for (index, row) in rows.enumerated() {
            for (column, value) in zip(row.columns, row.coefficients) { byColumn[column].append((Int32(index), value)) }
        }
        var starts: [CoinBigIndex] = [0]
        var indices: [Int32] = []
        var values: [Double] = []
        for column in byColumn {
            indices.append(contentsOf: column.map(\.row))
            values.append(contentsOf: column.map(\.value))
            starts.append(CoinBigIndex(indices.count))
        }
        let rowLower = rows.map(\.lower)
        let rowUpper = rows.map(\.upper)
        return Self.lock.withLock { _ -> Solution? in
            let model = Cbc_newModel()!
            defer { Cbc_deleteModel(model) }
            Cbc_loadProblem(model, Int32(costs.count), Int32(rows.count), starts, indices, values, columnLower, columnUpper,
                            costs, rowLower, rowUpper)
            for (column, isInteger) in integer.enumerated() where isInteger { Cbc_setInteger(model, Int32(column)) }
            Cbc_setLogLevel(model, 0)
            Cbc_setParameter(model, "timeMode", "elapsed")
            Cbc_setMaximumSeconds(model, timeLimit)
            Cbc_solve(model)
            guard let best = Cbc_bestSolution(model) else { return nil }
            return Solution(
                values: Array(UnsafeBufferPointer(start: best, count: costs.count)), objective: Cbc_getObjValue(model),
                bound: Cbc_getBestPossibleObjValue(model), isOptimal: Cbc_isProvenOptimal(model) != 0)
        }
    }
}
