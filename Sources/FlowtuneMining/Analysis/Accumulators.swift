/// Numbers an ordered pair of node numbers: a flat table while the square of the node count stays
/// small (activities, most team lists), a hash map past that (thousands of resources), so a
/// lookup costs an index or a hash and no pair ever becomes a `String`.
struct PairIndex {
    private let width: Int
    private var table: [Int32]
    private var map: [Int: Int32] = [:]

    init(width: Int) {
        self.width = Swift.max(width, 1)
        table = width * width <= 1 << 20 ? [Int32](repeating: -1, count: Swift.max(width * width, 1)) : []
    }

    /// The number of (a, b), or -1. Reading does not mutate, so the hot path pays no
    /// copy-on-write check.
    @inline(__always)
    subscript(a: Int32, b: Int32) -> Int32 {
        let key = Int(a) * width + Int(b)
        if !table.isEmpty { return table[key] }
        return map[key] ?? -1
    }

    /// Gives (a, b) the number `number`.
    mutating func insert(_ a: Int32, _ b: Int32, number: Int32) {
        let key = Int(a) * width + Int(b)
        if !table.isEmpty { table[key] = number } else { map[key] = number }
    }
}

/// Counts (row, column) pairs — instances of an activity per resource or per team — densely or
/// hashed, as ``PairIndex`` chooses.
struct PairCounter {
    private let rows: Int
    private let columns: Int
    private var table: [Int32]
    private var map: [Int: Int32] = [:]

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = Swift.max(columns, 1)
        // One column at least, so that the dense table is never empty (empty means hashed).
        table = rows * self.columns <= 1 << 22 ? [Int32](repeating: 0, count: Swift.max(rows * self.columns, 1)) : []
    }

    @inline(__always)
    mutating func add(_ row: Int32, _ column: Int32) {
        let key = Int(row) * columns + Int(column)
        if !table.isEmpty { table[key] &+= 1 } else { map[key, default: 0] &+= 1 }
    }

    /// Per row: how many columns it met, and the one met most (the lowest number on a tie), or -1.
    func perRow() -> [(distinct: Int, top: Int32, topCount: Int)] {
        var result = [(distinct: Int, top: Int32, topCount: Int)](repeating: (0, -1, 0), count: rows)
        if !table.isEmpty {
            for row in 0..<rows {
                var entry = (distinct: 0, top: Int32(-1), topCount: 0)
                for column in 0..<columns {
                    let count = Int(table[row * columns + column])
                    guard count > 0 else { continue }
                    entry.distinct += 1
                    if count > entry.topCount { entry = (entry.distinct, Int32(column), count) }
                }
                result[row] = entry
            }
        } else {
            for (key, count) in map {
                let row = key / columns, column = Int32(key % columns)
                var entry = result[row]
                entry.distinct += 1
                if Int(count) > entry.topCount || (Int(count) == entry.topCount && column < entry.top) {
                    entry.top = column
                    entry.topCount = Int(count)
                }
                result[row] = entry
            }
        }
        return result
    }
}

/// What one hand-off occurrence showed, gathered once and counted on the activity, team and
/// resource edge it belongs to.
struct TraversalFacts {
    var windowed = false
    var stale = false
    var onBreachedPromise = false
    var exceptionAfter = false
    var exceptionAtTarget = false
    var rework = false
    var ownerChange = false
    var resourcePingPong = false
    var teamPingPong = false
    var rescued = false
    var reassignments: Int32 = 0
    var receivingUnclarity = 0.0
}

extension HandoffMeasures {
    @inline(__always)
    mutating func add(_ facts: TraversalFacts) {
        if facts.windowed { windowed += 1 }
        if facts.stale { stale += 1 }
        if facts.onBreachedPromise { onBreachedPromise += 1 }
        if facts.stale || facts.onBreachedPromise { late += 1 }
        if facts.exceptionAfter { exceptionAfter += 1 }
        if facts.exceptionAtTarget { exceptionAtTarget += 1 }
        var labor = Int(facts.reassignments)
        reassignments += labor
        if facts.rework { rework += 1; labor += 1 }
        if facts.ownerChange { ownerChanges += 1; labor += 1 }
        if facts.resourcePingPong { resourcePingPong += 1; labor += 1 }
        if facts.teamPingPong { teamPingPong += 1; labor += 1 }
        if facts.rescued { rescued += 1; labor += 1 }
        hiddenLabor += labor
        if labor > 0 { withHiddenLabor += 1 }
        receivingUnclarity += facts.receivingUnclarity
    }
}

/// Every hand-off of the log, in case order: what it showed, how long B waited, and its case.
/// The three graphs share it, each keeping only which of its edges a hand-off is.
struct Traversals {
    var facts: [TraversalFacts] = []
    var waits: [Double] = []
    var cases: [Int32] = []

    init(expected: Int) {
        facts.reserveCapacity(expected)
        waits.reserveCapacity(expected)
        cases.reserveCapacity(expected)
    }

    @inline(__always)
    mutating func append(_ facts: TraversalFacts, wait: Double, case caseIndex: Int32) {
        self.facts.append(facts)
        waits.append(wait)
        cases.append(caseIndex)
    }
}

/// One directly-follows graph while the cases stream past: which edge each hand-off is; counts,
/// measures and hand-off times are totted up per edge once every case has been seen.
struct GraphAccumulator {
    let nodeCount: Int
    private var index: PairIndex
    private var sources: [Int32] = []
    private var targets: [Int32] = []
    /// Per hand-off of ``Traversals``: the edge, or -1 when a side names no node.
    private var edgeOfTraversal: [Int32] = []
    var starts: [Int]
    var ends: [Int]
    private(set) var unattributed = 0

