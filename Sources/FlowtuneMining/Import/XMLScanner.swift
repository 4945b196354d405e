#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``XMLScanner/next()`` found.
enum XMLToken: Equatable {
    /// A start tag; its name and attributes are on the scanner until the next call. A
    /// self-closing tag comes as a start with ``XMLScanner/selfClosing`` set, and no end.
    case start
    /// The end of the element opened last.
    case end
    /// The end of the document, after the root element closed.
    case endOfInput
}

/// A byte-level XML pull scanner over a stream of chunks: the tags of a document one at a
/// time, with their attributes decoded, checked for nesting, and never a tree in memory.
///
/// Written by hand because an event log is tens of megabytes of small tags, and a general
/// parser's per-node objects and strings would cost several times the rest of the import. The
/// scanner keeps one buffer: a token cut by the end of a chunk is kept, the next chunk appended
/// after it, and the token scanned again. Comments, processing instructions, the document type
/// declaration and CDATA are skipped; character data inside elements is skipped too, since XES
/// has none, but text outside the root element is an error. Lines are not tracked while
/// scanning: they are counted, sixteen bytes at a time, from the bytes about to leave the
/// buffer, and within the buffer only when an error asks for one.
///
/// Names and values are handed out as byte views into the buffer, valid until the next call.
/// The accessors the importer calls per tag are `mutating` though they change nothing: Swift
/// passes a struct this size to a non-mutating method by copying it, 256 bytes a call, and
/// to a mutating one by address.
struct XMLScanner: ~Copyable {
    /// One attribute of the current start tag: where its name and value lie.
    struct Attribute {
        var nameStart: Int
        var nameCount: Int
        var valueStart: Int
        var valueCount: Int
        /// The value was decoded (entities, line ends) into the scratch area.
        var decoded: Bool
    }

    /// An element not yet closed.
    struct OpenElement {
        var nameStart: Int
        var nameCount: Int
        /// Offset of its `<` from the start of the document.
        var offset: Int
        /// Its line, once known; 0 until asked for or until its bytes leave the buffer.
        var line: Int
    }

    let file: String
    private let source: any XMLByteSource

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var position = 0
    /// Offset of `buffer[0]` from the start of the document.
    private var base = 0
    /// Newlines before `buffer[0]`.
    private var linesBeforeBase = 0
    private var sourceDone = false
    private let readSize: Int

    private var open: [OpenElement] = []
    /// The names of the open elements, end to end; managed by hand like ``attributes``.
    private var openNames: UnsafeMutablePointer<UInt8>
    private var openNamesCapacity = 256
    private var openNamesCount = 0
    private var rootSeen = false

    /// Decoded attribute values of the current start tag.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256
    private var scratchCount = 0
    private let classes = XMLByteClass.makeTable()

    /// The name of the current start tag.
    private(set) var nameStart = 0
    private(set) var nameCount = 0
    /// The current start tag ends with `/>`.
    private(set) var selfClosing = false
    /// Offset of the current token's `<` from the start of the document.
    private(set) var tokenOffset = 0
    /// The attributes of the current start tag, in document order: managed by hand, as an
    /// array's uniqueness checks showed in profiles at four attributes a tag.
    private var attributes: UnsafeMutablePointer<Attribute>
    private var attributeCapacity = 8
    /// How many attributes the current start tag has.
    private(set) var attributeCount = 0
    /// The element an ``XMLToken/end`` just closed.
    private(set) var closed = OpenElement(nameStart: 0, nameCount: 0, offset: 0, line: 0)

    init(source: any XMLByteSource, file: String, readSize: Int = 1 << 20) {
        self.source = source
        self.file = file
        self.readSize = max(readSize, 64)
        capacity = self.readSize * 2
        buffer = .allocate(capacity: capacity)
        scratch = .allocate(capacity: scratchCapacity)
        attributes = .allocate(capacity: attributeCapacity)
        openNames = .allocate(capacity: openNamesCapacity)
        open.reserveCapacity(16)
    }

