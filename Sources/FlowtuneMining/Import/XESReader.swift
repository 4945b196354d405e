import Foundation

/// Reads an XES event log (IEEE 1849), plain or gzipped, into an ``EventLog``, streaming: the
/// file is read (and inflated, on a second thread) a megabyte at a time and scanned tag by tag,
/// so memory holds the log being built, not the document.
///
/// ```swift
/// let log = try XESReader.read(contentsOf: URL(fileURLWithPath: "BPI_Challenge_2012.xes.gz"))
/// print(log.caseCount, log.eventCount)     // 13087 262200
/// ```
///
/// What is read:
/// - each `<trace>` is a case; its `concept:name` is the case id, and a trace without one is
///   named `trace-N`, N counting traces from 1 in file order. A trace is one case: a second
///   trace with an id already used becomes `id#2` (then `#3`, …) rather than being merged into
///   the first, which would invent hand-offs between unrelated events. The trace's other
///   attributes become case attributes.
/// - each `<event>` needs `concept:name` (the activity) and `time:timestamp`; `lifecycle:transition`
///   gives its ``Lifecycle`` (else a `<global scope="event">` default, else `complete`),
///   `org:resource` its resource and `org:group` its group (empty values count as none). Every
///   other attribute, of any type, is kept as text under its key.
/// - nested attributes and the members of `list` and `container` attributes are flattened to
///   `parent/child` keys; a key repeated within one event or trace gets `#2`, `#3`, … so no value
///   is lost. Of a repeated `concept:name`, `time:timestamp`, `lifecycle:transition`,
///   `org:resource` or `org:group`, the last wins.
/// - log-level attributes, extensions, classifiers and other globals are checked for structure
///   and not kept.
/// - timestamps without an offset are read in `zone`.
///
/// Anything else is an error naming the line: input that is not well-formed XML, an element
/// XES does not define, an attribute without a key or value, an event missing its activity or
/// time, a date that is not a date, a truncated or corrupt file. The import never stops
/// silently part way through.
public enum XESReader {
    /// The log in the XES file at `url`, gzipped or not (told apart by the gzip magic number,
    /// whatever the file is called).
    ///
    /// - Parameter zone: how to read timestamps written without an offset.
    /// - Throws: ``MiningError`` with the file, line and field at fault.
    public static func read(contentsOf url: URL, zone: TimeZoneRule = .utc) throws(MiningError) -> EventLog {
        let file = url.isFileURL ? url.relativePath : url.absoluteString
        guard url.isFileURL else {
            throw MiningError(file: file, message: "only local files can be read; download the log first")
        }
        let source = try XMLByteSources.open(path: url.path, file: file)
        return try parse(source, file: file, zone: zone, readSize: 1 << 20)
    }

    /// The log in `bytes`, an XES document, gzipped or not.
    ///
    /// ```swift
    /// let log = try XESReader.read(bytes: Data(xml.utf8), file: "upload.xes")
    /// ```
    ///
    /// - Parameter file: the name errors give for the input.
    /// - Throws: ``MiningError`` with the line and field at fault.
    public static func read(
        bytes: some Sequence<UInt8>, file: String = "XES data", zone: TimeZoneRule = .utc
    ) throws(MiningError) -> EventLog {
        try read(bytes: Array(bytes), file: file, zone: zone, chunkSize: 1 << 20)
    }

    /// As ``read(bytes:file:zone:)``, handing the scanner at most `chunkSize` bytes at a time,
    /// so tests can cut tokens at any point.
    static func read(bytes: [UInt8], file: String, zone: TimeZoneRule, chunkSize: Int) throws(MiningError) -> EventLog {
        let plain = Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: file) : bytes
        return try parse(MemoryByteSource(plain, chunkSize: chunkSize), file: file, zone: zone, readSize: chunkSize)
    }

    static func parse(_ source: any XMLByteSource, file: String, zone: TimeZoneRule, readSize: Int) throws(MiningError) -> EventLog {
        var scanner = XMLScanner(source: source, file: file, readSize: readSize)
        var parser = XESParser(file: file, zone: zone)
        while true {
            switch try scanner.next() {
            case .start: try parser.start(&scanner)
            case .end: try parser.end(&scanner)
            case .endOfInput: return parser.finish()
            }
        }
    }
}

/// The XES layer over ``XMLScanner``: which element may appear where, and what each attribute
/// means. One frame per open element mirrors the scanner's stack.
struct XESParser {
    private enum Element {
        case log, trace, event, global, extensionDeclaration, classifier, values
        case string, date, int, float, boolean, id, list, container
        case unknown

        var isAttribute: Bool {
            switch self {
            case .string, .date, .int, .float, .boolean, .id, .list, .container: true
            default: false
            }
        }