    init(nodeCount: Int, expectedTraversals: Int) {
        self.nodeCount = nodeCount
        index = PairIndex(width: nodeCount)
        starts = [Int](repeating: 0, count: nodeCount)
        ends = [Int](repeating: 0, count: nodeCount)
        edgeOfTraversal.reserveCapacity(expectedTraversals)
    }

    /// Records the next hand-off as a → b.
    @inline(__always)
    mutating func add(_ a: Int32, _ b: Int32) {
        var edge = index[a, b]
        if edge < 0 {
            edge = Int32(sources.count)
            index.insert(a, b, number: edge)
            sources.append(a)
            targets.append(b)
        }
        edgeOfTraversal.append(edge)
    }

    /// Records the next hand-off as one this graph cannot place.
    @inline(__always)
    mutating func skip() {
        edgeOfTraversal.append(-1)
        unattributed += 1
    }

    /// The graph: per edge the counts and measures, and its waits grouped by a counting sort on
    /// the edge number, then summarised with their quantiles found by selection.
    func graph(level: DirectlyFollowsGraph.Level, names: [String], traversals: Traversals) -> DirectlyFollowsGraph {
        let edgeCount = sources.count
        var counts = [Int](repeating: 0, count: edgeCount)
        var cases = [Int](repeating: 0, count: edgeCount)
        var lastCase = [Int32](repeating: -1, count: edgeCount)
        var measures = [HandoffMeasures](repeating: HandoffMeasures(), count: edgeCount)
        for (t, edge) in edgeOfTraversal.enumerated() where edge >= 0 {
            let e = Int(edge)
            counts[e] += 1
            let caseIndex = traversals.cases[t]
            if lastCase[e] != caseIndex {
                lastCase[e] = caseIndex
                cases[e] += 1
            }
            measures[e].add(traversals.facts[t])
        }
        var offsets = [Int](repeating: 0, count: edgeCount + 1)
        for e in 0..<edgeCount { offsets[e + 1] = offsets[e] + counts[e] }
        var fill = offsets
        var grouped = [Double](repeating: 0, count: offsets[edgeCount])
        for (t, edge) in edgeOfTraversal.enumerated() where edge >= 0 {
            grouped[fill[Int(edge)]] = traversals.waits[t]
            fill[Int(edge)] += 1
        }
        var summaries: [DurationSummary] = []
        summaries.reserveCapacity(edgeCount)
        grouped.withUnsafeMutableBufferPointer { buffer in
            for e in 0..<edgeCount {
                summaries.append(DurationSummary(selecting: UnsafeMutableBufferPointer(rebasing: buffer[offsets[e]..<offsets[e + 1]])))
            }
        }
        let order = (0..<edgeCount).sorted { x, y in
            if counts[x] != counts[y] { return counts[x] > counts[y] }
            if sources[x] != sources[y] { return sources[x] < sources[y] }
            return targets[x] < targets[y]
        }
        let edges = order.map { e in
            var measure = measures[e]
            measure.receivingUnclarity /= Double(counts[e])
            return DirectlyFollowsGraph.Edge(
                source: Int(sources[e]), target: Int(targets[e]), from: names[Int(sources[e])],
                to: names[Int(targets[e])], count: counts[e], cases: cases[e], handoffTime: summaries[e],
                measures: measure)
        }
        return DirectlyFollowsGraph(
            level: level, nodes: names, edges: edges, starts: Self.endpoints(starts, names),
            ends: Self.endpoints(ends, names), unattributed: unattributed)
    }

    private static func endpoints(_ counts: [Int], _ names: [String]) -> [DirectlyFollowsGraph.Endpoint] {
        counts.indices.filter { counts[$0] > 0 }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .map { DirectlyFollowsGraph.Endpoint(node: $0, name: names[$0], count: counts[$0]) }
    }
}

/// Finds bounces — r1 → r2 → r1, r2 doing one or more instances in a row — in one case's
/// sequence of resources or teams, marking both legs of each.
struct PingPongTally {
    private let width: Int
    private(set) var occurrences = 0
    private(set) var cases = 0
    private var pairs: [Int: Int] = [:]

    init(width: Int) { self.width = Swift.max(width, 1) }

    /// Scans `keys[0..<count]` (-1: nobody named, which never matches); sets `legs[k]` for each
    /// hand-off k → k+1 that is a leg of a bounce.
    mutating func scan(_ keys: UnsafeBufferPointer<Int32>, count: Int, legs: UnsafeMutableBufferPointer<Bool>) {
        guard count > 2 else { return }
        // The run before the previous one, the previous one, and the current one.
        var older: (key: Int32, last: Int) = (-1, 0)
        var previous: (key: Int32, first: Int, last: Int) = (-1, 0, 0)
        var current: (key: Int32, first: Int) = (keys[0], 0)
        var found = false
        for k in 1..<count {
            let key = keys[k]
            if key >= 0, key == current.key { continue }
            older = (previous.key, previous.last)
            previous = (current.key, current.first, k - 1)
            current = (key, k)
            if key >= 0, previous.key >= 0, older.key == key, previous.first > 0 {
                legs[previous.first - 1] = true
                legs[previous.last] = true
                occurrences += 1
                pairs[Int(key) * width + Int(previous.key), default: 0] += 1
                found = true
            }
        }
        if found { cases += 1 }
    }

    func summary(names: [String]) -> PingPongSummary {
        let list = pairs.map { key, count in
            PingPongSummary.Pair(from: names[key / width], to: names[key % width], count: count)
        }.sorted { x, y in
            if x.count != y.count { return x.count > y.count }
            if x.from != y.from { return x.from < y.from }
            return x.to < y.to
        }
        return PingPongSummary(occurrences: occurrences, cases: cases, pairs: list)
    }
}