    deinit {
        buffer.deallocate()
        scratch.deallocate()
        classes.deallocate()
        attributes.deallocate()
        openNames.deallocate()
    }

    /// The current start tag's name, after any namespace prefix (`xes:log` → `log`).
    var localName: UnsafeRawBufferPointer {
        mutating get {
            var start = nameStart
            let end = nameStart + nameCount
            var index = start
            while index < end {
                if buffer[index] == 58 { start = index + 1 }  // ':'
                index += 1
            }
            return UnsafeRawBufferPointer(start: buffer + start, count: end - start)
        }
    }

    /// The current start tag's full name.
    var name: UnsafeRawBufferPointer {
        mutating get { UnsafeRawBufferPointer(start: buffer + nameStart, count: nameCount) }
    }

    /// The current start tag's name as text, for messages.
    var nameText: String { String(decoding: UnsafeBufferPointer(start: buffer + nameStart, count: nameCount), as: UTF8.self) }

    /// The decoded value of `attribute`.
    mutating func value(of attribute: Attribute) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: (attribute.decoded ? scratch : buffer) + attribute.valueStart, count: attribute.valueCount)
    }

    /// The values of the `key` and `value` attributes of the current start tag, found in one
    /// pass: every XES attribute element has these two.
    mutating func keyAndValue() -> (key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) {
        var key: UnsafeRawBufferPointer?
        var value: UnsafeRawBufferPointer?
        for index in 0..<attributeCount {
            let attribute = attributes[index]
            let name = UnsafeRawBufferPointer(start: buffer + attribute.nameStart, count: attribute.nameCount)
            if attribute.nameCount == 3 && name[0] == 107 && name[1] == 101 && name[2] == 121 {  // key
                key = self.value(of: attribute)
            } else if attribute.nameCount == 5 && name[0] == 118 && name[1] == 97 && name[2] == 108 && name[3] == 117
                && name[4] == 101 {  // value
                value = self.value(of: attribute)
            }
        }
        return (key, value)
    }

    /// The value of the attribute named `name` on the current start tag, or nil.
    mutating func value(named name: StaticString) -> UnsafeRawBufferPointer? {
        for index in 0..<attributeCount {
            let attribute = attributes[index]
            if bytesEqual(UnsafeRawBufferPointer(start: buffer + attribute.nameStart, count: attribute.nameCount), name) {
                return value(of: attribute)
            }
        }
        return nil
    }

    // MARK: Tokens

    /// The next start or end tag, or the end of the document.
    ///
    /// - Throws: ``MiningError`` with the line and column for input that is not well-formed
    ///   XML: mismatched or unclosed tags, an unterminated attribute, an unknown entity, text
    ///   outside the root element, a file that ends inside a tag.
    mutating func next() throws(MiningError) -> XMLToken {
        if base == 0 && position == 0 { try skipByteOrderMark() }
        while true {
            // Between tags an XES file holds a line end and a few tabs: a plain loop beats a
            // call to memchr for so few bytes.
            var lt = position
            while lt < count && buffer[lt] != 60 { lt += 1 }  // '<'
            guard lt < count else {
                if open.isEmpty { try checkOutsideText(from: position, to: count) }
                position = count
                if try !refill(keepingFrom: position) { return try endOfDocument() }
                continue
            }
            if open.isEmpty && lt > position { try checkOutsideText(from: position, to: lt) }
            position = lt
            tokenOffset = base + lt
            let result: Scan
            switch lt + 1 < count ? Int(buffer[lt + 1]) : -1 {
            case -1: result = .needMore
            case 47: result = try scanEndTag(at: lt)  // '/'
            case 63: result = try scanUntil(at: lt, skipping: 2, terminator: "?>")  // '?'
            case 33: result = try scanDeclaration(at: lt)  // '!'
            default: result = try scanStartTag(at: lt)
            }
            switch result {
            case .needMore:
                if try !refill(keepingFrom: position) { throw truncated() }
            case .skipped:
                continue
            case .start:
                return .start
            case .end:
                return .end
            }
        }
    }

    private enum Scan { case needMore, skipped, start, end }

    private mutating func scanStartTag(at start: Int) throws(MiningError) -> Scan {
        let bytes = UnsafePointer(buffer)
        let table = UnsafePointer(classes)
        let end = count
        var index = Self.skipName(bytes, start + 1, end, table)
        guard index < end else { return .needMore }
        guard index > start + 1 else {
            throw error(at: base + index, field: nil, "'<' is followed by \(Self.describe(bytes[index])), not an element name")
        }
        let nameEnd = index
        attributeCount = 0
        scratchCount = 0
        while true {
            let spaceStart = index
            index = Self.skipSpace(bytes, index, end)
            guard index < end else { return .needMore }
            let byte = bytes[index]
            if byte == 62 {  // '>'
                return try startTag(nameStart: start + 1, nameEnd: nameEnd, end: index + 1, selfClosing: false)
            }
            if byte == 47 {  // '/'
                guard index + 1 < end else { return .needMore }
                guard bytes[index + 1] == 62 else {
                    throw error(at: base + index, field: element(start + 1, nameEnd), "'/' must be followed by '>' to close the tag")
                }
                return try startTag(nameStart: start + 1, nameEnd: nameEnd, end: index + 2, selfClosing: true)
            }
            let attributeStart = index
            // XES attribute elements hold `key=` and `value=`: recognised whole, they skip the
            // name loop. Anything else takes the general path.
            if index + 8 <= end && Self.isKeyOrValue(bytes + index) {
                index += bytes[index] == 107 ? 3 : 5  // 'k'
            } else {
                index = Self.skipName(bytes, index, end, table)
            }
            guard index < end else { return .needMore }
            guard index > attributeStart else {
                throw error(at: base + index, field: element(start + 1, nameEnd),
                            "unexpected \(Self.describe(byte)) in the tag; an attribute name or '>' was expected")
            }
            guard spaceStart < attributeStart else {
                throw error(at: base + attributeStart, field: element(start + 1, nameEnd),
                            "attributes must be separated by white space")
            }
            let attributeEnd = index
            index = Self.skipSpace(bytes, index, end)
            guard index < end else { return .needMore }
            guard bytes[index] == 61 else {  // '='
                throw error(at: base + index, field: attributeField(start + 1, nameEnd, attributeStart, attributeEnd),
                            "the attribute has no '=' and value")
            }
            index = Self.skipSpace(bytes, index + 1, end)
            guard index < end else { return .needMore }
            let quote = bytes[index]
            guard quote == 34 || quote == 39 else {  // '"' or '\''
                throw error(at: base + index, field: attributeField(start + 1, nameEnd, attributeStart, attributeEnd),
                            "the value must be in quotes")
            }
            let valueStart = index + 1
            let (valueEnd, special) = Self.scanValue(bytes, valueStart, end, quote: quote)
            guard valueEnd < end else { return .needMore }
            if bytes[valueEnd] != quote {  // '<'
                throw error(at: base + valueEnd, field: attributeField(start + 1, nameEnd, attributeStart, attributeEnd),
                            "'<' inside the value: the closing quote is missing, or write '<' as &lt;")
            }
            var attribute = Attribute(
                nameStart: attributeStart, nameCount: attributeEnd - attributeStart,
                valueStart: valueStart, valueCount: valueEnd - valueStart, decoded: false)
            if special {
                (attribute.valueStart, attribute.valueCount) = try decode(
                    from: valueStart, to: valueEnd, field: (start + 1, nameEnd, attributeStart, attributeEnd))
                attribute.decoded = true
            }
            if attributeCount == attributeCapacity {
                let grown = UnsafeMutablePointer<Attribute>.allocate(capacity: attributeCapacity * 2)
                grown.moveInitialize(from: attributes, count: attributeCount)
                attributes.deallocate()
                attributes = grown
                attributeCapacity *= 2
            }
            (attributes + attributeCount).initialize(to: attribute)
            attributeCount += 1
            index = valueEnd + 1
        }
    }

    // The inner loops, as functions of plain pointers and integers that neither throw nor
    // touch `self`, so the optimizer keeps their state in registers.

    /// Whether `bytes` begin with `key=` or `value=`; eight bytes must be readable.
    @inline(__always)
    private static func isKeyOrValue(_ bytes: UnsafePointer<UInt8>) -> Bool {
        let word = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
        // Little-endian: the first byte is the lowest.
        return word & 0xFFFF_FFFF == 0x3D79_656B  // "key="
            || word & 0xFFFF_FFFF_FFFF == 0x3D65_756C_6176  // "value="
    }

    /// The first index from `index` whose byte cannot be part of a name, or `end`.
    @inline(__always)
    private static func skipName(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ table: UnsafePointer<UInt8>) -> Int {
        var index = index
        while index < end && table[Int(bytes[index])] & XMLByteClass.name != 0 { index += 1 }
        return index
    }

    /// The first index from `index` that is not white space, or `end`.
    @inline(__always)
    private static func skipSpace(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        var index = index
        while index < end && XMLByteClass.isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// Scans an attribute value from `index` to the closing `quote`, eight bytes at a time:
    /// the index of the quote, of a '<' (an error), or `end` when the value runs on past the
    /// buffer; and whether a byte needing decoding ('&', a tab or line end) came before it.
    ///
    /// Each word is tested for bytes below 0x28 — controls, space, both quotes, '&' and a few
    /// others — and for '<': `(x - 0x28…) & ~x & 0x80…` sets the high bit of the first byte
    /// below 0x28 exactly, and the same with `x ^ 0x3C…` and 0x01… finds the first '<'. Later
    /// flags and spaces are false alarms, sorted out by the byte-wise check that follows.
    @inline(__always)
    private static func scanValue(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int, quote: UInt8) -> (Int, Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let lessThans: UInt64 = 0x3C3C_3C3C_3C3C_3C3C
        let raw = UnsafeRawPointer(bytes)
        var index = index
        var special = false
        while true {
            while index + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let l = word ^ lessThans
                let hits = ((word &- 0x2828_2828_2828_2828) & ~word | (l &- ones) & ~l) & high
                if hits != 0 {
                    index += hits.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < end else { return (end, special) }
            let byte = bytes[index]
            if byte == quote || byte == 60 { return (index, special) }
            if byte == 38 || byte < 32 { special = true }
            index += 1
        }
    }

    private mutating func startTag(nameStart: Int, nameEnd: Int, end: Int, selfClosing: Bool) throws(MiningError) -> Scan {
        if open.isEmpty && rootSeen {
            throw error(at: tokenOffset, field: element(nameStart, nameEnd),
                        "a second root element: a document has one, and it has already closed")
        }
        rootSeen = true
        self.nameStart = nameStart
        nameCount = nameEnd - nameStart
        self.selfClosing = selfClosing
        // A self-closing tag needs no end tag matched, so its name is not kept; most XES tags
        // are self-closing attributes.
        if !selfClosing {
            if openNamesCount + nameCount > openNamesCapacity {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(openNamesCapacity * 2, openNamesCount + nameCount))
                grown.update(from: openNames, count: openNamesCount)
                openNames.deallocate()
                openNames = grown
                openNamesCapacity = max(openNamesCapacity * 2, openNamesCount + nameCount)
            }
            (openNames + openNamesCount).update(from: buffer + nameStart, count: nameCount)
            open.append(OpenElement(nameStart: openNamesCount, nameCount: nameCount, offset: tokenOffset, line: 0))
            openNamesCount += nameCount
        }
        position = end
        return .start
    }

    private mutating func scanEndTag(at start: Int) throws(MiningError) -> Scan {
        let bytes = buffer
        let end = count
        var index = start + 2
        while index < end && classes[Int(bytes[index])] & XMLByteClass.name != 0 { index += 1 }
        guard index < end else { return .needMore }
        let nameEnd = index
        while index < end && XMLByteClass.isSpace(bytes[index]) { index += 1 }
        guard index < end else { return .needMore }
        guard bytes[index] == 62, nameEnd > start + 2 else {
            throw error(at: base + index, field: element(start + 2, nameEnd, closing: true),
                        "an end tag is '</' and a name and '>'")
        }
        let name = UnsafeRawBufferPointer(start: buffer + start + 2, count: nameEnd - start - 2)
        guard let top = open.last else {
            throw error(at: tokenOffset, field: element(start + 2, nameEnd, closing: true), "it closes no open element")
        }
        guard bytesEqual(UnsafeRawBufferPointer(start: openNames + top.nameStart, count: top.nameCount), name) else {
            throw error(at: tokenOffset, field: element(start + 2, nameEnd, closing: true),
                        "it does not close <\(self.name(of: top))>, opened at line \(line(of: top)), which must close first")
        }
        position = index + 1
        pop()
        return .end
    }

    private mutating func pop() {
        closed = open.removeLast()
        openNamesCount = closed.nameStart
    }

    /// `<!--`, `<![CDATA[` and `<!DOCTYPE`.
    private mutating func scanDeclaration(at start: Int) throws(MiningError) -> Scan {
        if matches(at: start, "<!--") == nil { return .needMore }
        if matches(at: start, "<!--") == true { return try scanUntil(at: start, skipping: 4, terminator: "-->") }
        guard let isData = matches(at: start, "<![CDATA["), let isType = matches(at: start, "<!DOCTYPE") else { return .needMore }
        if isData {
            guard !open.isEmpty else {
                throw error(at: tokenOffset, field: nil, "CDATA outside the root element")
            }
            return try scanUntil(at: start, skipping: 9, terminator: "]]>")
        }
        guard isType else {
            throw error(at: tokenOffset, field: nil, "'<!' begins neither a comment, CDATA nor a DOCTYPE")
        }
        guard !rootSeen else {
            throw error(at: tokenOffset, field: nil, "a DOCTYPE after the root element began")
        }
        // The internal subset in [ ] may hold '>' inside declarations and quoted strings.
        var index = start + 9
        var brackets = 0
        var quote: UInt8 = 0
        while index < count {
            let byte = buffer[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == 34 || byte == 39 {
                quote = byte
            } else if byte == 91 {
                brackets += 1
            } else if byte == 93 {
                brackets -= 1
            } else if byte == 62 && brackets <= 0 {
                position = index + 1
                return .skipped
            }
            index += 1
        }
        return .needMore
    }

    /// Skips from `start + skipping` past `terminator`.
    private mutating func scanUntil(at start: Int, skipping: Int, terminator: StaticString) throws(MiningError) -> Scan {
        let needle = UnsafeRawBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
        var index = start + skipping
        let first = needle[0]
        while index < count {
            guard let found = memchr(buffer + index, Int32(first), count - index) else { return .needMore }
            index = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - buffer
            guard index + needle.count <= count else { return .needMore }
            if memcmp(buffer + index, needle.baseAddress!, needle.count) == 0 {
                if skipping == 2 && !rootSeen, matches(at: start, "<?xml") == true,
                   let encoding = declaredEncoding(from: start, to: index) {
                    try checkEncoding(encoding)
                }
                position = index + needle.count
                return .skipped
            }
            index += 1
        }
        return .needMore
    }

    /// Whether the buffer holds `literal` at `index`; nil when too few bytes are in to tell.
    private func matches(at index: Int, _ literal: StaticString) -> Bool? {
        let length = literal.utf8CodeUnitCount
        let available = min(length, count - index)
        if memcmp(buffer + index, literal.utf8Start, available) != 0 { return false }
        return available < length ? nil : true
    }

    // MARK: Text, values, encodings

    /// Text outside the root element may only be white space.
    private func checkOutsideText(from start: Int, to end: Int) throws(MiningError) {
        var index = start
        while index < end {
            if !XMLByteClass.isSpace(buffer[index]) {
                let message = rootSeen
                    ? "text after the root element has closed"
                    : "the file does not begin with XML markup; it is not an XES document"
                throw error(at: base + index, field: nil, message)
            }
            index += 1
        }
    }

    private mutating func skipByteOrderMark() throws(MiningError) {
        while count < 4 && !sourceDone { _ = try refill(keepingFrom: 0) }
        if count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
        } else if count >= 2 && (buffer[0] == 0xFE && buffer[1] == 0xFF || buffer[0] == 0xFF && buffer[1] == 0xFE) {
            throw MiningError(file: file, line: 1, message: "the file is UTF-16; save it as UTF-8 to import it")
        }
    }

    /// The `encoding` of an XML declaration between `start` and `end`, lowercased.
    private func declaredEncoding(from start: Int, to end: Int) -> String? {
        let text = String(decoding: UnsafeBufferPointer(start: buffer + start, count: end - start), as: UTF8.self)
        guard let range = text.range(of: "encoding") else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote }).lowercased()
    }

    private func checkEncoding(_ encoding: String) throws(MiningError) {
        if encoding.hasPrefix("utf-16") || encoding.hasPrefix("utf-32") || encoding == "ucs-2" {
            throw error(at: tokenOffset, field: nil, "the file declares encoding '\(encoding)'; save it as UTF-8 to import it")
        }
        // Other single-byte encodings read as UTF-8: their ASCII names and values come out as
        // written, and other characters become U+FFFD rather than stopping the import.
    }

    /// Decodes the value in `buffer[start..<end]` into the scratch area: entity and character
    /// references, and line ends and tabs normalized to spaces as XML requires.
    private mutating func decode(from start: Int, to end: Int, field: (Int, Int, Int, Int)) throws(MiningError) -> (Int, Int) {
        let needed = scratchCount + (end - start)
        if needed > scratchCapacity {
            var grown = scratchCapacity
            while grown < needed { grown *= 2 }
            let replacement = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            replacement.update(from: scratch, count: scratchCount)
            scratch.deallocate()
            scratch = replacement
            scratchCapacity = grown
        }
        let output = scratchCount
        var out = scratchCount
        var index = start
        while index < end {
            let byte = buffer[index]
            switch byte {
            case 38:  // '&'
                var close = index + 1
                while close < end && buffer[close] != 59 && close - index < 12 { close += 1 }  // ';'
                guard close < end, buffer[close] == 59 else {
                    throw error(at: base + index, field: attributeField(field.0, field.1, field.2, field.3), "'&' begins no reference; write a literal '&' as &amp;")
                }
                let reference = UnsafeRawBufferPointer(start: buffer + index + 1, count: close - index - 1)
                guard let scalar = Self.resolve(reference) else {
                    let text = String(decoding: reference, as: UTF8.self)
                    throw error(at: base + index, field: attributeField(field.0, field.1, field.2, field.3),
                                "unknown reference '&\(text);': XES knows &amp; &lt; &gt; &quot; &apos; and &#…; numbers")
                }
                for unit in String(Character(scalar)).utf8 {
                    scratch[out] = unit
                    out += 1
                }
                // A reference can be longer encoded than written (&#x10000; is 9 bytes, 4 out),
                // never shorter, so the capacity reserved above still holds.
                index = close + 1
            case 13:  // CR, CR LF → one space
                scratch[out] = 32
                out += 1
                index += (index + 1 < end && buffer[index + 1] == 10) ? 2 : 1
            case 9, 10:
                scratch[out] = 32
                out += 1
                index += 1
            default:
                scratch[out] = byte
                out += 1
                index += 1
            }
        }
        scratchCount = out
        return (output, out - output)
    }

    /// The character a reference names: a predefined entity or a character number.
    private static func resolve(_ reference: UnsafeRawBufferPointer) -> Unicode.Scalar? {
        guard let first = reference.first else { return nil }
        if first == 35 {  // '#'
            var value: UInt32 = 0
            var index = 1
            let hex = reference.count > 1 && (reference[1] == 120)  // 'x'
            if hex { index = 2 }
            guard index < reference.count else { return nil }
            while index < reference.count {
                let byte = reference[index]
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte - 48)
                case 97...102 where hex: digit = UInt32(byte - 87)
                case 65...70 where hex: digit = UInt32(byte - 55)
                default: return nil
                }
                value = value * (hex ? 16 : 10) + digit
                if value > 0x10FFFF { return nil }
                index += 1
            }
            guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar
        }
        switch String(decoding: reference, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default: return nil
        }
    }

    // MARK: The buffer

    /// Drops the bytes before `keep` and appends at least one more read from the source, and
    /// at least as many bytes as are kept, so a long token is rescanned a logarithmic number
    /// of times. False at the end of the input.
    private mutating func refill(keepingFrom keep: Int) throws(MiningError) -> Bool {
        guard !sourceDone else { return false }
        if keep > 0 {
            resolveLines(before: keep)
            let kept = count - keep
            if kept > 0 { memmove(buffer, buffer + keep, kept) }
            count = kept
            position -= keep
            base += keep
        }
        let wanted = max(count, 1)
        var added = 0
        while added < wanted {
            if capacity - count < readSize {
                let grown = max(capacity * 2, count + readSize)
                let replacement = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                replacement.update(from: buffer, count: count)
                buffer.deallocate()
                buffer = replacement
                capacity = grown
            }
            let read = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + count, count: capacity - count))
            if read == 0 {
                sourceDone = true
                break
            }
            count += read
            added += read
        }
        return added > 0
    }

    /// Counts the newlines in `buffer[0..<end]` into `linesBeforeBase`, first fixing the line of
    /// each open element whose `<` lies there, while its bytes are still at hand.
    private mutating func resolveLines(before end: Int) {
        var from = 0
        var lines = linesBeforeBase
        for index in open.indices where open[index].line == 0 {
            let at = open[index].offset - base
            guard at < end else { break }
            if at >= from {
                lines += Self.newlines(buffer + from, at - from)
                from = at
            }
            open[index].line = lines + 1
        }
        lines += Self.newlines(buffer + from, end - from)
        linesBeforeBase = lines
    }

    /// The line ends in `count` bytes from `start`, sixteen at a time: each lane of the
    /// accumulator counts the line ends it has seen, and is emptied before it can overflow.
    private static func newlines(_ start: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        let raw = UnsafeRawPointer(start)
        let lineEnd = SIMD16<UInt8>(repeating: 10)
        let zero = SIMD16<UInt8>(repeating: 0)
        let one = SIMD16<UInt8>(repeating: 1)
        var total = 0
        var index = 0
        while index + 16 <= count {
            var lanes = zero
            let stop = min(count, index + 255 * 16)
            while index + 16 <= stop {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                lanes &+= zero.replacing(with: one, where: block .== lineEnd)
                index += 16
            }
            total &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while index < count {
            if start[index] == 10 { total &+= 1 }
            index += 1
        }
        return total
    }

    // MARK: Locations and errors

    /// The line (from 1) and, when its line start is still in the buffer, the column (from 1)
    /// of document offset `offset`, which must not lie before the buffer.
    func location(of offset: Int) -> (line: Int, column: Int?) {
        let at = max(0, min(offset - base, count))
        let line = linesBeforeBase + Self.newlines(buffer, at) + 1
        var index = at
        while index > 0 && buffer[index - 1] != 10 { index -= 1 }
        let column = index > 0 || base == 0 ? at - index + 1 : nil
        return (line, column)
    }

    /// The name of an open element, for messages.
    private func name(of element: OpenElement) -> String {
        String(decoding: UnsafeBufferPointer(start: openNames + element.nameStart, count: element.nameCount), as: UTF8.self)
    }

    /// The line of the current token.
    var tokenLine: Int { location(of: tokenOffset).line }

    /// The line of an open (or just closed) element.
    func line(of element: OpenElement) -> Int {
        element.line > 0 ? element.line : location(of: element.offset).line
    }

    /// The line of the `index`-th open element, from the root at 0.
    func line(ofOpen index: Int) -> Int { line(of: open[index]) }

    /// An error at document offset `offset`.
    func error(at offset: Int, field: String?, _ message: String) -> MiningError {
        let (line, column) = location(of: offset)
        return MiningError(file: file, line: line, column: column, field: field, message: message)
    }

    private func truncated() -> MiningError {
        let byte = position + 1 < count ? buffer[position + 1] : 0
        let what: String
        switch byte {
        case 33: what = "a comment, CDATA or DOCTYPE"
        case 63: what = "a processing instruction"
        case 47: what = "an end tag"
        default: what = "a tag"
        }
        let snippet = String(decoding: UnsafeBufferPointer(start: buffer + position, count: min(40, count - position)), as: UTF8.self)
        return error(at: tokenOffset, field: nil, "the file ends inside \(what) ('\(snippet)'): it is truncated, or a quote or '>' is missing")
    }

    private func endOfDocument() throws(MiningError) -> XMLToken {
        if let innermost = open.last {
            let name = self.name(of: innermost)
            let path = open.map { self.name(of: $0) }
            throw MiningError(
                file: file, line: linesBeforeBase + Self.newlines(buffer, count) + 1, field: "<\(name)>",
                message: "the file ends before <\(name)>, opened at line \(line(of: innermost)), is closed (open: \(path.joined(separator: "/"))); it is truncated")
        }
        guard rootSeen else {
            throw MiningError(file: file, line: 1, message: "the file holds no XML element; it is empty or not an XES document")
        }
        return .endOfInput
    }

    private func element(_ start: Int, _ end: Int, closing: Bool = false) -> String {
        let name = String(decoding: UnsafeBufferPointer(start: buffer + start, count: max(0, end - start)), as: UTF8.self)
        return closing ? "</\(name)>" : "<\(name)>"
    }

    private func attributeField(_ start: Int, _ end: Int, _ attributeStart: Int, _ attributeEnd: Int) -> String {
        let attribute = String(decoding: UnsafeBufferPointer(start: buffer + attributeStart, count: attributeEnd - attributeStart), as: UTF8.self)
        return "\(element(start, end)) attribute '\(attribute)'"
    }

    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 32: "a space"
        case 9: "a tab"
        case 10, 13: "a line end"
        case 33...126: "'\(Character(Unicode.Scalar(byte)))'"
        default: "byte 0x\(String(byte, radix: 16))"
        }
    }
}

