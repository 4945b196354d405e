import FlowtuneServer
import Logging
import Synchronization
import Testing

@Suite("Text logs")
struct TextLogHandlerTests {
    @Test func writeSwiftLogsTextFormWithMetadataRenderedPerLine() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "flowtune") { label in
            TextLogHandler(
                label: label, destination: .lines({ line in lines.withLock { $0.append(line) } }),
                metadataProvider: Logger.MetadataProvider { ["request": "r7"] })
        }
        logger[metadataKey: "caller"] = "ops"
        logger.info("task routed", metadata: ["task": "T1"])
        logger.debug("not written at info")
        logger[metadataKey: "caller"] = nil
        logger.warning("queue stale")
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        // `2026-01-05T09:00:00+0000 info flowtune: ...`: the stamp is local time with its offset.
        let stamp = try #require(written.first?.split(separator: " ").first)
        #expect(stamp.count == 24)
        #expect(stamp.dropFirst(19).allSatisfy { $0.isNumber || $0 == "+" || $0 == "-" })
        #expect(written[0].dropFirst(25) == "info flowtune: caller=ops request=r7 task=T1 [FlowtuneServerTests] task routed\n")
        #expect(written[1].dropFirst(25) == "warning flowtune: request=r7 [FlowtuneServerTests] queue stale\n")
    }

    @Test func isTheTextFormatsHandler() throws {
        let logger = ServerConfiguration().makeLogger()
        #expect(logger.handler is TextLogHandler)
    }
}
