import FlowtuneCore
import Hummingbird
import Logging

/// Turns every error a route throws into a problem document: refused commands, undecodable
/// bodies, bodies over the limit, unknown routes. Only a fault of the server itself becomes a 500.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = FlowtuneRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            return response
        } catch {
            throw Self.problem(for: error, request: request, context: context)
        }
    }

    /// The problem document an error thrown while serving `request` is answered with.
    static func problem(for error: any Error, request: Request, context: Context) -> any Error {
        do {
            throw error
        } catch let problem as Problem {
            return problem
        } catch let error as CommandError {
            return Problem(error)
        } catch let error as DecodingError {
            return Problem(error)
        } catch let error as DefinitionError {
            return Problem(error)
        } catch let error as HTTPError {
            switch error.status {
            case .contentTooLarge:
                return Problem(
                    .contentTooLarge, title: "Body too large",
                    detail: "the request body is larger than the \(context.maxUploadSize) bytes allowed")
            case .notFound:
                // Its own title, so that a client can tell a wrong URL from an unknown id.
                return Problem(
                    .notFound, title: "No such route",
                    detail: error.body ?? "no route \(request.method) \(request.uri.path); see /openapi.json")
            default:
                return Problem(error.status, title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return Problem(.internalServerError, title: "Internal error", detail: "the server failed; the error is logged")
        }
    }
}