/// Byte classes for the scanner's inner loops, looked up in a 256-byte table rather than
/// compared one by one. Each scanner holds its own copy, so the loops read plain memory.
struct XMLByteClass {
    static let name: UInt8 = 1
    static let valueSpecial: UInt8 = 4

    static func makeTable() -> UnsafeMutablePointer<UInt8> {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: name, count: 256)
        for byte in [9, 10, 13, 32] as [UInt8] { table[Int(byte)] = 2 }
        for byte in Array("/>=<\"'&!?".utf8) { table[Int(byte)] = 0 }
        // In values: '&' (a reference), '<' (an error), tab and line ends (normalized).
        for byte in [38, 60, 9, 10, 13] as [UInt8] { table[Int(byte)] |= valueSpecial }
        return table
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 10 || byte == 9 || byte == 13 }
}

/// Whether `bytes` spell `literal`, compared eight bytes at a time: the names and keys compared
/// are short, and a call to memcmp costs more than the comparison.
@inline(__always)
func bytesEqual(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    bytesEqual(bytes, UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
}

/// Whether two byte strings are equal, compared eight bytes at a time.
@inline(__always)
func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    let count = a.count
    guard count == b.count else { return false }
    guard count > 0 else { return true }
    let left = a.baseAddress!, right = b.baseAddress!
    var index = 0
    while index + 8 <= count {
        if left.loadUnaligned(fromByteOffset: index, as: UInt64.self) != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
            return false
        }
        index += 8
    }
    while index < count {
        if left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) { return false }
        index += 1
    }
    return true
}
