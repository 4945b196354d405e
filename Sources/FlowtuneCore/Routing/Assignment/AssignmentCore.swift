/// Shortest augmenting paths with dual potentials on a dense `rows × columns` matrix with
/// `rows ≤ columns` (Crouse's variant of Jonker–Volgenant, the algorithm behind SciPy's
/// `linear_sum_assignment`), extended so that rows which cannot all be matched are handled
/// exactly instead of failing.
///
/// Rows are added one at a time. Each new row runs Dijkstra over reduced costs
/// `c[r][j] − u[r] − v[j]` (never negative, zero on matched pairs) until it reaches a free column,
/// then shifts the matching along that path and moves the potentials so the invariant holds again.
///
/// The maximum number of rows is matched first, then the cost is minimised. This is the same as
/// giving every row a private "unmatched" column of cost M and letting M grow without bound, which
/// is how the rule below was derived: if the new row reaches no free column at all, the cheapest
/// way to stay at the same size is to shift the matching along the path to one of the rows it did
/// reach and leave that row (or the new row itself) unmatched — whichever path is cheapest in true
/// cost. A row left unmatched then has no residual path into the rest of the graph, so later rows
/// never reconsider it, and the result is exact with no big constant in the arithmetic.
///
/// Afterwards thresholds `α` (rows) and `β` (columns) are set so that, besides the reduced-cost
/// conditions, matched rows have `u ≤ α ≤` unmatched rows' `u` and used columns have
/// `v ≤ β ≤` free columns' `v`. Together these certify that no assignment of the same size costs
/// less, and they make every residual arc non-negative for the alternative-cost searches.
struct AssignmentCore: Sendable, Hashable {
    var rows: Int
    var columns: Int
    /// The column matched to each row, or -1.
    var columnOfRow: [Int]
    /// The row matched to each column, or -1.
    var rowOfColumn: [Int]
    /// `u`, one per row.
    var rowPotentials: [Double]
    /// `v`, one per column.
    var columnPotentials: [Double]
    /// `α`: matched rows' potentials are at most this, unmatched rows' at least.
    var rowThreshold: Double
    /// `β`: used columns' potentials are at most this, free columns' at least.
    var columnThreshold: Double

    /// Solves the matrix `costs` (row-major, `.infinity` for forbidden pairs); `rows ≤ columns`.
    /// `rowsAreSlots` says the rows are worker slots (see ``solveRepaired``); it affects speed only.
    static func solve(
        _ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int, rowsAreSlots: Bool = false
    ) -> AssignmentCore {
        precondition(nr <= nc && costs.count == nr * nc)
        // Small matrices gain nothing from candidates; large ones usually finish on them. When the
        // candidates do not prove optimal, near-square matrices go to the auction and repair.
        // Candidates are not even tried when most rows share their cheapest column with many
        // others (task types, products): the candidates then hold no complete assignment.
        if nr >= 32 {
            let nearSquare = 4 * (nc - nr) <= nr
            if !(nearSquare && crowded(costs, rows: nr, columns: nc)),
               let core = solveOnCandidates(costs, rows: nr, columns: nc, perLine: 10) { return core }
            if nearSquare, let core = solveRepaired(costs, rows: nr, columns: nc, columnsBid: rowsAreSlots) {
                return core
            }
        }
        return augment(costs, rows: nr, columns: nc)
    }

    /// Whether fewer than a quarter of the rows have a cheapest column of their own: with
    /// independent costs about 63% of rows would (1 − 1/e), with a few task types only a handful.
    static func crowded(_ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int) -> Bool {
        var taken = [Bool](repeating: false, count: nc)
        var distinct = 0
        let c = costs.baseAddress!
        for i in 0..<nr {
            let row = c + i * nc
            var best = Double.infinity, column = -1
            for j in 0..<nc where row[j] < best {
                best = row[j]
                column = j
            }
            if column >= 0 && !taken[column] {
                taken[column] = true
                distinct += 1
            }
        }
        return 4 * distinct < nr
    }

