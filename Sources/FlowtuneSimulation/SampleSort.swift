/// Sorting a run's wait and cycle samples for their percentiles.
///
/// A month of a contact centre measures about 700,000 waits and as many cycle times; the
/// standard library's comparison sort of each took about 2% of the run. A least-significant-digit
/// radix sort on the values' bits orders them in four linear passes with the same result:
/// ascending, equal values in the order they were measured (a stable sort, as the standard
/// library's is), so that the percentiles and the mean summed over the sorted samples are the same
/// to the bit.
enum SampleSort {
    /// Below this many samples the comparison sort is as fast.
    static let radixThreshold = 2048

    /// Sorts `values` ascending, keeping equal values in their order. Falls back to the standard
    /// library's sort when a value is NaN, which `<` does not order, or `-0.0`, which `<` puts
    /// level with `+0.0` where the bits would not.
    static func sort(_ values: inout [Double]) {
        guard values.count >= radixThreshold,
            !values.contains(where: { $0.isNaN || $0.bitPattern == (-0.0 as Double).bitPattern })
        else {
            values.sort()
            return
        }
        var keys = values.map(key)
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            // A digit every key shares moves nothing: skip its pass.
            let first = (keys[0] >> UInt64(shift)) & 0xFFFF
            if !keys.contains(where: { ($0 >> UInt64(shift)) & 0xFFFF != first }) { continue }
            for index in counts.indices { counts[index] = 0 }
            for key in keys { counts[Int((key >> UInt64(shift)) & 0xFFFF)] += 1 }
            var total = 0
            for index in counts.indices {
                let count = counts[index]
                counts[index] = total
                total += count
            }
            for key in keys {
                let digit = Int((key >> UInt64(shift)) & 0xFFFF)
                scratch[counts[digit]] = key
                counts[digit] += 1
            }
            swap(&keys, &scratch)
        }
        for index in values.indices { values[index] = value(of: keys[index]) }
    }

    /// An unsigned key in the order of the values: negative values' bits inverted, the sign bit
    /// set on the rest.
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// The value a key came from.
    static func value(of key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }
}
