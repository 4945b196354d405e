import FlowtuneCore
import FlowtuneEngine
import Foundation
import Yams

/// How a Flowtune server runs: where it listens, where it keeps its log, which keys it accepts.
///
/// Read from a YAML file, then overridden by environment variables, then by command-line flags:
///
/// ```yaml
/// server: { host: 127.0.0.1, port: 8080, body_limit: 1048576, threads: 1 }
/// store: { path: flowtune.db, commit_spacing_us: 0 }
/// workspace: default
/// log: { format: json, level: info }
/// reallocation: { enabled: true, automatic_cost_limit: 5, interval: 15m, horizon_intervals: 4 }
/// api_keys:
///   - { name: ops, role: operator, key_sha256: 5e88489... }
///   - { name: ana, role: worker, worker: ana, key: "a secret" }
/// ```
/// Environment: `FLOWTUNE_HOST`, `FLOWTUNE_PORT`, `FLOWTUNE_THREADS`, `FLOWTUNE_TASK_SHORTCUT`, `FLOWTUNE_DB`,
/// `FLOWTUNE_COMMIT_SPACING_US`, `FLOWTUNE_WORKSPACE`,
/// `FLOWTUNE_LOG_FORMAT`, and `FLOWTUNE_API_KEYS` as `name:role[:worker]=secret` separated by commas.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    public var port = 8080
    /// The SQLite database file.
    public var databasePath = "flowtune.db"
    /// The workspace this server owns.
    public var workspace = WorkspaceID("default")
    /// The largest request body accepted, in bytes.
    public var bodyLimit = 1 << 20
    /// The threads that read and write connections (SwiftNIO event loops); one per core when
    /// nil. Routes and the engine run on Swift's own threads either way, so on a small machine
    /// fewer event loops leave more of the cores to them and to the store's writer.
    public var threads: Int?
    /// Whether the three requests of a task's lifecycle (create, accept, complete) are served
    /// from the connection's event loop rather than through the router: the same answers for
    /// less CPU. On unless `FLOWTUNE_TASK_SHORTCUT=0`, which is there to compare the two.
    public var taskShortcut = true
    /// The least time between the starts of two commits of the store (``WorkspaceEngine/spaceCommits(by:)``):
    /// under load each commit then carries more commands, for fewer transactions and syncs, and
    /// each command may wait up to this long more. Zero commits as soon as the previous commit
    /// is done.
    public var commitSpacing = Duration.zero
    /// The accepted API keys.
    public var keys: [APIKey] = []
    /// `text` or `json` logs.
    public var logFormat = LogFormat.text
    /// The lowest log level written.
    public var logLevel = "info"
    /// The engine's real-time reallocation pass; off unless the file turns it on.
    public var reallocation = ReallocationConfiguration()

    /// Reads the `reallocation` section: `enabled`, `period`, `automatic_cost_limit`, `interval`,
    /// `horizon_intervals`, `arrival_time_constant`, `default_handling_time`; times in seconds
    /// or written like `15m`.
    private mutating func applyReallocation(_ value: Node, at: (Node) -> String) throws {
        guard let fields = value.mapping else {
            throw Problem(source: at(value), field: "reallocation", message: "must be a mapping")
        }
        var settings = reallocation
        for (field, item) in fields {
            let name = field.string ?? "?"
            func seconds() throws -> TimeInterval {
                if let number = item.float { return number }
                if let text = item.string, let duration = DurationText.seconds(from: text) { return duration }
                throw Problem(source: at(item), field: "reallocation.\(name)", message: "must be a duration such as 60s or 15m")
            }
            switch name {
            case "enabled":
                guard let flag = item.bool else {
                    throw Problem(source: at(item), field: "reallocation.enabled", message: "must be true or false")
                }
                settings.enabled = flag
            case "period": settings.period = try seconds()
            case "interval": settings.intervalLength = try seconds()
            case "arrival_time_constant": settings.arrivalTimeConstant = try seconds()
            case "default_handling_time": settings.defaultHandlingTime = try seconds()
            case "automatic_cost_limit":
                guard let number = item.float else {
                    throw Problem(source: at(item), field: "reallocation.automatic_cost_limit", message: "must be a number")
                }
                settings.automaticCostLimit = number
            case "horizon_intervals":
                guard let number = item.int else {
                    throw Problem(source: at(item), field: "reallocation.horizon_intervals", message: "must be a whole number")
                }
                settings.horizonIntervals = number
            default:
                throw Problem(source: at(field), field: "reallocation.\(name)", message: "unknown field")
            }
        }
        if let problem = settings.problem {
            throw Problem(source: at(value), field: "reallocation.\(problem.field)", message: problem.reason)
        }
        reallocation = settings
    }

    /// The formats logs can take.
    public enum LogFormat: String, Sendable, CaseIterable {
        case text
        case json
    }

    /// Creates the defaults.
    public init() {}

    /// A problem in the configuration, naming its source and field.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        /// Where: a file path with line, or an environment variable.
        public var source: String
        /// The field.
        public var field: String
        /// What is wrong.
        public var message: String

        public var description: String { "\(source): \(field): \(message)" }
    }

    /// Reads `text` (YAML) from `file` over the current values.
    public mutating func apply(yaml text: String, file: String) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Problem(source: file, field: "-", message: "not valid YAML: \(error)")
        }
        guard let root = node?.mapping else {
            if node == nil { return }
            throw Problem(source: file, field: "-", message: "the configuration must be a mapping")
        }
        func at(_ node: Node) -> String { "\(file):\(node.mark?.line ?? 0)" }
        for (key, value) in root {
            switch key.string {
            case "server":
                for (field, item) in value.mapping ?? [:] {
                    switch field.string {
                    case "host": host = item.string ?? host
                    case "port":
                        guard let number = item.int, (0...65535).contains(number) else {
                            throw Problem(source: at(item), field: "server.port", message: "must be a port number")
                        }
                        port = number
                    case "body_limit":
                        guard let number = item.int, number > 0 else {
                            throw Problem(source: at(item), field: "server.body_limit", message: "must be a positive number of bytes")
                        }
                        bodyLimit = number
                    case "threads":
                        guard let number = item.int, (1...256).contains(number) else {
                            throw Problem(source: at(item), field: "server.threads", message: "must be a whole number from 1 to 256")
                        }
                        threads = number
                    default:
                        throw Problem(source: at(field), field: "server.\(field.string ?? "?")", message: "unknown field")
                    }
                }
            case "store":
                for (field, item) in value.mapping ?? [:] {
                    switch field.string {
                    case "path":
                        guard let path = item.string else {
                            throw Problem(source: at(item), field: "store.path", message: "must be a file path")
                        }
                        databasePath = path
                    case "commit_spacing_us":
                        guard let number = item.int, (0...1_000_000).contains(number) else {
                            throw Problem(
                                source: at(item), field: "store.commit_spacing_us", message: "must be a whole number of microseconds from 0 to 1000000")
                        }
                        commitSpacing = .microseconds(number)
                    default:
                        throw Problem(source: at(field), field: "store.\(field.string ?? "?")", message: "unknown field")
                    }
                }
            case "workspace":
                guard let name = value.string, !name.isEmpty else {
                    throw Problem(source: at(value), field: "workspace", message: "must be a name")
                }
                workspace = WorkspaceID(name)
            case "log":
                for (field, item) in value.mapping ?? [:] {
                    switch field.string {
                    case "format":
                        guard let format = item.string.flatMap(LogFormat.init) else {
                            throw Problem(source: at(item), field: "log.format", message: "must be text or json")
                        }
                        logFormat = format
                    case "level": logLevel = item.string ?? logLevel
                    default:
                        throw Problem(source: at(field), field: "log.\(field.string ?? "?")", message: "unknown field")
                    }
                }
            case "reallocation":
                try applyReallocation(value, at: at)
            case "api_keys":
                guard let items = value.sequence else {
                    throw Problem(source: at(value), field: "api_keys", message: "must be a list")
                }
                for (index, item) in items.enumerated() {
                    keys.append(try Self.key(item, path: "api_keys[\(index)]", source: at(item)))
                }
            default:
                throw Problem(source: at(key), field: key.string ?? "?", message: "unknown field")
            }
        }
    }

    private static func key(_ node: Node, path: String, source: String) throws -> APIKey {
        guard let fields = node.mapping else { throw Problem(source: source, field: path, message: "must be a mapping") }
        var name: String?
        var role: Role?
        var worker: WorkerID?
        var hash: String?
        for (key, value) in fields {
            switch key.string {
            case "name": name = value.string
            case "role":
                role = value.string.flatMap(Role.init)
                if role == nil {
                    throw Problem(source: source, field: "\(path).role", message: "must be admin, operator, worker or viewer")
                }
            case "worker": worker = value.string.map(WorkerID.init)
            case "key": hash = value.string.map(APIKey.hash)
            case "key_sha256": hash = value.string
            default: throw Problem(source: source, field: "\(path).\(key.string ?? "?")", message: "unknown field")
            }
        }
        guard let name, !name.isEmpty else { throw Problem(source: source, field: "\(path).name", message: "required") }
        guard let role else { throw Problem(source: source, field: "\(path).role", message: "required") }
        guard let hash else { throw Problem(source: source, field: "\(path).key", message: "give key or key_sha256") }
        if role == .worker, worker == nil {
            throw Problem(source: source, field: "\(path).worker", message: "a worker key must name its worker")
        }
        return APIKey(name: name, role: role, worker: worker, hash: hash)
    }

    /// Applies `FLOWTUNE_*` variables from `environment`.
    public mutating func apply(environment: [String: String]) throws {
        if let value = environment["FLOWTUNE_HOST"] { host = value }
        if let value = environment["FLOWTUNE_PORT"] {
            guard let number = Int(value), (0...65535).contains(number) else {
                throw Problem(source: "FLOWTUNE_PORT", field: "port", message: "must be a port number")
            }
            port = number
        }
        if let value = environment["FLOWTUNE_THREADS"] {
            guard let number = Int(value), (1...256).contains(number) else {
                throw Problem(source: "FLOWTUNE_THREADS", field: "threads", message: "must be a whole number from 1 to 256")
            }
            threads = number
        }
        if let value = environment["FLOWTUNE_TASK_SHORTCUT"] {
            guard let flag = ["0": false, "1": true][value] else {
                throw Problem(source: "FLOWTUNE_TASK_SHORTCUT", field: "task_shortcut", message: "must be 0 or 1")
            }
            taskShortcut = flag
        }
        if let value = environment["FLOWTUNE_DB"] { databasePath = value }
        if let value = environment["FLOWTUNE_COMMIT_SPACING_US"] {
            guard let number = Int(value), (0...1_000_000).contains(number) else {
                throw Problem(
                    source: "FLOWTUNE_COMMIT_SPACING_US", field: "commit_spacing_us",
                    message: "must be a whole number of microseconds from 0 to 1000000")
            }
            commitSpacing = .microseconds(number)
        }
        if let value = environment["FLOWTUNE_WORKSPACE"] { workspace = WorkspaceID(value) }
        if let value = environment["FLOWTUNE_LOG_FORMAT"] {
            guard let format = LogFormat(rawValue: value) else {
                throw Problem(source: "FLOWTUNE_LOG_FORMAT", field: "format", message: "must be text or json")
            }
            logFormat = format
        }
        if let value = environment["FLOWTUNE_API_KEYS"] {
            for entry in value.split(separator: ",") {
                let parts = entry.split(separator: "=", maxSplits: 1)
                let head = parts.first.map { $0.split(separator: ":") } ?? []
                guard parts.count == 2, head.count >= 2, let role = Role(rawValue: String(head[1])) else {
                    throw Problem(
                        source: "FLOWTUNE_API_KEYS", field: String(entry.prefix(while: { $0 != "=" })),
                        message: "write each key as name:role[:worker]=secret")
                }
                let worker = head.count > 2 ? WorkerID(String(head[2])) : nil
                if role == .worker, worker == nil {
                    throw Problem(source: "FLOWTUNE_API_KEYS", field: String(head[0]), message: "a worker key must name its worker")
                }
                keys.append(APIKey(name: String(head[0]), role: role, worker: worker, secret: String(parts[1])))
            }
        }
    }
}