    /// Shortest augmenting paths over the whole matrix; what ``solve`` falls back on.
    static func augment(_ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int) -> AssignmentCore {
        var u = [Double](repeating: 0, count: nr)
        var v = [Double](repeating: 0, count: nc)
        var col4row = [Int](repeating: -1, count: nr)
        var row4col = [Int](repeating: -1, count: nc)
        u.withUnsafeMutableBufferPointer { u in
            v.withUnsafeMutableBufferPointer { v in
                col4row.withUnsafeMutableBufferPointer { col4row in
                    row4col.withUnsafeMutableBufferPointer { row4col in
                        augmentRows(costs, rows: nr, columns: nc, u: u, v: v, col4row: col4row, row4col: row4col)
                    }
                }
            }
        }
        var core = AssignmentCore(
            rows: nr, columns: nc, columnOfRow: col4row, rowOfColumn: row4col,
            rowPotentials: u, columnPotentials: v, rowThreshold: 0, columnThreshold: 0)
        core.setThresholds(costs)
        return core
    }

    /// Adds every row that is not matched yet, in order, to a matching whose potentials already
    /// satisfy the invariant: matched rows have no negative reduced cost on the full matrix and
    /// are tight on their columns, and free columns' potentials are not below used ones'. Starting
    /// from zero potentials and no matching this is the whole solve; starting from an auction's
    /// prices and the part of its matching they confirm (``solveRepaired``) it only places the rest.
    static func augmentRows(
        _ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int,
        u: UnsafeMutableBufferPointer<Double>, v: UnsafeMutableBufferPointer<Double>,
        col4row: UnsafeMutableBufferPointer<Int>, row4col: UnsafeMutableBufferPointer<Int>
    ) {
        guard nr > 0, nc > 0 else { return }
        // All working storage is allocated once here; augmentations only overwrite it.
        let spc = UnsafeMutableBufferPointer<Double>.allocate(capacity: nc)
        let path = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        let remaining = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        let scannedRows = UnsafeMutableBufferPointer<Int>.allocate(capacity: nr)
        let scannedColumns = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        defer {
            spc.deallocate()
            for buffer in [path, remaining, scannedRows, scannedColumns] { buffer.deallocate() }
        }
        path.initialize(repeating: -1)
        spc.initialize(repeating: .infinity)
        remaining.initialize(repeating: 0)
        scannedRows.initialize(repeating: 0)
        scannedColumns.initialize(repeating: 0)
        let c = costs.baseAddress!
        let pending = (0..<nr).filter { col4row[$0] < 0 }

        for current in pending {
            // Start the row at its smallest reduced cost so every arc out of it is non-negative
            // and distances start at zero (the drop rule below compares distances with 0).
            let currentBase = current * nc
            var best = Double.infinity
            for j in 0..<nc {
                let reduced = c[currentBase + j] - v[j]
                if reduced < best { best = reduced }
            }
            if best == .infinity {  // no eligible column: stays unmatched
                continue
            }
            u[current] = best
            for j in 0..<nc {
                spc[j] = .infinity
                remaining[j] = nc - 1 - j
            }
            var remainingCount = nc
            var scannedRowCount = 0
            var scannedColumnCount = 0
            var minVal = 0.0
            var i = current
            var sink = -1
            while true {
                scannedRows[scannedRowCount] = i
                scannedRowCount += 1
                var lowest = Double.infinity
                var index = -1
                let base = minVal - u[i]
                let row = c + i * nc
                for it in 0..<remainingCount {
                    let j = remaining[it]
                    let reduced = base + row[j] - v[j]
                    var distance = spc[j]
                    if reduced < distance {
                        path[j] = i
                        spc[j] = reduced
                        distance = reduced
                    }
                    // Among equal distances prefer a free column: the path ends sooner.
                    if distance < lowest || (distance == lowest && row4col[j] < 0) {
                        lowest = distance
                        index = it
                    }
                }
                if index < 0 || lowest == .infinity { break }
                minVal = lowest
                let j = remaining[index]
                scannedColumns[scannedColumnCount] = j
                scannedColumnCount += 1
                remainingCount -= 1
                remaining[index] = remaining[remainingCount]
                if row4col[j] < 0 {
                    sink = j
                    break
                }
                i = row4col[j]
            }

            var end: Int  // the column the shift starts from
            var threshold: Double
            var dropped = -1
            if sink >= 0 {
                end = sink
                threshold = minVal
            } else {
                // No free column is reachable. Staying at the same size means leaving one reached
                // row unmatched; the true cost of shifting the path to row r is dist(r) + u[current] − u[r].
                dropped = current
                var bestValue = -u[current]
                threshold = 0
                for k in 1..<max(1, scannedRowCount) {
                    let r = scannedRows[k]
                    let distance = spc[col4row[r]]
                    let value = distance - u[r]
                    if value < bestValue {
                        bestValue = value
                        dropped = r
                        threshold = distance
                    }
                }
                if dropped == current { continue }
                end = col4row[dropped]
            }

            // Potentials move by how far short of the threshold each scanned node was, which keeps
            // every reduced cost non-negative and makes the new matched pairs tight.
            u[current] += threshold
            for k in 1..<max(1, scannedRowCount) {
                let r = scannedRows[k]
                let distance = spc[col4row[r]]
                if distance <= threshold { u[r] += threshold - distance }
            }
            for k in 0..<scannedColumnCount {
                let j = scannedColumns[k]
                let distance = spc[j]
                if distance <= threshold { v[j] -= threshold - distance }
            }
            if dropped >= 0 { col4row[dropped] = -1 }
            while true {
                let r = path[end]
                row4col[end] = r
                let previous = col4row[r]
                col4row[r] = end
                end = previous
                if r == current { break }
            }
        }
    }

