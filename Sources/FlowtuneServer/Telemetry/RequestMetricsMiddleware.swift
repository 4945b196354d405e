import Hummingbird

/// Counts every request and times it under its route's pattern, method and final status.
///
/// Placed first, so that refused keys (401) and problem documents count with the status the
/// client saw: errors thrown further in are read for their status and passed on.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let telemetry: ServerTelemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // Hummingbird resolves the route before the middleware runs; unmatched paths share one
        // series rather than making a new one per path tried.
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            telemetry.recordRequest(route: route, method: method, status: response.status.code, duration: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            telemetry.recordRequest(route: route, method: method, status: status, duration: .now - start)
            throw error
        }
    }
}
