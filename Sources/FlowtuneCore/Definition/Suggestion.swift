/// "Did you mean" hints for misspelled names, one rule for every file Flowtune reads.
///
/// ```swift
/// Suggestion.closest(to: "timestmap", among: ["case", "timestamp"])  // "timestamp"
/// Suggestion.hint(for: "serviceLevel", among: ["service_level"])      // " (did you mean service_level?)"
/// ```
public enum Suggestion {
    /// The candidate closest to `name`, if one is close enough to be a likely typo.
    ///
    /// Case, `_` and `-` are ignored first, so `serviceLevel` finds `service_level` and
    /// `skill_score` finds `skill-score`.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let target = normalized(name)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(target, normalized(candidate))
            // Short names need a tighter bound, or every two-letter typo "means" every other word.
            let limit = min(2, max(1, min(target.count, candidate.count) / 3))
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// ` (did you mean X?)` when a candidate is close to `name`, otherwise empty.
    public static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    private static func normalized(_ name: String) -> [Character] {
        Array(name.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