        init(_ name: UnsafeRawBufferPointer) {
            // The length picks the candidates, so most names cost one comparison.
            switch name.count {
            case 2: self = bytesEqual(name, "id") ? .id : .unknown
            case 3: self = bytesEqual(name, "log") ? .log : bytesEqual(name, "int") ? .int : .unknown
            case 4: self = bytesEqual(name, "date") ? .date : bytesEqual(name, "list") ? .list : .unknown
            case 5: self = bytesEqual(name, "trace") ? .trace : bytesEqual(name, "event") ? .event : bytesEqual(name, "float") ? .float : .unknown
            case 6:
                self = bytesEqual(name, "string") ? .string : bytesEqual(name, "global") ? .global : bytesEqual(name, "values") ? .values : .unknown
            case 7: self = bytesEqual(name, "boolean") ? .boolean : .unknown
            case 9: self = bytesEqual(name, "extension") ? .extensionDeclaration : bytesEqual(name, "container") ? .container : .unknown
            case 10: self = bytesEqual(name, "classifier") ? .classifier : .unknown
            default: self = .unknown
            }
        }
    }

    /// The standard keys that set an event's fields rather than becoming attributes.
    private enum StandardKey {
        case name, lifecycle, resource, group, timestamp

        init?(_ key: UnsafeRawBufferPointer) {
            switch key.count {
            case 12:
                if bytesEqual(key, "concept:name") { self = .name } else if bytesEqual(key, "org:resource") { self = .resource } else { return nil }
            case 20: if bytesEqual(key, "lifecycle:transition") { self = .lifecycle } else { return nil }
            case 14: if bytesEqual(key, "time:timestamp") { self = .timestamp } else { return nil }
            case 9: if bytesEqual(key, "org:group") { self = .group } else { return nil }
            default: return nil
            }
        }
    }

    private enum Kind { case log, trace, event, global, attribute, skip }
    /// Whose attributes the elements inside belong to.
    private enum Owner { case none, trace, event, globalEvent }

    private struct Frame {
        var kind: Kind
        var owner: Owner
        /// For an attribute, the length of its flattened key in `keyPath`.
        var keyLength: Int
    }

    private let file: String
    private let zone: TimeZoneRule
    private var builder = EventLogBuilder()
    private var frames: [Frame] = []
    /// The flattened key of the innermost attribute that has children.
    private var keyPath: [UInt8] = []

    private var traceNumber = 0
    private var caseName: [UInt8] = []
    private var hasCaseName = false
    private var traceEvents: [RawEvent] = []
    private var traceEventAttributes: [(event: Int32, key: Int32, value: Int32)] = []
    private var caseAttributes: [(key: Int32, value: Int32)] = []

    private var event = RawEvent(caseIndex: 0, activity: -1, time: .nan)
    private var eventAttributesStart = 0
    private var defaultLifecycle = Lifecycle.complete
    /// Lifecycle names met so far, up to 16 bytes each, packed into two words with their
    /// length: three or four distinct names cover a log, so a look-up is a few integer compares.
    private var lifecycleNames: [(low: UInt64, high: UInt64, count: Int, lifecycle: Lifecycle)] = []

    init(file: String, zone: TimeZoneRule) {
        self.file = file
        self.zone = zone
        frames.reserveCapacity(16)
    }

    mutating func finish() -> EventLog { builder.build() }

    /// A start tag. One that is self-closing is ended here too, as the scanner reports no end
    /// for it; every other pushes a frame that ``end(_:)`` pops.
    mutating func start(_ scanner: inout XMLScanner) throws(MiningError) {
        var element = Element(scanner.name)
        if element == .unknown { element = Element(scanner.localName) }  // `xes:trace`
        let open = !scanner.selfClosing
        guard let top = frames.last else {
            guard element == .log else {
                throw scanner.error(
                    at: scanner.tokenOffset, field: tag(scanner),
                    "the root element is \(tag(scanner)), not <log>: this is not an XES event log")
            }
            if open { frames.append(Frame(kind: .log, owner: .none, keyLength: 0)) }
            return
        }
        switch (top.kind, element) {
        case (.skip, _):
            if open { frames.append(top) }
        case (.log, .trace):
            beginTrace()
            if open { frames.append(Frame(kind: .trace, owner: .trace, keyLength: 0)) } else { endTrace() }
        case (.trace, .event):
            beginEvent()
            if open { frames.append(Frame(kind: .event, owner: .event, keyLength: 0)) } else { try endEvent(&scanner, selfClosed: true) }
        case (.log, .global):
            let scope = scanner.value(named: "scope")
            let owner: Owner = scope.map { bytesEqual($0, "event") } == true ? .globalEvent : .none
            if open { frames.append(Frame(kind: .global, owner: owner, keyLength: 0)) }
        case (.log, .extensionDeclaration), (.log, .classifier):
            if open { frames.append(Frame(kind: .skip, owner: .none, keyLength: 0)) }
        case (.attribute, .values):
            if open { frames.append(top) }
        case (.log, _), (.trace, _), (.event, _), (.global, _), (.attribute, _):
            guard element.isAttribute else { throw misplaced(scanner, element: element, in: top.kind) }
            try attribute(&scanner, element: element, parent: top)
        }
    }

