extension AssignmentCore {
    /// Solves on a sparse set of candidate pairs first — each row's and each column's cheapest
    /// few — then proves the result optimal on the full matrix, or gives up (`nil`) so the caller
    /// runs the dense solver.
    ///
    /// On structured matrices (handling times with a few task types, where many rows want the same
    /// fast columns) the dense search scans most rows for every augmentation, and each scan reads a
    /// whole row; on candidates a scan reads a dozen entries and a heap picks the next column. The
    /// optimum almost always uses only candidate pairs; the check afterwards computes every reduced
    /// cost with the candidate duals, and where one is negative that pair joins the candidates and
    /// the sparse solve runs again. The answer is accepted only when every row is placed and no
    /// reduced cost is negative, which is the same certificate the dense solver gives.
    static func solveOnCandidates(
        _ costs: UnsafeBufferPointer<Double>, rows nr: Int, columns nc: Int, perLine: Int, rounds: Int = 3
    ) -> AssignmentCore? {
        guard nr > 0, nr <= nc else { return nil }
        let c = costs.baseAddress!
        var candidate = [Bool](repeating: false, count: nr * nc)
        let k = min(perLine, nc, nr)
        // Candidates are chosen by reduced cost after the classical row and column reductions,
        // not by raw cost: with raw costs every row of a task type lists the same fast columns
        // and the candidates often hold no complete assignment at all.
        var columnMinimum = [Double](repeating: .infinity, count: nc)
        for i in 0..<nr {
            let row = c + i * nc
            for j in 0..<nc where row[j] < columnMinimum[j] { columnMinimum[j] = row[j] }
        }
        // Each row's k smallest and each column's k smallest, in one row-major pass: per row by
        // partial insertion, per column a sorted list of its k smallest so far.
        var rowBest = [Double](repeating: .infinity, count: k)
        var columnBest = [Double](repeating: .infinity, count: nc * k)
        columnBest.withUnsafeMutableBufferPointer { columnBest in
            rowBest.withUnsafeMutableBufferPointer { rowBest in
                columnMinimum.withUnsafeBufferPointer { v in
                    var rowMinimum = [Double](repeating: 0, count: nr)
                    for i in 0..<nr {
                        let row = c + i * nc
                        var u = Double.infinity
                        for j in 0..<nc { u = min(u, row[j] - v[j]) }
                        rowMinimum[i] = u
                        for slot in 0..<k { rowBest[slot] = .infinity }
                        for j in 0..<nc {
                            let x = row[j] - v[j]
                            if x < rowBest[k - 1] {
                                var slot = k - 1
                                while slot > 0 && rowBest[slot - 1] > x {
                                    rowBest[slot] = rowBest[slot - 1]
                                    slot -= 1
                                }
                                rowBest[slot] = x
                            }
                            let y = x - u
                            let list = j * k
                            if y < columnBest[list + k - 1] {
                                var slot = k - 1
                                while slot > 0 && columnBest[list + slot - 1] > y {
                                    columnBest[list + slot] = columnBest[list + slot - 1]
                                    slot -= 1
                                }
                                columnBest[list + slot] = y
                            }
                        }
                        let limit = rowBest[k - 1]
                        for j in 0..<nc where row[j] < .infinity && row[j] - v[j] <= limit { candidate[i * nc + j] = true }
                    }
                    for i in 0..<nr {
                        let row = c + i * nc
                        let u = rowMinimum[i]
                        for j in 0..<nc where row[j] < .infinity && row[j] - v[j] - u <= columnBest[j * k + k - 1] {
                            candidate[i * nc + j] = true
                        }
                    }
                }
            }
        }

        for _ in 0..<rounds {
            guard var core = solveSparse(c, rows: nr, columns: nc, candidate: candidate) else { return nil }
            var violations = 0
            core.rowPotentials.withUnsafeBufferPointer { u in
                core.columnPotentials.withUnsafeBufferPointer { v in
                    for i in 0..<nr {
                        let ui = u[i]
                        let row = c + i * nc
                        for j in 0..<nc {
                            let cost = row[j]
                            let reduced = cost - ui - v[j]
                            if reduced < -1e-12 * max(1, abs(cost)) || (j == core.columnOfRow[i] && reduced > 1e-12 * max(1, abs(cost))) {
                                candidate[i * nc + j] = true
                                violations += 1
                            }
                        }
                    }
                }
            }
            if violations == 0 {
                core.setThresholds(costs)
                return core
            }
        }
        return nil
    }

