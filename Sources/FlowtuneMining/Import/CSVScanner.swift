#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits RFC 4180 CSV into records, byte by byte, over a buffer refilled in chunks: quoted
/// fields with doubled quotes and embedded delimiters or line ends (across chunk boundaries),
/// CRLF, LF or CR line ends, and a UTF-8 byte order mark.
///
/// Written by hand over bytes rather than with the core's `CSVRows` or a CSV package because
/// the import must reach a million events a second: `CSVRows` builds a `String` per cell and
/// needs the whole text; CSV.swift and SwiftCSV walk `Character`s (grapheme clusters) and make
/// a `String` per cell — CSV.swift splits about 43,000 receipt-like rows a second here, doing
/// nothing else, where the whole import reads two million. Here a record is a list of byte
/// ranges in the buffer, and a cell is only looked at when the mapping uses it.
///
/// A quote inside an unquoted cell is taken as written, as spreadsheet exports produce them; a
/// closing quote followed by anything but a delimiter or a line end is an error, as is a quote
/// never closed.
final class CSVScanner {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 at the end of the input.
    typealias Source = (UnsafeMutableRawBufferPointer) throws(MiningError) -> Int

    let file: String
    var delimiter: UInt8
    private let source: Source
    private let chunkSize: Int

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The first byte not yet scanned.
    private var start = 0
    /// Bytes dropped from the front of the buffer so far.
    private var dropped = 0
    /// The end of the bytes read.
    private var end = 0
    private var atEOF = false
    private var startedInput = false

    private var fieldStarts: UnsafeMutablePointer<Int>
    private var fieldEnds: UnsafeMutablePointer<Int>
    /// Per field: 1 when the field holds doubled quotes still to be undone.
    private var fieldEscaped: UnsafeMutablePointer<UInt8>
    private var fieldCapacity: Int

    /// How many fields the current record has (fields past the capacity are counted, not kept).
    private(set) var fieldCount = 0
    /// The line the current record starts on, from 1.
    private(set) var recordLine = 0
    /// The line the next record starts on.
    private var nextLine = 1

    /// A scanner over `source`, reading `chunkSize` bytes at a time, keeping the bounds of up to
    /// `fields` fields per record (more are counted).
    init(file: String, delimiter: UInt8, chunkSize: Int, fields: Int = 64, source: @escaping Source) {
        self.file = file
        self.delimiter = delimiter
        self.source = source
        self.chunkSize = max(1, chunkSize)
        capacity = max(self.chunkSize, 4096)
        buffer = .allocate(capacity: capacity)
        fieldCapacity = max(fields, 1)
        fieldStarts = .allocate(capacity: fieldCapacity)
        fieldEnds = .allocate(capacity: fieldCapacity)
        fieldEscaped = .allocate(capacity: fieldCapacity)
    }

    deinit {
        buffer.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldEscaped.deallocate()
    }

    /// Whether a record with more fields than the scanner keeps makes it keep more (for the
    /// header, whose width is not known yet), rather than only counting them.
    var growsFields = true

