import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The open routes: a liveness check and the API's own description.
struct SystemRoutes {
    var routes: [APIRoute] {
        [
            APIRoute(.get, "/health", .open) { _, _ in try JSONResponse.make(["status": "ok"]) },
            APIRoute(.get, "/openapi.json", .open) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
            },
        ]
    }
}
