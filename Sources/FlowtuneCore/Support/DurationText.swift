import Foundation

/// Reads and writes durations the way operators write them: `90s`, `15m`, `4h`, `2d`, `1h30m`.
public enum DurationText {
    /// Parses `text` into seconds, or returns nil when it is not a duration.
    ///
    /// A bare number is read as seconds.
    public static func seconds(from text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for character in trimmed {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: return nil
            }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// Formats `seconds` compactly, such as `1h30m` or `45s`.
    public static func format(_ seconds: TimeInterval) -> String {
        if seconds < 60 {
            if seconds == seconds.rounded() { return "\(Int(seconds))s" }
            if let tenths = tenths(of: seconds) { return "\(tenths / 10).\(tenths % 10)s" }
            return String(format: "%.1fs", seconds)
        }
        var remaining = Int(seconds.rounded())
        var parts: [String] = []
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where remaining >= size {
            parts.append("\(remaining / size)\(unit)")
            remaining %= size
        }
        return parts.joined()
    }

    /// `seconds` in tenths, rounded as C's `%.1f` rounds: to the nearest tenth of the exact binary
    /// value, a tie to the even tenth. Worked out on the value's bits, since formatting through C
    /// was the dearest part of an abandoned call's record in a simulation. Nil outside 0 ..< 64
    /// and for values that are not finite.
    static func tenths(of seconds: Double) -> UInt64? {
        guard seconds.isFinite, seconds >= 0, seconds < 64 else { return nil }
        // Below the smallest normal value the value is far under a twentieth: 0.0.
        guard seconds.isNormal else { return 0 }
        // seconds = significand × 2^-shift exactly, with a 53-bit significand; below 64 the shift
        // is at least 47, so ten times the significand (under 2^57) fits in 64 bits.
        let significand = seconds.significandBitPattern | (1 << 52)
        let shift = 52 - Int(seconds.exponent)
        // 10 × significand < 2^57 ≤ 2^(shift - 1): under half a tenth.
        guard shift <= 57 else { return 0 }
        let scaled = 10 * significand
        var tenths = scaled >> UInt64(shift)
        let remainder = scaled & ((1 << UInt64(shift)) - 1)
        let half: UInt64 = 1 << UInt64(shift - 1)
        if remainder > half || (remainder == half && tenths % 2 == 1) { tenths += 1 }
        return tenths
    }
}
