import FlowtunePlanning
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How a planning result is written back: JSON by default, the report's CSV or its HTML page
/// (with SVG charts) when the `format` query parameter or the `Accept` header asks for one.
/// The reports write themselves; this only picks and labels.
enum PlanningReportFormat: String, Sendable, CaseIterable {
    case json
    case csv
    case html

    /// The format `format=` names, else the first of `Accept` that is one of ours; JSON when
    /// neither says.
    init(_ request: Request) throws {
        if let named = request.uri.queryParameters["format"] {
            guard let format = Self(rawValue: String(named).lowercased()) else {
                throw Problem(
                    .badRequest, title: "Invalid query", detail: "format must be json, csv or html, not \(named)", field: "format")
            }
            self = format
            return
        }
        let accepted = (request.headers[.accept] ?? "").lowercased().split(separator: ",")
            .map { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        self = accepted.lazy.compactMap { type -> Self? in
            switch type {
            case "application/json", "application/problem+json": .json
            case "text/csv": .csv
            case "text/html": .html
            default: nil
            }
        }.first ?? .json
    }

    var contentType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        }
    }

    /// `report` in this format; `csv` and `html` are the report's own writers.
    func response(_ report: some Encodable, csv: () -> String, html: () -> String) throws -> Response {
        let bytes: ByteBuffer
        switch self {
        case .json:
            bytes = ByteBuffer(bytes: try Self.encoder.encode(report))
        case .csv:
            bytes = ByteBuffer(string: csv())
        case .html:
            bytes = ByteBuffer(string: html())
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: bytes))
    }

    /// The CLI's JSON: sorted keys, times as numbers, non-finite numbers (an unreachable target's
    /// wait) as strings rather than an encoding failure.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()
}
