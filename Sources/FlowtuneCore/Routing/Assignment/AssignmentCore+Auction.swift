extension AssignmentCore {
    /// Column potentials close to optimal, and a matching that nearly satisfies them, from an
    /// ε-scaling forward auction (Bertsekas) on the `nr × nc` matrix `c` (`nr ≤ nc`, row stride `nc`).
    ///
    /// Only a warm start: the repair that follows prices every row on the full matrix and runs the
    /// exact shortest-augmenting-path search for whatever the auction left unsettled, so neither
    /// the auction's ε nor where it stops affects the optimum, only the time. A row bids for its
    /// cheapest column at `cost + price`, raising that column's price by the margin over its second
    /// cheapest plus ε; ε shrinks phase by phase, each phase starting from the previous prices.
    ///
    /// Writes `v = −price` and the matching of the phase it ended in (complete when it returns
    /// `true`; partial when the work budget ran out first, as it does when rows fight over a few
    /// columns for long, or when no complete assignment exists).
    ///
    /// The first phase may spend `workBudget`; it ends only when every row holds a column, which
    /// proves that a complete assignment exists and so that every later phase ends too. From then
    /// on the auction may spend up to `provenBudget` in all. Stopping early is the expensive choice
    /// on matrices whose rows all rank the columns alike (products, Machol–Wien): the exact search
    /// from half-settled prices explores most rows for every row it places and costs several times
    /// what the remaining phases do.
    static func auction(
        _ c: UnsafePointer<Double>, rows nr: Int, columns nc: Int, workBudget: Int, provenBudget: Int,
        v: UnsafeMutableBufferPointer<Double>, col4row: UnsafeMutableBufferPointer<Int>,
        row4col: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        col4row.update(repeating: -1)
        row4col.update(repeating: -1)
        v.update(repeating: 0)
        guard nr > 1, nr <= nc else { return false }
        var lowest = Double.infinity, highest = -Double.infinity
        var integral = true
        for index in 0..<(nr * nc) where c[index] < .infinity {
            lowest = min(lowest, c[index])
            highest = max(highest, c[index])
            integral = integral && c[index] == c[index].rounded(.towardZero)
        }
        let range = highest - lowest
        guard range > 0, range < .infinity else { return false }
        // ε from a hundredth of the cost range down to a billionth of it, a factor of 8 a phase.
        // Each phase costs at least a round of bids; the last leaves near-ties only within 1e-9 of
        // the range, which the repair settles. With integer costs an ε below 1/n already makes the
        // auction's assignment optimal (Bertsekas), so finer phases would only repeat it.
        let finalEpsilon = integral ? max(range * 1e-9, 1 / Double(nr + 1)) : range * 1e-9
        var epsilon = range / 100
        let listLength = min(nc, 8)
        // A rescan keeps one column more than the list: the first that did not make it, whose
        // value is the floor. Its current value bounds the next rescan (below).
        let kept = min(nc, listLength + 1)

        let price = UnsafeMutableBufferPointer<Double>.allocate(capacity: nc)
        let pending = UnsafeMutableBufferPointer<Int>.allocate(capacity: nr)
        let shortList = UnsafeMutablePointer<Int32>.allocate(capacity: nr * kept)
        let keptCount = UnsafeMutableBufferPointer<Int>.allocate(capacity: nr)
        let listCount = UnsafeMutableBufferPointer<Int>.allocate(capacity: nr)
        let floor = UnsafeMutableBufferPointer<Double>.allocate(capacity: nr)
        let listValue = UnsafeMutablePointer<Double>.allocate(capacity: listLength + 1)
        let listColumn = UnsafeMutablePointer<Int32>.allocate(capacity: listLength + 1)
        defer {
            price.deallocate()
            pending.deallocate()
            shortList.deallocate()
            listCount.deallocate()
            keptCount.deallocate()
            floor.deallocate()
            listValue.deallocate()
            listColumn.deallocate()
        }
        price.initialize(repeating: 0)
        listCount.initialize(repeating: 0)
        keptCount.initialize(repeating: 0)
        // Every list starts empty, below any floor, so a row's first bid fills it.
        floor.initialize(repeating: -.infinity)
        var work = 0

        /// A full scan of row `i`: its `listLength` cheapest columns at today's prices, and the
        /// next value as the floor (infinity when the list holds every eligible column).
        func fillShortList(row i: Int) {
            let row = c + i * nc
            let capacity = listLength + 1
            var count = 0
            var bar = Double.infinity  // what a column must beat to enter: the last kept, once full
            // The columns kept last time are `capacity` columns, so the largest of their values
            // today bounds the capacity-th smallest from above. Starting there, only columns near
            // the row's cheapest are inserted. Without the bound a row whose values fall towards
            // its cheapest column (all rows ranking the columns alike, at nearly balanced prices)
            // inserts almost every column it reads on the way down.
            let list = shortList + i * kept
            if keptCount[i] == capacity {
                var bound = -Double.infinity
                for e in 0..<capacity {
                    let j = Int(list[e])
                    bound = max(bound, row[j] + price[j])
                }
                // Columns equal to the bound may still belong in the list: let them in until it fills.
                if bound < .infinity { bar = bound.nextUp }
            }
            func insert(_ value: Double, _ j: Int) {
                var slot = count < capacity ? count : capacity - 1
                if count < capacity { count += 1 }
                while slot > 0 && listValue[slot - 1] > value {
                    listValue[slot] = listValue[slot - 1]
                    listColumn[slot] = listColumn[slot - 1]
                    slot -= 1
                }
                listValue[slot] = value
                listColumn[slot] = Int32(j)
                if count == capacity { bar = listValue[capacity - 1] }
            }
            // Four columns at a time: almost always none of them gets in, and one comparison of
            // their smallest settles that.
            var j = 0
            while j + 4 <= nc {
                let x0 = row[j] + price[j], x1 = row[j + 1] + price[j + 1]
                let x2 = row[j + 2] + price[j + 2], x3 = row[j + 3] + price[j + 3]
                if min(min(x0, x1), min(x2, x3)) < bar {
                    if x0 < bar { insert(x0, j) }
                    if x1 < bar { insert(x1, j + 1) }
                    if x2 < bar { insert(x2, j + 2) }
                    if x3 < bar { insert(x3, j + 3) }
                }
                j += 4
            }
            while j < nc {
                let value = row[j] + price[j]
                if value < bar { insert(value, j) }
                j += 1
            }
            listCount[i] = min(count, listLength)
            keptCount[i] = count
            for e in 0..<count { list[e] = listColumn[e] }
            floor[i] = count == capacity ? listValue[listLength] : .infinity
            work += nc
        }

        /// The cheapest and second cheapest on row `i`'s list at today's prices.
        func cheapestOnList(row i: Int) -> (best: Double, column: Int, second: Double) {
            let row = c + i * nc
            let list = shortList + i * kept
            var best = Double.infinity, second = Double.infinity
            var bestColumn = -1
            for e in 0..<listCount[i] {
                let j = Int(list[e])
                let value = row[j] + price[j]
                if value < best {
                    second = best
                    best = value
                    bestColumn = j
                } else if value < second {
                    second = value
                }
            }
            work += listLength
            return (best, bestColumn, second)
        }

        var completed = false
        var budget = workBudget
        phases: while true {
            col4row.update(repeating: -1)
            row4col.update(repeating: -1)
            for i in 0..<nr { pending[i] = nr - 1 - i }
            var pendingCount = nr
            while pendingCount > 0 {
                let i = pending[pendingCount - 1]
                // The list holds the row's cheapest columns as of its last full scan, and every
                // other column cost at least the floor then. Prices only rise, so while the list's
                // best is within the floor it is the true best, and the floor bounds the runner-up
                // from below (a smaller raise, which keeps the auction valid).
                var (best, bestColumn, second) = cheapestOnList(row: i)
                if best > floor[i] || bestColumn < 0 {
                    fillShortList(row: i)
                    (best, bestColumn, second) = cheapestOnList(row: i)
                }
                second = min(second, floor[i])
                if bestColumn < 0 || work > budget { break phases }  // a row with no eligible column, or out of time
                pendingCount -= 1
                // With a single eligible column the margin is unbounded; the range keeps the
                // price finite and still outbids any competitor that has a second choice.
                let margin = second < .infinity ? second - best : range
                price[bestColumn] += margin + epsilon
                let previous = row4col[bestColumn]
                if previous >= 0 {
                    col4row[previous] = -1
                    pending[pendingCount] = previous
                    pendingCount += 1
                }
                row4col[bestColumn] = i
                col4row[i] = bestColumn
            }
            budget = max(budget, provenBudget)
            if epsilon <= finalEpsilon {
                completed = true
                break
            }
            epsilon = max(finalEpsilon, epsilon / 8)
        }
        for j in 0..<nc { v[j] = -price[j] }
        return completed
    }
}
