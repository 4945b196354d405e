/// Names one version of one model. Every prediction carries the reference of the model that made
/// it, so an explanation, an outcome or a metric can always be traced back to the exact version.
///
/// ```swift
/// let reference = ModelReference(name: "handling-time", version: 3)
/// reference.description // "handling-time@3"
/// ```
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model's name, stable across versions, such as `intent` or `handling-time`.
    public var name: String
    /// The version number, counting from 1 within a name.
    public var version: Int

    /// Creates a reference.
    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }

    public var description: String { "\(name)@\(version)" }
}

/// An observation a model cannot learn from, such as a handling time that is not positive.
public struct InvalidObservation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault.
    public var field: String
    /// What is wrong with it.
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "invalid \(field): \(reason)" }
}

/// A label a classifier was not built with.
public struct UnknownLabel: Error, Sendable, Hashable, CustomStringConvertible {
    /// The label given.
    public var label: String
    /// The labels the classifier knows.
    public var known: [String]

    public init(label: String, known: [String]) {
        self.label = label
        self.known = known
    }

    public var description: String { "unknown label \"\(label)\"; expected one of \(known.joined(separator: ", "))" }
}