    /// The end of the element whose frame is on top.
    mutating func end(_ scanner: inout XMLScanner) throws(MiningError) {
        let frame = frames.removeLast()
        switch frame.kind {
        case .event: try endEvent(&scanner, selfClosed: false)
        case .trace: endTrace()
        default: break
        }
    }

    // MARK: Traces and events

    private mutating func beginTrace() {
        traceNumber += 1
        hasCaseName = false
        traceEvents.removeAll(keepingCapacity: true)
        traceEventAttributes.removeAll(keepingCapacity: true)
        caseAttributes.removeAll(keepingCapacity: true)
    }

    private mutating func beginEvent() {
        event = RawEvent(caseIndex: 0, activity: -1, lifecycle: defaultLifecycle, time: .nan)
        eventAttributesStart = traceEventAttributes.count
    }

    /// Checks and keeps the event; its `<event>` tag is the scanner's current token when
    /// `selfClosed`, else the element just closed.
    private mutating func endEvent(_ scanner: inout XMLScanner, selfClosed: Bool) throws(MiningError) {
        guard event.activity >= 0 else {
            throw MiningError(
                file: file, line: selfClosed ? scanner.tokenLine : scanner.line(of: scanner.closed),
                field: "concept:name",
                message: "the event has no concept:name, the activity it records; every event needs one")
        }
        guard event.time.isFinite else {
            throw MiningError(
                file: file, line: selfClosed ? scanner.tokenLine : scanner.line(of: scanner.closed),
                field: "time:timestamp",
                message: "the event has no time:timestamp; every event needs a time to be placed in its case")
        }
        traceEvents.append(event)
    }

    /// Events are held until the trace closes, because XES does not require the trace's
    /// `concept:name` to come before its events.
    private mutating func endTrace() {
        let known = builder.caseIDs.count
        var caseIndex = hasCaseName
            ? caseName.withUnsafeBytes { builder.caseIDs.intern(bytes: $0) }
            : builder.caseIDs.intern("trace-\(traceNumber)")
        if caseIndex < known {
            let name = builder.caseIDs[caseIndex]
            var suffix = 2
            repeat {
                caseIndex = builder.caseIDs.intern("\(name)#\(suffix)")
                suffix += 1
            } while caseIndex < known
        }
        var cursor = 0
        for index in traceEvents.indices {
            var event = traceEvents[index]
            event.caseIndex = caseIndex
            builder.add(event)
            while cursor < traceEventAttributes.count && traceEventAttributes[cursor].event == Int32(index) {
                builder.setAttribute(key: traceEventAttributes[cursor].key, value: traceEventAttributes[cursor].value)
                cursor += 1
            }
        }
        for (key, value) in caseAttributes {
            builder.setCaseAttribute(caseIndex: caseIndex, key: key, value: value)
        }
    }

    // MARK: Attributes

    private mutating func attribute(_ scanner: inout XMLScanner, element: Element, parent: Frame) throws(MiningError) {
        let (foundKey, value) = scanner.keyAndValue()
        guard let key = foundKey else {
            throw scanner.error(at: scanner.tokenOffset, field: tag(scanner), "the attribute has no key")
        }
        let composite = element == .list || element == .container
        if value == nil && !composite {
            throw scanner.error(
                at: scanner.tokenOffset, field: "\(tag(scanner)) '\(String(decoding: key, as: UTF8.self))'",
                "the attribute has no value")
        }
        let nested = parent.kind == .attribute
        var keyLength = 0
        if nested {
            keyPath.removeLast(keyPath.count - parent.keyLength)
            keyPath.append(47)  // '/'
            keyPath.append(contentsOf: key)
            keyLength = keyPath.count
        } else if !scanner.selfClosing {
            keyPath.removeAll(keepingCapacity: true)
            keyPath.append(contentsOf: key)
            keyLength = keyPath.count
        }
        if !scanner.selfClosing {
            frames.append(Frame(kind: .attribute, owner: parent.owner, keyLength: keyLength))
        }
        guard let value else { return }
        switch parent.owner {
        case .event:
            if !nested, let standard = StandardKey(key) {
                try setStandard(standard, value: value, &scanner)
            } else {
                let keyIndex = nested ? keyPath.withUnsafeBytes { builder.attributeKeys.intern(bytes: $0) } : builder.attributeKeys.intern(bytes: key)
                let valueIndex = builder.attributeValues.intern(bytes: value)
                let unique = uniqueKey(keyIndex, inEvent: true)
                traceEventAttributes.append((Int32(traceEvents.count), unique, valueIndex))
            }
        case .trace:
            if !nested && bytesEqual(key, "concept:name") {
                caseName.removeAll(keepingCapacity: true)
                caseName.append(contentsOf: value)
                hasCaseName = true
            } else {
                let keyIndex = nested ? keyPath.withUnsafeBytes { builder.attributeKeys.intern(bytes: $0) } : builder.attributeKeys.intern(bytes: key)
                let valueIndex = builder.attributeValues.intern(bytes: value)
                let unique = uniqueKey(keyIndex, inEvent: false)
                caseAttributes.append((unique, valueIndex))
            }
        case .globalEvent:
            if !nested && bytesEqual(key, "lifecycle:transition") { defaultLifecycle = lifecycle(value) }
        case .none:
            break
        }
    }

