import Crypto
import Foundation

/// The signature of a webhook delivery: `v1=` and the hex HMAC-SHA256, keyed with the
/// subscription's secret, of `"<timestamp>.<body>"`.
///
/// Signing the timestamp with the body lets a receiver refuse replays: it checks the signature,
/// then that `Flowtune-Timestamp` is recent.
public enum WebhookSignature {
    /// The `Flowtune-Signature` value for `body` sent at `timestamp` (Unix seconds).
    public static func sign(secret: String, timestamp: Int, body: some DataProtocol) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "v1=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the one `sign` would give, compared in constant time.
    public static func verify(_ signature: String, secret: String, timestamp: Int, body: some DataProtocol) -> Bool {
        let expected = Array(sign(secret: secret, timestamp: timestamp, body: body).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0
    }
}
