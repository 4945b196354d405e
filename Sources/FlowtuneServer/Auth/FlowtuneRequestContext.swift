import Hummingbird
import Logging
import NIOCore

/// The request context of every Flowtune route: Hummingbird's core storage plus who is calling.
public struct FlowtuneRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, once authenticated.
    public var identity: Identity?
    /// The largest body a route will read; set from the server's configuration by middleware.
    public var maxBodySize: Int

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        maxBodySize = 1 << 20
    }

    public var maxUploadSize: Int { maxBodySize }

    public var requestDecoder: FlowtuneRequestDecoder { FlowtuneRequestDecoder() }
}