    private mutating func setStandard(_ key: StandardKey, value: UnsafeRawBufferPointer, _ scanner: inout XMLScanner) throws(MiningError) {
        switch key {
        case .name:
            event.activity = builder.activities.intern(bytes: value)
        case .lifecycle:
            event.lifecycle = lifecycle(value)
        case .resource:
            event.resource = value.isEmpty ? -1 : builder.resources.intern(bytes: value)
        case .group:
            event.group = value.isEmpty ? -1 : builder.groups.intern(bytes: value)
        case .timestamp:
            guard let time = Timestamp.parse(bytes: value, zone: zone) else {
                throw scanner.error(
                    at: scanner.tokenOffset, field: "time:timestamp",
                    "'\(String(decoding: value, as: UTF8.self))' is not a date and time; XES writes 2011-10-01T00:38:44.546+02:00")
            }
            event.time = time
        }
    }

    private mutating func lifecycle(_ name: UnsafeRawBufferPointer) -> Lifecycle {
        guard name.count <= 16 else { return Lifecycle(name: String(decoding: name, as: UTF8.self)) }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for index in 0..<name.count {
            if index < 8 {
                low |= UInt64(name[index]) << (8 * index)
            } else {
                high |= UInt64(name[index]) << (8 * (index - 8))
            }
        }
        for entry in lifecycleNames where entry.low == low && entry.high == high && entry.count == name.count {
            return entry.lifecycle
        }
        let lifecycle = Lifecycle(name: String(decoding: name, as: UTF8.self))
        lifecycleNames.append((low, high, name.count, lifecycle))
        return lifecycle
    }

    /// `key`, or when the current event (or the trace) already has it, the first of `key#2`,
    /// `key#3`, … that it has not.
    private mutating func uniqueKey(_ key: Int32, inEvent: Bool) -> Int32 {
        var candidate = key
        var suffix = 1
        while isTaken(candidate, inEvent: inEvent) {
            suffix += 1
            candidate = builder.attributeKeys.intern("\(builder.attributeKeys[key])#\(suffix)")
        }
        return candidate
    }

    /// `mutating` only so the parser is passed by address, not copied, on each call.
    private mutating func isTaken(_ key: Int32, inEvent: Bool) -> Bool {
        if inEvent {
            for index in eventAttributesStart..<traceEventAttributes.count where traceEventAttributes[index].key == key {
                return true
            }
            return false
        }
        return caseAttributes.contains { $0.key == key }
    }

    // MARK: Messages

    private func tag(_ scanner: borrowing XMLScanner) -> String {
        "<\(scanner.nameText)>"
    }

    private func misplaced(_ scanner: borrowing XMLScanner, element: Element, in kind: Kind) -> MiningError {
        let place: String
        switch kind {
        case .log: place = "<log>, which holds traces, attributes, extensions, globals and classifiers"
        case .trace: place = "a <trace>, which holds attributes and events"
        case .event: place = "an <event>, which holds attributes"
        case .global: place = "a <global>, which holds attributes"
        case .attribute: place = "an attribute, which holds attributes (in a list, inside <values>)"
        case .skip: place = "an element being skipped"
        }
        let hint: String
        switch element {
        case .event: hint = kind == .log ? "; an event belongs in a <trace>, which gives it its case" : ""
        case .unknown: hint = "; XES attributes are string, date, int, float, boolean, id, list and container"
        default: hint = ""
        }
        return scanner.error(at: scanner.tokenOffset, field: tag(scanner), "not allowed in \(place)\(hint)")
    }
}
