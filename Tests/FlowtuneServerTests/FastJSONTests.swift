import FlowtuneCore
@testable import FlowtuneServer
import Foundation
import NIOCore
import Testing

@Suite("Fast JSON reader")
struct FastJSONTests {
    static func decoded(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("what it reads, it reads as the decoder does", arguments: [
        #"{"worker":"w1"}"#,
        #"{"evidence":{"category":"loadgen","resolution":"handled \"by\" loadgen \/ \n\t\u00e9","n":-12.5e3},"worker":"w1"}"#,
        #" [1, 0, -0, 0.1, 1e20, true, false, null, "", {}, [], "é 😀"] "#,
        #"{"a":{"b":[{"c":null}]}}"#,
        #""\u0041\u00e9\u4e2d""#,
    ])
    func same(_ text: String) throws {
        let fast = try #require(FastJSON.parse(ByteBuffer(string: text)))
        #expect(fast == Self.decoded(text))
    }

    @Test("it leaves to the decoder what it is not sure of", arguments: [
        #"{"worker":"w1""#, #"{"a":1,"a":2}"#, #""\ud83d\ude00""#, #"[1,]"#, #"01"#, #"1.e5"#, #"{"a" 1}"#,
        "\"tab\tinside\"", #"12345678901234567890"#, #"nul"#, #"{} {}"#, "",
    ])
    func leaves(_ text: String) {
        let parsed: JSONValue? = FastJSON.parse(ByteBuffer(string: text))
        #expect(parsed == JSONValue?.none, "\(String(describing: parsed))")
    }

    @Test("bodies of the busy routes read the same as by the decoder, and odd ones are left to it")
    func bodies() throws {
        let complete = try #require(FastJSON.parse(ByteBuffer(string: #"{"worker":"ana","outcome":null,"evidence":{"resolution":"ok"}}"#)))
        let body = try #require(TaskRoutes.CompleteBody(fast: complete))
        #expect(body.worker == "ana" && body.outcome == nil && body.evidence == ["resolution": "ok"])
        let create = try #require(FastJSON.parse(ByteBuffer(string: #"{"workflow":"support","channel":"chat","attributes":{"vip":true}}"#)))
        let new = try #require(TaskRoutes.CreateBody(fast: create))
        #expect(new.workflow == "support" && new.channel == "chat" && new.id == nil && new.attributes == ["vip": true])
        // Wrong types and priorities go to the decoder, which names the field.
        #expect(TaskRoutes.CreateBody(fast: try #require(FastJSON.parse(ByteBuffer(string: #"{"workflow":5}"#)))) == nil)
        #expect(TaskRoutes.CreateBody(fast: try #require(FastJSON.parse(ByteBuffer(string: #"{"workflow":"s","priority":3}"#)))) == nil)
        #expect(TaskRoutes.WorkBody(fast: try #require(FastJSON.parse(ByteBuffer(string: #"{"worker":5}"#)))) == nil)
        #expect(TaskRoutes.CompleteBody(fast: try #require(FastJSON.parse(ByteBuffer(string: #"{"evidence":[]}"#)))) == nil)
    }
}
