import FlowtuneServer
import Testing

@Suite("API keys")
struct APIKeyTests {
    @Test("keys are kept as the hex SHA-256 of the secret (FIPS 180-2 test vectors)")
    func hash() {
        #expect(APIKey.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIKey.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let key = APIKey(name: "ops", role: .operator, secret: "abc")
        #expect(key.hash == APIKey.hash("abc"))
        #expect(KeyRing([key]).identify("abc")?.name == "ops")
        #expect(KeyRing([key]).identify("abd") == nil)
    }

    @Test("a key presented again is recognised, and nothing else is taken for it")
    func recognisedAgain() {
        let ring = KeyRing([
            APIKey(name: "ops", role: .operator, secret: "s3cret-ops"),
            APIKey(name: "w1", role: .worker, worker: "w1", secret: "s3cret-w1"),
        ])
        for _ in 0..<3 {
            let ops = ring.identify("s3cret-ops")
            #expect(ops?.name == "ops" && ops?.role == .operator && ops?.worker == nil)
            let worker = ring.identify("s3cret-w1")
            #expect(worker?.name == "w1" && worker?.role == .worker && worker?.worker == "w1")
        }
        // Same length, a prefix, an extension, one byte off at either end: none is a kept secret.
        for guess in ["s3cret-opt", "t3cret-ops", "s3cret-op", "s3cret-ops ", "", "s3cret-w2", "S3CRET-OPS"] {
            #expect(ring.identify(guess) == nil, "\(guess)")
        }
        #expect(ring.recognisedCount == 2)
        // Wrong keys are not kept: many of them leave the cache as it was.
        for index in 0..<500 { #expect(ring.identify("guess-\(index)") == nil) }
        #expect(ring.recognisedCount == 2)
        #expect(ring.identify("s3cret-ops")?.name == "ops")
    }

    @Test("kept secrets are compared byte for byte")
    func byteComparison() {
        let secrets = ["", "a", "ab", "abc", "abd", "ba", "日本", "ft_xyz"]
        for kept in secrets {
            for presented in secrets {
                #expect(KeyRing.secretsEqual(Array(kept.utf8), presented) == (kept == presented), "\(kept) vs \(presented)")
            }
        }
    }
}