    /// Sets `α` and `β`, first giving unmatched rows potentials and, when there are any, moving all
    /// potentials by the distances from a source feeding the unmatched rows so that arcs
    /// "matched row → source → unmatched row" are non-negative too.
    mutating func setThresholds(_ costs: UnsafeBufferPointer<Double>) {
        let nr = rows, nc = columns
        let unmatched = (0..<nr).filter { columnOfRow[$0] < 0 }
        let matchedMaximum = (0..<nr).filter { columnOfRow[$0] >= 0 }.map { rowPotentials[$0] }.max()
        columnThreshold = 0
        guard !unmatched.isEmpty else {
            rowThreshold = matchedMaximum ?? 0
            // With every column used (a square matrix) the threshold only has to sit above them
            // all; otherwise free columns are still at 0 and used ones below it.
            if rows == columns, let highest = columnPotentials.max() { columnThreshold = highest }
            return
        }
        let c = costs.baseAddress!
        for d in unmatched {
            var best = Double.infinity
            for j in 0..<nc {
                let reduced = c[d * nc + j] - columnPotentials[j]
                if reduced < best { best = reduced }
            }
            rowPotentials[d] = best
        }
        guard let alpha = unmatched.map({ rowPotentials[$0] }).filter({ $0 < .infinity }).min() else {
            rowThreshold = matchedMaximum ?? 0
            for d in unmatched { rowPotentials[d] = rowThreshold }
            return
        }
        var rowDistance = [Double](repeating: .infinity, count: nr)
        var columnDistance = [Double](repeating: .infinity, count: nc)
        var rowDone = [Bool](repeating: false, count: nr)
        var columnDone = [Bool](repeating: false, count: nc)
        for d in unmatched where rowPotentials[d] < .infinity { rowDistance[d] = rowPotentials[d] - alpha }
        func scan(_ r: Int) {
            rowDone[r] = true
            let base = rowDistance[r] - rowPotentials[r]
            for j in 0..<nc where !columnDone[j] {
                let distance = base + c[r * nc + j] - columnPotentials[j]
                if distance < columnDistance[j] { columnDistance[j] = distance }
            }
        }
        var longest = 0.0
        while true {
            var bestRow = -1, bestColumn = -1
            var lowest = Double.infinity
            for d in unmatched where !rowDone[d] && rowDistance[d] < lowest {
                lowest = rowDistance[d]
                bestRow = d
            }
            for j in 0..<nc where !columnDone[j] && columnDistance[j] < lowest {
                lowest = columnDistance[j]
                bestColumn = j
                bestRow = -1
            }
            if lowest == .infinity { break }
            longest = max(longest, lowest)
            if bestColumn >= 0 {
                columnDone[bestColumn] = true
                let r = rowOfColumn[bestColumn]
                // A free column here would be an augmenting path, which maximality rules out.
                if r >= 0 {
                    rowDistance[r] = lowest
                    scan(r)
                }
            } else {
                scan(bestRow)
            }
        }
        // Rows the source never reached still need "row → source" non-negative.
        for r in 0..<nr where columnOfRow[r] >= 0 && !rowDone[r] {
            longest = max(longest, rowPotentials[r] - alpha)
        }
        for r in 0..<nr where rowPotentials[r] < .infinity {
            rowPotentials[r] -= min(rowDistance[r], longest)
        }
        for j in 0..<nc { columnPotentials[j] += min(columnDistance[j], longest) }
        rowThreshold = alpha
        columnThreshold = longest
        for d in unmatched where rowPotentials[d] == .infinity { rowPotentials[d] = alpha }
    }
}
