extension AssignmentCore {
    /// Near-optimal prices from an auction, then the exact search for what they leave unsettled:
    /// exact, and `nil` only when some row cannot be placed (the caller's dense solve then decides
    /// which rows to leave out) or the final certificate fails on rounding.
    ///
    /// On structured matrices (handling times with a few task types, where many rows want the same
    /// fast columns) the dense search from zero potentials scans most rows for every augmentation.
    /// From prices that are already nearly optimal it does not: with the auction's prices as
    /// column potentials `v`, every row is priced on the full matrix, `u[i] = min_j (c[i][j] − v[j])`;
    /// a matched row whose own pair is not at that minimum is unmatched, the rest of the matching
    /// is kept, and the potentials are then feasible on every pair and tight on every matched one
    /// (Jonker–Volgenant from a feasible dual start). The dense shortest-augmenting-path search
    /// then places only the rows left over, along short paths.
    ///
    /// Fewer rows than columns are padded with zero-cost rows to a square matrix: in a square
    /// problem any feasible, tight potentials prove the optimum, whereas with free columns the
    /// search also needs free columns' potentials above used ones', which unmatching would break.
    /// The padding rows end on the columns the real rows leave free, at the highest column
    /// potential, which is exactly that condition for the unpadded problem.
    ///
    /// Before returning, every reduced cost of the full matrix is checked again (non-negative,
    /// zero on matched pairs) together with the free-column condition.
    ///
    /// With `columnsBid` the columns are the bidders in the auction and the rows (and padding) the
    /// objects. The solver sets it when rows are worker slots: a worker's slots are identical rows,
    /// and identical bidders drag the auction out, whereas tasks bidding for slots settle quickly.
    static func solveRepaired(
        _ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int, columnsBid: Bool = false
    ) -> AssignmentCore? {
        guard nr > 1, nr <= nc else { return nil }
        if nr == nc { return repairSquare(costs, rows: nr, columns: nc, columnsBid: columnsBid) }
        var square = [Double](repeating: 0, count: nc * nc)
        square.withUnsafeMutableBufferPointer { square in
            _ = square.initialize(from: costs)
        }
        return square.withUnsafeBufferPointer { square in
            repairSquare(square, rows: nr, columns: nc, columnsBid: columnsBid)
        }
    }

    /// The repair on the `nc × nc` matrix `square`, whose rows from `nr` on are padding.
    private static func repairSquare(
        _ square: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int, columnsBid: Bool
    ) -> AssignmentCore? {
        let n = nc
        let c = square.baseAddress!
        var u = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: n)
        var col4row = [Int](repeating: -1, count: n), row4col = [Int](repeating: -1, count: n)
        v.withUnsafeMutableBufferPointer { v in
            col4row.withUnsafeMutableBufferPointer { col4row in
                row4col.withUnsafeMutableBufferPointer { row4col in
                    if columnsBid {
                        columnAuction(c, n: n, v: v, col4row: col4row, row4col: row4col)
                        return
                    }
                    // The auction runs on the real rows only: padding rows are all alike and
                    // would only bid against each other.
                    _ = auction(
                        c, rows: nr, columns: n, workBudget: 25 * nr * n, provenBudget: 60 * nr * n, v: v,
                        col4row: UnsafeMutableBufferPointer(rebasing: col4row[0..<nr]), row4col: row4col)
                    // The auction leaves each matched pair up to ε above its row's cheapest;
                    // lowering the column's price by that much makes the pair tight, and only
                    // rows with a near-tie elsewhere lose their column in the pricing below.
                    var slack = [Double](repeating: 0, count: nr)
                    for i in 0..<nr where col4row[i] >= 0 {
                        let row = c + i * n
                        var lowest = Double.infinity
                        for j in 0..<n { lowest = min(lowest, row[j] - v[j]) }
                        slack[i] = row[col4row[i]] - v[col4row[i]] - lowest
                    }
                    for i in 0..<nr where col4row[i] >= 0 { v[col4row[i]] += slack[i] }
                }
            }
        }
        func tolerance(_ cost: Double) -> Double { 1e-12 * max(1, abs(cost)) }

