import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition, for a key with read access.
struct PrometheusRoutes {
    let host: WorkspaceHost
    let telemetry: ServerTelemetry

    func register(on router: Router<FlowtuneRequestContext>) {
        router.get("metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        _ = try context.require(.read)
        let text = telemetry.exposition(await WorkspaceSnapshot.read(host))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
