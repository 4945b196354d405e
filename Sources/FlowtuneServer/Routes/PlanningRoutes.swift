import FlowtuneCore
import FlowtunePlanning
import FlowtuneStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/v1/forecasts`, `/v1/staffing`, `/v1/schedules`: the planning commands of the CLI over HTTP.
///
/// The history is the workspace's own log — each task arrives at its workflow's queue when it is
/// created, and is handled from the offer's acceptance to its step's completion — or a CSV of
/// arrivals (`timestamp,queue[,handling_seconds]`), sent as the body (`text/csv`, parameters in
/// the query string) or as the `csv` member of a JSON body beside the parameters. Both are read
/// by the CLI's readers in `FlowtunePlanning`, so a file gives the same plan either way. The
/// answer is the report as JSON, or its CSV or HTML page by `format=` or `Accept`.
///
/// Who may call them: a forecast and a staffing plan read the log and compute; they change
/// nothing and are cheap (a backtest of a few seconds at most, Erlang in microseconds), so every
/// role that may read the workspace's measures may ask (`read`: viewer, operator, admin). A
/// schedule is a MIP solve that holds the process's one CBC lock for up to its time limit —
/// every other schedule waits behind it — so it is `operate` (operator, admin): the people who
/// build rosters, not every dashboard key, decide when the solver is busy.
///
/// The work runs on its own serial queue, never on the server's event loops or the engine actor:
/// one planning computation at a time takes a core, the rest wait their turn, and routing keeps
/// the other core however many plans are asked for.
struct PlanningRoutes {
    let host: WorkspaceHost

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/forecasts", .read, forecast),
            APIRoute(.post, "/v1/staffing", .read, staffing),
            APIRoute(.post, "/v1/schedules", .operate, schedule),
        ]
    }

    @Sendable func forecast(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let format = try PlanningReportFormat(request)
        let (parameters, history) = try await input(request, context: context)
        let report = try await Self.compute(parameters) {
            try history.forecast(days: parameters.horizonDays, backtestDays: parameters.backtestDays, candidates: parameters.methods)
        }
        return try format.response(report, csv: report.csv, html: { report.html(title: history.source) })
    }

    @Sendable func staffing(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let format = try PlanningReportFormat(request)
        let (parameters, history) = try await input(request, context: context)
        let report = try await Self.compute(parameters) { try Self.staff(history, parameters) }
        return try format.response(report, csv: report.csv, html: { report.html(title: history.source) })
    }

    @Sendable func schedule(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let format = try PlanningReportFormat(request)
        let (parameters, history) = try await input(request, context: context)
        guard let specs = parameters.templates, !specs.isEmpty else {
            throw PlanningParameters.invalid(
                "templates", "templates is required: a list of shift templates such as {\"name\": \"early\", \"start\": \"07:00\", \"length\": \"8h30m\"}")
        }
        guard history.queues.count == 1 else {
            throw PlanningParameters.invalid(
                "queue", "a schedule covers one queue; name one with queue (\(history.queues.map(\.name).joined(separator: ", ")))")
        }
        let report = try await Self.compute(parameters) {
            let plans = try Self.staff(history, parameters)
            return try plans.queues[0].schedule(source: plans.source, utcOffset: plans.utcOffset, timeLimit: parameters.timeLimit) {
                interval, days, weekday in
                var seen = Set<String>()
                return try specs.enumerated().map { index, spec in
                    guard seen.insert(spec.name).inserted else {
                        throw PlanningInputError(file: "templates", field: "templates[\(index)].name", message: "template \(spec.name): named twice")
                    }
                    return try spec.template(at: "templates[\(index)]", interval: interval, days: days, firstWeekday: weekday)
                }
            }
        }
        return try format.response(report, csv: report.csv, html: { report.html(title: history.source) })
    }

    // MARK: - Input

    /// The parameters and the history they describe, bucketed per queue.
    private func input(_ request: Request, context: FlowtuneRequestContext) async throws -> (PlanningParameters, PlanningHistory) {
        let type = request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let body = try await Self.body(request, context: context)
        var members: [String: JSONValue] = [:]
        var uploaded: String?
        for (name, value) in request.uri.queryParameters where name != "format" {
            members[String(name)] = .string(String(value))
        }
        if let body {
            // curl's --data-binary sends a form type whatever the file is: look at the text.
            let sniffed = type.isEmpty || type == "application/x-www-form-urlencoded"
            if type == "application/json" || type == "text/json" || (sniffed && body.first == "{") {
                guard case .object(let object) = try Self.json(body) else {
                    throw Problem(.unprocessableContent, title: "Invalid request", detail: "the body must be a JSON object of planning parameters")
                }
                members.merge(object) { _, body in body }
            } else if sniffed || ["text/csv", "text/plain", "application/csv"].contains(type) {
                uploaded = body
            } else {
                throw Problem(
                    .unsupportedMediaType, title: "Unsupported media type",
                    detail: "send parameters as application/json or arrivals as text/csv, not \(type)", field: "Content-Type")
            }
        }
        let parameters = try PlanningParameters(members)
        let csv = uploaded ?? parameters.csv
        var arrivals: [Arrival]
        let offset: Int?
        let source: String
        if let csv {
            source = "upload"
            (arrivals, offset) = try Self.planning(field: "csv") { try parameters.columns.read(csv, file: source) }
        } else {
            source = "workspace \(host.workspace.rawValue)"
            arrivals = try await logArrivals()
            offset = 0
        }
        // Only the recent weeks: the cost of a backtest and a Holt–Winters fit grows with the
        // span, not the rows, so a stray old row or a years-long log would otherwise cost minutes.
        if let last = arrivals.lazy.map(\.utc).max() {
            let cut = last - Double(Self.historyDays) * 86_400
            arrivals.removeAll { $0.utc < cut }
        }
        let history = try Self.planning(field: csv == nil ? "history" : "csv") {
            try PlanningHistory(arrivals: arrivals, source: source, interval: parameters.interval, utcOffset: offset,
                                zone: parameters.zone, queue: parameters.queue)
        }
        return (parameters, history)
    }

    /// The body as text, or nil when there is none.
    private static func body(_ request: Request, context: FlowtuneRequestContext) async throws -> String? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, title: "Body too large",
                detail: "the request body is larger than the \(context.maxUploadSize) bytes allowed")
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(.badRequest, title: "Not UTF-8", detail: "the request body must be UTF-8 text")
        }
        return text
    }

    private static func json(_ text: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw Problem(.badRequest, title: "Malformed JSON", detail: "the request body is not valid JSON")
        }
    }

    /// The arrivals of the workspace's log, read in pages through the store.
    private func logArrivals() async throws -> [Arrival] {
        var log = ArrivalLog()
        var position: Int64 = 0
        while true {
            let batch = try await host.store.read(host.workspace, after: position, limit: 10_000)
            guard let last = batch.last else { break }
            log.add(batch.lazy.map(\.event))
            position = last.sequence
        }
        return log.arrivals
    }

    /// Days of history a plan reads, back from the last arrival: thirteen weeks, enough for a
    /// 20-day backtest after Holt–Winters' two weeks, with the weekly profile seen ten times.
    static let historyDays = 91

    // MARK: - Work

    static func staff(_ history: PlanningHistory, _ parameters: PlanningParameters) throws -> StaffingReport {
        let forecast = try history.forecast(days: parameters.horizonDays, backtestDays: parameters.backtestDays,
                                            candidates: parameters.methods)
        return try PlannedArrivals(forecast).staff(
            target: parameters.target, patience: parameters.patience, shrinkage: parameters.shrinkage,
            handlingTime: parameters.handlingTime, minimumAgents: parameters.minimumAgents, closedBelow: parameters.closedBelow,
            handlingHint: "one with handling_time, such as \"5m\"")
    }

    /// The serial queue planning work runs on.
    static let queue = DispatchQueue(label: "flowtune.planning", qos: .utility)

    /// Runs `work` on the planning queue, turning its errors into problem documents.
    static func compute<Result: Sendable>(
        _ parameters: PlanningParameters, _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        let field = parameters.csv == nil ? "history" : "csv"
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Swift.Result { try planning(field: field, work) })
            }
        }
    }

    /// `work`, with a planning error turned into the problem that names its field; `field` is
    /// where the history came from (`csv` or `history`).
    static func planning<Result>(field source: String, _ work: () throws -> Result) throws -> Result {
        do {
            return try work()
        } catch let error as PlanningInputError {
            throw problem(error, source: source)
        } catch let error as StaffingError {
            throw Problem(.unprocessableContent, title: "Cannot staff", detail: error.description, field: "target")
        } catch let error as ShiftSchedulingError {
            throw Problem(.unprocessableContent, title: "Cannot schedule", detail: error.description, field: "templates")
        } catch let error as ForecastError {
            throw Problem(.unprocessableContent, title: "Cannot forecast", detail: error.description, field: source)
        }
    }

    /// The problem for an input error: a CSV's line and column in `errors`, the column named
    /// there and the CSV itself in `field`; a parameter's name in `field`.
    static func problem(_ error: PlanningInputError, source: String) -> Problem {
        if let line = error.line {
            let column = error.field ?? "header"
            return Problem(
                .unprocessableContent, title: "Invalid CSV", detail: "line \(line): \(error.message)", field: source,
                errors: [Problem.Entry(field: column, message: error.message, line: line, column: error.column)],
                extensions: ["line": .number(Double(line)), "column": error.column.map { .number(Double($0)) } ?? .null])
        }
        let field = error.field == "history" || error.field == nil ? source : error.field!
        let title = error.field == "history" ? "Cannot forecast" : "Invalid planning input"
        return Problem(.unprocessableContent, title: title, detail: error.message, field: field)
    }
}
