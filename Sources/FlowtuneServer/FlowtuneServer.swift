import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// The Flowtune HTTP server: the engine of one workspace behind the `/v1` API.
///
/// ```swift
/// let server = try await FlowtuneServer.open(configuration)
/// try await server.application().runService()   // until SIGTERM
/// try server.close()
/// ```
public struct FlowtuneServer: Sendable {
    /// How the server runs.
    public let configuration: ServerConfiguration
    /// The workspace it serves.
    public let host: WorkspaceHost
    private let store: SQLiteEventStore
    /// Prometheus measures: requests, routing latency, and workspace gauges read at each scrape.
    public let telemetry = ServerTelemetry()
    /// Webhook subscriptions and their delivery log, in the same SQLite file.
    public let webhooks: WebhookRepository
    /// How webhook deliveries are attempted; set before `application()` to change it.
    public var webhookPolicy = WebhookPolicy()
    /// Requests served by ``TaskRouteShortcut`` rather than the router.
    let shortcutServed = TaskRouteShortcut.ServedCount()

    /// Opens the store and recovers the workspace from its log.
    public static func open(_ configuration: ServerConfiguration, clock: any WallClock = SystemClock()) async throws -> FlowtuneServer {
        let store = try SQLiteEventStore(path: configuration.databasePath)
        let host = try await WorkspaceHost.open(configuration.workspace, store: store, clock: clock)
        if configuration.commitSpacing > .zero { await host.engine.spaceCommits(by: configuration.commitSpacing) }
        if configuration.reallocation.enabled { await host.engine.configureReallocation(configuration.reallocation) }
        let webhooks = try WebhookRepository(path: configuration.databasePath)
        return FlowtuneServer(configuration: configuration, host: host, store: store, webhooks: webhooks)
    }

    /// The routes, with authentication, body limits and problem documents.
    public func router() -> Router<FlowtuneRequestContext> {
        let router = Router(context: FlowtuneRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(telemetry: telemetry))
        let catalog = RouteCatalog(host: host)
        router.add(middleware: RequestGate(
            limit: configuration.bodyLimit,
            authentication: AuthenticationMiddleware(keys: KeyRing(configuration.keys), openPaths: catalog.openPaths)))
        catalog.register(on: router)
        PrometheusRoutes(host: host, telemetry: telemetry).register(on: router)
        WebhookRoutes(host: host, repository: webhooks).register(on: router)
        return router
    }

    /// The application: the HTTP server plus the services that keep the workspace live — its
    /// timers and its measures — all stopped together on SIGTERM or SIGINT.
    ///
    /// `onServerRunning` receives the port listened on, which is how a caller that asked for
    /// port 0 learns which one it got.
    public func application(
        logger: Logger? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = logger ?? configuration.makeLogger()
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let serverName = "flowtune"
        var server = HTTPServerBuilder.http1()
        if configuration.taskShortcut {
            let routes = TaskRoutes(host: host)
            let setup = TaskRouteShortcut.Setup(
                routes: routes, access: TaskRouteShortcut.access(of: routes.routes), keys: KeyRing(configuration.keys),
                bodyLimit: configuration.bodyLimit, telemetry: telemetry, serverName: serverName, logger: logger,
                served: shortcutServed)
            server = .http1(configuration: .init(additionalChannelHandlers: [TaskRouteShortcut(setup: setup)]))
        }
        var application = Application(
            router: router(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: configuration.threads.map { .shared(Self.eventLoops($0)) } ?? .singleton,
            logger: logger)
        application.addServices(MetricsFeed(host: host), TimerService(host: host))
        application.addServices(RoutingLatencyFeed(host: host, telemetry: telemetry))
        application.addServices(
            WebhookDispatcher(host: host, repository: webhooks, policy: webhookPolicy, client: .shared, logger: logger))
        return application
    }

    /// A group of `threads` event loops, one per count for the life of the process, as
    /// `.singleton` is: servers of one process share it and it is never shut down.
    private static func eventLoops(_ threads: Int) -> MultiThreadedEventLoopGroup {
        eventLoopGroups.withLockedValue { groups in
            if let group = groups[threads] { return group }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            groups[threads] = group
            return group
        }
    }

    private static let eventLoopGroups = NIOLockedValueBox<[Int: MultiThreadedEventLoopGroup]>([:])

    /// Closes the store once the application has stopped.
    public func close() throws {
        try webhooks.close()
        try store.close()
    }
}

/// Applies the configured body limit to every request's context, authenticates the caller and
/// turns every error into a problem document (``ProblemMiddleware``), in that order.
///
/// One middleware rather than three: each layer is an asynchronous call with its own copy of
/// the request context, on every request.
struct RequestGate: RouterMiddleware {
    typealias Context = FlowtuneRequestContext
    let limit: Int
    let authentication: AuthenticationMiddleware

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBodySize = limit
        do {
            return try await authentication.handle(request, context: context, next: next)
        } catch {
            throw ProblemMiddleware.problem(for: error, request: request, context: context)
        }
    }
}
