import Foundation

/// Durations, targets and days as planners write them, read the same way on the command line
/// and in the API's parameters.
///
/// ```swift
/// PlanningText.seconds("8h30m")         // 30600
/// PlanningText.target("80% in 20s")     // (0.8, 20)
/// PlanningText.weekday("Wednesday")     // 2
/// ```
public enum PlanningText {
    /// Seconds in `text`: `20s`, `2m`, `15m`, `1h`, `8h30m`, `90` (seconds); nil when unreadable.
    public static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let plain = Double(text) { return plain >= 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var seenUnit = false
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
            } else if character == " " {
                continue
            } else {
                guard let value = Double(number) else { return nil }
                switch character {
                case "h": total += value * 3600
                case "m": total += value * 60
                case "s": total += value
                default: return nil
                }
                number = ""
                seenUnit = true
            }
        }
        guard number.isEmpty, seenUnit else { return nil }
        return total
    }

    /// A target written as `80% in 20s` (or `80/20`): the service level and its answer time.
    public static func target(_ text: String) -> (level: Double, answerTime: Double)? {
        let lower = text.lowercased().replacingOccurrences(of: "within", with: "in")
        let parts: [String]
        if lower.contains(" in ") {
            parts = lower.components(separatedBy: " in ")
        } else {
            parts = lower.split(separator: "/").map(String.init)
        }
        guard parts.count == 2 else { return nil }
        let levelText = parts[0].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
        guard var level = Double(levelText), let answer = seconds(parts[1]) else { return nil }
        if level > 1 { level /= 100 }
        return (level, answer)
    }

    /// The weekdays as templates name them, Monday first.
    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Monday = 0 … Sunday = 6 for a day written `mon`, `Monday`, …; nil otherwise.
    public static func weekday(_ text: String) -> Int? {
        dayNames.firstIndex(of: String(text.lowercased().prefix(3)))
    }

    /// `15-minute` for an interval of 900 seconds.
    public static func intervalName(_ seconds: Double) -> String {
        seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60))-minute" : "\(Int(seconds))-second"
    }

    /// `07:30` as intervals of `interval` seconds from midnight; nil when it is not a time of
    /// day or not on the interval grid (see ``gridProblem(_:interval:clock:)``).
    public static func intervals(_ text: String, interval: Double, clock: Bool) -> Int? {
        guard let seconds = clock ? timeOfDay(text) : seconds(text) else { return nil }
        let count = seconds / interval
        return count == count.rounded() ? Int(count) : nil
    }

    /// Why `text` is not a number of intervals — not a time of day (or duration), or off the
    /// grid — or nil when it is one.
    public static func gridProblem(_ text: String, interval: Double, clock: Bool) -> String? {
        guard let seconds = clock ? timeOfDay(text) : seconds(text) else {
            return "\"\(text)\" is not " + (clock ? "a time of day such as \"07:30\"" : "a duration such as 8h30m")
        }
        let count = seconds / interval
        return count == count.rounded() ? nil : "\(text) is not on the \(intervalName(interval)) interval grid"
    }

    /// Seconds after midnight of `07:30`; nil when not a time of day.
    public static func timeOfDay(_ text: String) -> Double? {
        let parts = text.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let h = parts[0], let m = parts[1], (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return Double(h * 3600 + m * 60)
    }
}