    /// Shortest augmenting paths over the candidate pairs, with a binary heap; `nil` as soon as a
    /// row cannot be placed (the dense solver decides what to leave out) or the work budget is spent.
    private static func solveSparse(_ c: UnsafePointer<Double>, rows nr: Int, columns nc: Int, candidate: [Bool]) -> AssignmentCore? {
        // Candidate pairs as compressed rows.
        var start = [Int](repeating: 0, count: nr + 1)
        var column: [Int32] = []
        var cost: [Double] = []
        for i in 0..<nr {
            for j in 0..<nc where candidate[i * nc + j] && c[i * nc + j] < .infinity {
                column.append(Int32(j))
                cost.append(c[i * nc + j])
            }
            start[i + 1] = column.count
        }
        var u = [Double](repeating: 0, count: nr)
        var v = [Double](repeating: 0, count: nc)
        var col4row = [Int](repeating: -1, count: nr)
        var row4col = [Int](repeating: -1, count: nc)
        let spc = UnsafeMutableBufferPointer<Double>.allocate(capacity: nc)
        let done = UnsafeMutableBufferPointer<Bool>.allocate(capacity: nc)
        let path = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        let touched = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        let scannedRows = UnsafeMutableBufferPointer<Int>.allocate(capacity: nr)
        let scannedColumns = UnsafeMutableBufferPointer<Int>.allocate(capacity: nc)
        let heapKey = UnsafeMutableBufferPointer<Double>.allocate(capacity: column.count + 1)
        let heapColumn = UnsafeMutableBufferPointer<Int>.allocate(capacity: column.count + 1)
        defer {
            spc.deallocate(); done.deallocate(); path.deallocate(); touched.deallocate()
            scannedRows.deallocate(); scannedColumns.deallocate(); heapKey.deallocate(); heapColumn.deallocate()
        }
        spc.initialize(repeating: .infinity)
        done.initialize(repeating: false)
        path.initialize(repeating: -1)
        // Past this many pairs relaxed the candidates are not paying off (many rows competing
        // for the same columns); a few dozen times the pair count, against roughly ten on
        // uniform matrices.
        let budget = 40 * column.count
        var work = 0

        let placed: Bool = start.withUnsafeBufferPointer { start in
            column.withUnsafeBufferPointer { column in
                cost.withUnsafeBufferPointer { cost in
                    u.withUnsafeMutableBufferPointer { u in
                        v.withUnsafeMutableBufferPointer { v in
                            col4row.withUnsafeMutableBufferPointer { col4row in
                                row4col.withUnsafeMutableBufferPointer { row4col in
                                    var heapCount = 0
                                    func push(_ key: Double, _ j: Int) {
                                        var index = heapCount
                                        heapCount += 1
                                        while index > 0 {
                                            let parent = (index - 1) / 2
                                            if heapKey[parent] <= key { break }
                                            heapKey[index] = heapKey[parent]
                                            heapColumn[index] = heapColumn[parent]
                                            index = parent
                                        }
                                        heapKey[index] = key
                                        heapColumn[index] = j
                                    }
                                    func pop() -> (Double, Int) {
                                        let top = (heapKey[0], heapColumn[0])
                                        heapCount -= 1
                                        let key = heapKey[heapCount], j = heapColumn[heapCount]
                                        var index = 0
                                        while true {
                                            var child = 2 * index + 1
                                            if child >= heapCount { break }
                                            if child + 1 < heapCount && heapKey[child + 1] < heapKey[child] { child += 1 }
                                            if heapKey[child] >= key { break }
                                            heapKey[index] = heapKey[child]
                                            heapColumn[index] = heapColumn[child]
                                            index = child
                                        }
                                        heapKey[index] = key
                                        heapColumn[index] = j
                                        return top
                                    }
                                    var current = 0
                                    while current < nr {
                                        var best = Double.infinity
                                        for e in start[current]..<start[current + 1] {
                                            best = min(best, cost[e] - v[Int(column[e])])
                                        }
                                        guard best < .infinity else { return false }
                                        u[current] = best
                                        heapCount = 0
                                        var touchedCount = 0, scannedRowCount = 0, scannedColumnCount = 0
                                        var i = current
                                        var distance = 0.0
                                        var sink = -1
                                        while true {
                                            scannedRows[scannedRowCount] = i
                                            scannedRowCount += 1
                                            let base = distance - u[i]
                                            func relax(_ j: Int, _ pairCost: Double) {
                                                if done[j] { return }
                                                let candidate = base + pairCost - v[j]
                                                if candidate < spc[j] {
                                                    if spc[j] == .infinity {
                                                        touched[touchedCount] = j
                                                        touchedCount += 1
                                                    }
                                                    spc[j] = candidate
                                                    path[j] = i
                                                    push(candidate, j)
                                                }
                                            }
                                            for e in start[i]..<start[i + 1] { relax(Int(column[e]), cost[e]) }
                                            work += start[i + 1] - start[i]
                                            if work > budget { return false }
                                            var next = -1
                                            while heapCount > 0 {
                                                let (key, j) = pop()
                                                if !done[j] && key == spc[j] {
                                                    next = j
                                                    distance = key
                                                    break
                                                }
                                            }
                                            if next < 0 { break }
                                            done[next] = true
                                            scannedColumns[scannedColumnCount] = next
                                            scannedColumnCount += 1
                                            if row4col[next] < 0 {
                                                sink = next
                                                break
                                            }
                                            i = row4col[next]
                                        }
                                        if sink < 0 { return false }

                                        u[current] += distance
                                        for k in 1..<max(1, scannedRowCount) {
                                            let r = scannedRows[k]
                                            u[r] += distance - spc[col4row[r]]
                                        }
                                        for k in 0..<scannedColumnCount {
                                            let j = scannedColumns[k]
                                            v[j] -= distance - spc[j]
                                        }
                                        var end = sink
                                        while true {
                                            let r = path[end]
                                            row4col[end] = r
                                            let previous = col4row[r]
                                            col4row[r] = end
                                            end = previous
                                            if r == current { break }
                                        }
                                        for k in 0..<touchedCount {
                                            spc[touched[k]] = .infinity
                                            done[touched[k]] = false
                                        }
                                        current += 1
                                    }
                                    return true
                                }
                            }
                        }
                    }
                }
            }
        }
        guard placed else { return nil }
        return AssignmentCore(
            rows: nr, columns: nc, columnOfRow: col4row, rowOfColumn: row4col, rowPotentials: u,
            columnPotentials: v, rowThreshold: 0, columnThreshold: 0)
    }
}