    /// Keeps the bounds of up to `count` fields per record from now on, those of the current
    /// record included.
    func reserveFields(_ count: Int) {
        guard count > fieldCapacity else { return }
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: count)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: count)
        let escaped = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        starts.update(from: fieldStarts, count: fieldCapacity)
        ends.update(from: fieldEnds, count: fieldCapacity)
        escaped.update(from: fieldEscaped, count: fieldCapacity)
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldEscaped.deallocate()
        fieldStarts = starts
        fieldEnds = ends
        fieldEscaped = escaped
        fieldCapacity = count
    }

    /// Reads at least the first line (up to a chunk) and skips a byte order mark; false when
    /// the input is empty.
    func begin() throws(MiningError) -> Bool {
        startedInput = true
        while end < 3, !atEOF { try refill() }
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
        // The whole header line, so that the delimiter can be guessed from it.
        while !atEOF, end - start < chunkSize,
            memchr(buffer + start, 0x0A, end - start) == nil, memchr(buffer + start, 0x0D, end - start) == nil
        {
            try refill()
        }
        return end > start
    }

    /// How many bytes of the input the records read so far take, from its first byte.
    var position: Int { dropped + start }

    /// The bytes of the first line read so far, for guessing the delimiter.
    func firstLine() -> UnsafeRawBufferPointer {
        var stop = start
        while stop < end, buffer[stop] != 0x0A, buffer[stop] != 0x0D { stop += 1 }
        return UnsafeRawBufferPointer(start: buffer + start, count: stop - start)
    }

    /// Moves to the next record; false at the end of the input. Blank lines are skipped.
    ///
    /// - Throws: ``MiningError`` for a quote never closed or a closing quote followed by text,
    ///   with the line and column (the field's number) but no field name, and for a read error.
    func next() throws(MiningError) -> Bool {
        if !startedInput { _ = try begin() }
        while true {
            switch scan() {
            case .record(let next, let lines):
                start = next
                recordLine = nextLine
                nextLine += lines
                if fieldCount == 1, fieldEnds[0] == fieldStarts[0], fieldEscaped[0] == 2 { continue }  // blank line
                return true
            case .endOfInput:
                return false
            case .incomplete:
                try refill()
            case .unterminatedQuote(let field, let lines):
                throw MiningError(
                    file: file, line: nextLine + lines, column: field + 1,
                    message: "a quote opens this cell and is never closed (a stray \" in the cell? write it as \"\")")
            case .textAfterQuote(let field, let lines):
                throw MiningError(
                    file: file, line: nextLine + lines, column: field + 1,
                    message: "text follows the closing quote of this cell; a quote inside a quoted cell is written \"\"")
            }
        }
    }

    /// The bytes of field `index` of the current record, with doubled quotes undone. Valid until
    /// the next call to ``next()``.
    @inline(__always)
    func field(_ index: Int) -> UnsafeRawBufferPointer {
        if fieldEscaped[index] == 1 { unescape(index) }
        return UnsafeRawBufferPointer(start: buffer + fieldStarts[index], count: fieldEnds[index] - fieldStarts[index])
    }

    /// Field `index` as text.
    func string(_ index: Int) -> String {
        String(decoding: field(index), as: UTF8.self)
    }

    // MARK: - Scanning

    private enum Scan {
        case record(next: Int, lines: Int)
        case incomplete
        case endOfInput
        case unterminatedQuote(field: Int, lines: Int)
        case textAfterQuote(field: Int, lines: Int)
    }

    /// Scans one record from `start`. `lines` counts the line ends the record spans, so that
    /// the next record's line is known; an error's `lines` counts those before the bad field.
    @inline(__always)
    private func scan() -> Scan {
        let base = buffer
        let limit = end
        let delimiter = self.delimiter
        var p = start
        if p >= limit { return atEOF ? .endOfInput : .incomplete }
        var field = 0
        var lines = 0
        while true {
            var contentStart = p
            var contentEnd: Int
            // 0: plain; 1: quoted with doubled quotes to undo; 2: plain and empty-line candidate
            var escaped: UInt8 = 0
            if p < limit, base[p] == 0x22 {
                contentStart = p + 1
                var q = contentStart
                while true {
                    guard let hit = memchr(base + q, 0x22, limit - q) else {
                        if atEOF { return .unterminatedQuote(field: field, lines: lines) }
                        return .incomplete
                    }
                    let quote = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if quote + 1 < limit {
                        if base[quote + 1] == 0x22 {
                            escaped = 1
                            q = quote + 2
                            continue
                        }
                    } else if !atEOF {
                        return .incomplete  // the next chunk may begin with the second quote of a pair
                    }
                    contentEnd = quote
                    p = quote + 1
                    break
                }
                lines += Self.countLineFeeds(base + contentStart, contentEnd - contentStart)
                if p < limit {
                    let byte = base[p]
                    if byte != delimiter, byte != 0x0A, byte != 0x0D {
                        return .textAfterQuote(field: field, lines: lines)
                    }
                }
            } else {
                let q = Self.endOfPlainField(base, from: p, limit: limit, delimiter: delimiter)
                contentEnd = q
                p = q
                if field == 0, q == contentStart { escaped = 2 }
            }
            if field >= fieldCapacity, growsFields { reserveFields(fieldCapacity * 2) }
            if field < fieldCapacity {
                fieldStarts[field] = contentStart
                fieldEnds[field] = contentEnd
                fieldEscaped[field] = escaped
            }
            if p >= limit {
                if !atEOF { return .incomplete }
                fieldCount = field + 1
                return .record(next: limit, lines: lines)
            }
            let byte = base[p]
            if byte == delimiter {
                field += 1
                p += 1
                continue
            }
            // A line end: CR LF, LF, or a lone CR.
            fieldCount = field + 1
            if byte == 0x0D {
                if p + 1 < limit {
                    return .record(next: base[p + 1] == 0x0A ? p + 2 : p + 1, lines: lines + 1)
                }
                if !atEOF { return .incomplete }
            }
            return .record(next: p + 1, lines: lines + 1)
        }
    }

    /// The first delimiter, LF or CR at or after `from`, or `limit`.
    ///
    /// Eight bytes at a time: a word is tested for a byte equal to the delimiter or below 14
    /// (LF and CR, with a few other control bytes that are then checked one by one). Cells
    /// average a dozen or more bytes, so this beats a byte loop by about half.
    @inline(__always)
    private static func endOfPlainField(_ base: UnsafeMutablePointer<UInt8>, from: Int, limit: Int, delimiter: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let spread = ones &* UInt64(delimiter)
        var q = from
        while q + 8 <= limit {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + q).loadUnaligned(as: UInt64.self))
            let matches = word ^ spread
            // The lowest flagged byte of each test is exact; higher ones may be false positives.
            let flags = ((matches &- ones) & ~matches & highs) | ((word &- ones &* 14) & ~word & highs)
            if flags == 0 {
                q += 8
                continue
            }
            q += flags.trailingZeroBitCount >> 3
            let byte = base[q]
            if byte == delimiter || byte == 0x0A || byte == 0x0D { return q }
            q += 1  // another control byte, such as a tab in a comma-separated file
        }
        while q < limit {
            let byte = base[q]
            if byte == delimiter || byte == 0x0A || byte == 0x0D { return q }
            q += 1
        }
        return q
    }

    private static func countLineFeeds(_ start: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        var lines = 0
        var p = start
        var left = count
        while left > 0, let hit = memchr(p, 0x0A, left) {
            let next = hit.assumingMemoryBound(to: UInt8.self) + 1
            lines += 1
            left -= p.distance(to: next)
            p = next
        }
        return lines
    }

    private func unescape(_ index: Int) {
        var read = fieldStarts[index]
        var write = read
        let stop = fieldEnds[index]
        while read < stop {
            let byte = buffer[read]
            buffer[write] = byte
            write += 1
            read += byte == 0x22 && read + 1 < stop && buffer[read + 1] == 0x22 ? 2 : 1
        }
        fieldEnds[index] = write
        fieldEscaped[index] = 0
    }

    /// Keeps the unscanned bytes, moved to the front, and reads the next chunk after them; the
    /// buffer doubles when one record fills it.
    private func refill() throws(MiningError) {
        if atEOF { return }
        if start > 0 {
            dropped += start
            let kept = end - start
            if kept > 0 { memmove(buffer, buffer + start, kept) }
            end = kept
            start = 0
        }
        if capacity - end < chunkSize {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, end + chunkSize))
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = max(capacity * 2, end + chunkSize)
        }
        let read = try source(UnsafeMutableRawBufferPointer(start: buffer + end, count: min(chunkSize, capacity - end)))
        if read == 0 { atEOF = true } else { end += read }
    }
}
