import Crypto
import FlowtuneCore
import Foundation

/// An API key as the server keeps it: its name, role and the SHA-256 of the secret, never the secret.
public struct APIKey: Sendable, Hashable {
    /// A name for logs and the audit trail, such as `integration-zendesk`.
    public var name: String
    /// What the key may do.
    public var role: Role
    /// For the worker role: the worker whose offers and tasks the key acts on.
    public var worker: WorkerID?
    /// Hex SHA-256 of the secret.
    public var hash: String

    /// Creates a key from its hash.
    public init(name: String, role: Role, worker: WorkerID? = nil, hash: String) {
        self.name = name
        self.role = role
        self.worker = worker
        self.hash = hash.lowercased()
    }

    /// Creates a key from its secret, keeping only the hash.
    public init(name: String, role: Role, worker: WorkerID? = nil, secret: String) {
        self.init(name: name, role: role, worker: worker, hash: Self.hash(secret))
    }

    /// Hex SHA-256 of `secret`.
    ///
    /// Every request hashes its key, so the hex is written by hand: `String(format:)` per byte
    /// cost more than the rest of a request's handling.
    public static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        let digest = SHA256.hash(data: Array(secret.utf8))
        var hex: [UInt8] = []
        hex.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// A new random secret, for `flowtune demo` and first runs.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "ft_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Who is calling, once their key has been checked.
public struct Identity: Sendable, Hashable {
    /// The key's name; recorded as the actor of what the caller does.
    public var name: String
    /// The key's role.
    public var role: Role
    /// The worker a worker key acts for.
    public var worker: WorkerID?

    /// The actor recorded on events: `key:NAME`, or the worker id for a worker key.
    public var actor: String { worker?.rawValue ?? "key:\(name)" }
}

/// The keys the server accepts, looked up by the hash of the presented secret.
public struct KeyRing: Sendable {
    private let byHash: [String: APIKey]
    private let recognised: RecognisedSecrets

    /// Creates a key ring.
    public init(_ keys: [APIKey]) {
        byHash = Dictionary(keys.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        recognised = RecognisedSecrets(limit: byHash.count)
    }

    /// The identity of `secret`, or nil when no key matches.
    ///
    /// A secret that matched once is recognised again without hashing it; any other is hashed
    /// and looked up.
    public func identify(_ secret: String) -> Identity? {
        if let identity = recognised.identity(of: secret) { return identity }
        guard let key = byHash[APIKey.hash(secret)] else { return nil }
        let identity = Identity(name: key.name, role: key.role, worker: key.worker)
        recognised.remember(secret, as: identity)
        return identity
    }

    /// How many matched secrets are kept for recognising them again; at most one per key.
    package var recognisedCount: Int { recognised.count }

    /// Whether a kept secret's bytes and a presented secret are the same, compared the way the
    /// key ring compares them.
    package static func secretsEqual(_ kept: [UInt8], _ presented: String) -> Bool {
        RecognisedSecrets.equal(kept, presented.utf8)
    }

    /// Whether there are no keys at all.
    public var isEmpty: Bool { byHash.isEmpty }
}
