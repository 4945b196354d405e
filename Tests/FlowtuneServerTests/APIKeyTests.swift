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
}
