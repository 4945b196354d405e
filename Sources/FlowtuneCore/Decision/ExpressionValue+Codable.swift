import Foundation

// JSON has numbers, strings, booleans, null and arrays; durations and dates are written as
// one-member objects so that they read back as what they were: {"duration": 14400} (seconds),
// {"date": "2026-01-31T10:00:00Z"}.
extension ExpressionValue: Codable {
    private enum Tagged: String, CodingKey {
        case duration
        case date
    }

    public init(from decoder: any Decoder) throws {
        if let tagged = try? decoder.container(keyedBy: Tagged.self) {
            if let seconds = try tagged.decodeIfPresent(Double.self, forKey: .duration) {
                self = .duration(seconds)
                return
            }
            if let text = try tagged.decodeIfPresent(String.self, forKey: .date) {
                guard let date = ISO8601DateFormatter().date(from: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .date, in: tagged, debugDescription: "\(text) is not an ISO 8601 date and time")
                }
                self = .date(date.timeIntervalSince1970)
                return
            }
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "an object value must be {\"duration\": seconds} or {\"date\": \"...\"}"))
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .list(try container.decode([ExpressionValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .duration(let seconds):
            var container = encoder.container(keyedBy: Tagged.self)
            try container.encode(seconds, forKey: .duration)
        case .date(let seconds):
            var container = encoder.container(keyedBy: Tagged.self)
            try container.encode(
                ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)), forKey: .date)
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .list(let values): try container.encode(values)
            case .duration, .date: break
            }
        }
    }
}
