import FlowtuneCore
import Foundation
import Hummingbird

/// `/v1/metrics`: throughput, waits, service level, exceptions, cycle time, utilization and cost.
struct MetricsRoutes {
    let host: WorkspaceHost

    var routes: [APIRoute] {
        [APIRoute(.get, "/v1/metrics", .read, metrics)]
    }

    @Sendable func metrics(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let metrics = await host.board.current
        let position = await host.board.position
        let state = await host.engine.currentState
        return try JSONResponse.make(MetricsResource(metrics: metrics, position: position, state: state, now: host.clock.now()))
    }
}
