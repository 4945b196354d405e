import Synchronization

/// Secrets already matched to a key, so that a key presented again is recognised without
/// hashing it: SHA-256 of the key on every request was a measurable part of serving one.
///
/// Only secrets that matched a configured key are kept, one per key, so the memory is bounded
/// by the key ring and a caller trying many wrong keys cannot grow it or push the right ones
/// out. A wrong key pays the full hash, as before. The candidate is found by the process's
/// randomly seeded string hash and confirmed by comparing every byte, whatever the first
/// difference, so the time taken does not tell how much of a kept secret a guess got right.
final class RecognisedSecrets: Sendable {
    private struct Entry {
        var secret: [UInt8]
        var identity: Identity
    }

    private let limit: Int
    private let entries = Mutex<[Int: [Entry]]>([:])

    /// A cache for at most `limit` secrets: the number of keys that can match.
    init(limit: Int) {
        self.limit = limit
    }

    /// The identity `secret` was matched to before, or nil when it has not been.
    func identity(of secret: String) -> Identity? {
        let bucket = secret.hashValue
        return entries.withLock { entries -> Identity? in
            guard let candidates = entries[bucket] else { return nil }
            for entry in candidates where Self.equal(entry.secret, secret.utf8) { return entry.identity }
            return nil
        }
    }

    /// Keeps `secret` as matching `identity`, unless the cache already holds as many as can match.
    func remember(_ secret: String, as identity: Identity) {
        let bucket = secret.hashValue
        entries.withLock { entries in
            guard entries.values.reduce(0, { $0 + $1.count }) < limit else { return }
            if entries[bucket]?.contains(where: { Self.equal($0.secret, secret.utf8) }) == true { return }
            entries[bucket, default: []].append(Entry(secret: Array(secret.utf8), identity: identity))
        }
    }

    /// How many secrets are kept.
    var count: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Whether `kept` and `presented` are the same bytes, looking at every byte of `kept`
    /// whatever the first difference.
    static func equal(_ kept: [UInt8], _ presented: String.UTF8View) -> Bool {
        var difference = UInt8(truncatingIfNeeded: kept.count ^ presented.count)
        var index = presented.startIndex
        for byte in kept {
            var other: UInt8 = 0
            if index != presented.endIndex {
                other = presented[index]
                index = presented.index(after: index)
            }
            difference |= byte ^ other
        }
        return difference == 0 && kept.count == presented.count
    }
}
