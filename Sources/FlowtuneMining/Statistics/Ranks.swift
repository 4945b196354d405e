/// Mid-ranks of a pooled sample and the sizes of its tie groups, shared by the rank tests.
struct Ranks {
    /// The rank of each value, from 1; tied values share the mean of the ranks they span.
    var ranks: [Double]
    /// Σ (t³ − t) over tie groups of size t: zero when all values differ.
    var tieTerm: Double

    init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieTerm = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end hold ranks start+1 ... end; their mean is the mid-rank.
            let midRank = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = midRank }
            let t = Double(end - start)
            tieTerm += t * t * t - t
            start = end
        }
        self.ranks = ranks
        self.tieTerm = tieTerm
    }
}