        let complete: Bool = u.withUnsafeMutableBufferPointer { u in
            v.withUnsafeMutableBufferPointer { v in
                col4row.withUnsafeMutableBufferPointer { col4row in
                    row4col.withUnsafeMutableBufferPointer { row4col in
                        // Price every row with the auction's column potentials.
                        for i in 0..<n {
                            let row = c + i * n
                            var lowest = Double.infinity
                            for j in 0..<n {
                                let reduced = row[j] - v[j]
                                if reduced < lowest { lowest = reduced }
                            }
                            let j = col4row[i]
                            guard j >= 0 else { continue }
                            u[i] = row[j] - v[j]
                            if lowest < u[i] - tolerance(row[j]) {
                                col4row[i] = -1
                                row4col[j] = -1
                            }
                        }
                        augmentRows(square, rows: n, columns: n, u: u, v: v, col4row: col4row, row4col: row4col)
                        guard !col4row.contains(-1) else { return false }
                        // The certificate, on every pair.
                        for i in 0..<n {
                            let row = c + i * n
                            let ui = u[i]
                            for j in 0..<n {
                                let reduced = row[j] - ui - v[j]
                                if reduced < -tolerance(row[j]) { return false }
                            }
                            let j = col4row[i]
                            if abs(row[j] - ui - v[j]) > tolerance(row[j]) { return false }
                        }
                        return true
                    }
                }
            }
        }
        guard complete else { return nil }
        if nr == nc {
            var core = AssignmentCore(
                rows: nr, columns: nc, columnOfRow: col4row, rowOfColumn: row4col,
                rowPotentials: u, columnPotentials: v, rowThreshold: 0, columnThreshold: 0)
            core.setThresholds(square)
            return core
        }
        // Drop the padding: its columns become free, and the potentials move so that free columns
        // sit at 0 or above and used ones at 0 or below, as the dense solve leaves them.
        var beta = Double.infinity
        for j in 0..<nc where row4col[j] >= nr { beta = min(beta, v[j]) }
        for j in 0..<nc where row4col[j] < nr && v[j] > beta + tolerance(max(abs(beta), abs(v[j]))) { return nil }
        let rowPotentials = (0..<nr).map { u[$0] + beta }
        let columnPotentials = v.map { $0 - beta }
        let rowOfColumn = row4col.map { $0 >= nr ? -1 : $0 }
        var core = AssignmentCore(
            rows: nr, columns: nc, columnOfRow: Array(col4row[0..<nr]), rowOfColumn: rowOfColumn,
            rowPotentials: rowPotentials, columnPotentials: columnPotentials, rowThreshold: 0, columnThreshold: 0)
        core.setThresholds(UnsafeBufferPointer(rebasing: square[0..<(nr * nc)]))
        return core
    }

    /// The auction with the columns of the square matrix `c` bidding for its rows (padding
    /// included), then column potentials and a matching for the pricing that follows: the rows'
    /// potentials `w` are the auction's, each matched pair is made tight by raising its row's
    /// potential by the auction's slack, and `v[j] = min_i (c[i][j] − w[i])`.
    private static func columnAuction(
        _ c: UnsafePointer<Double>, n: Int, v: UnsafeMutableBufferPointer<Double>,
        col4row: UnsafeMutableBufferPointer<Int>, row4col: UnsafeMutableBufferPointer<Int>
    ) {
        var transposed = [Double](repeating: 0, count: n * n)
        var w = [Double](repeating: 0, count: n)
        var rowOfColumn = [Int](repeating: -1, count: n), columnOfRow = [Int](repeating: -1, count: n)
        transposed.withUnsafeMutableBufferPointer { t in
            for i in 0..<n {
                for j in 0..<n { t[j * n + i] = c[i * n + j] }
            }
            w.withUnsafeMutableBufferPointer { w in
                rowOfColumn.withUnsafeMutableBufferPointer { rowOfColumn in
                    columnOfRow.withUnsafeMutableBufferPointer { columnOfRow in
                        _ = auction(
                            t.baseAddress!, rows: n, columns: n, workBudget: 25 * n * n, provenBudget: 60 * n * n,
                            v: w, col4row: rowOfColumn, row4col: columnOfRow)
                    }
                }
            }
        }
        func columnMinima() {
            for j in 0..<n { v[j] = .infinity }
            for i in 0..<n {
                let row = c + i * n
                let potential = w[i]
                for j in 0..<n { v[j] = min(v[j], row[j] - potential) }
            }
        }
        columnMinima()
        for j in 0..<n where rowOfColumn[j] >= 0 {
            let r = rowOfColumn[j]
            w[r] += c[r * n + j] - w[r] - v[j]
        }
        columnMinima()
        for j in 0..<n where rowOfColumn[j] >= 0 {
            col4row[rowOfColumn[j]] = j
            row4col[j] = rowOfColumn[j]
        }
    }
}
