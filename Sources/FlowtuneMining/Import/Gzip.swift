import CZlib

/// Gzip over the system zlib: a streaming ``Inflater`` for reading gzipped event logs as they
/// are read from disk, and whole-buffer ``compress(_:level:)`` and ``decompress(_:file:)``.
///
/// ```swift
/// let packed = Gzip.compress(Array(xml.utf8))
/// Gzip.isGzip(packed)                                      // true
/// let unpacked = try Gzip.decompress(packed, file: "log.xes.gz")
/// ```
public enum Gzip {
    /// Whether `bytes` begin with the gzip magic number (1f 8b).
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// `bytes` deflated into one gzip member, at zlib `level` (1 fastest … 9 smallest).
    public static func compress(_ bytes: some Collection<UInt8>, level: Int32 = 6) -> [UInt8] {
        let input = Array(bytes)
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // 16 + MAX_WBITS asks zlib for a gzip header and trailer rather than a zlib wrapper.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib could not start a deflate stream (\(status))")
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(input.count))) + 64)
        var produced = 0
        input.withUnsafeBufferPointer { source in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let result = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.pointee.next_out = out.baseAddress! + produced
                    stream.pointee.avail_out = UInt32(out.count - produced)
                    let result = deflate(stream, Z_FINISH)
                    produced = out.count - Int(stream.pointee.avail_out)
                    return result
                }
                if result == Z_STREAM_END { break }
                precondition(result == Z_OK || result == Z_BUF_ERROR, "zlib deflate failed (\(result))")
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// The bytes of the gzip stream `bytes` (one member or several concatenated), inflated.
    ///
    /// - Throws: ``MiningError`` naming `file` when the stream is corrupt or truncated.
    public static func decompress(_ bytes: some Collection<UInt8>, file: String) throws(MiningError) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var inflater = try Inflater(file: file)
        var failure: MiningError?
        input.withUnsafeBytes { source in
            do throws(MiningError) {
                try inflater.inflate(source) { chunk in output.append(contentsOf: chunk) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        try inflater.finish { chunk in output.append(contentsOf: chunk) }
        return output
    }

    /// A streaming gzip decoder: feed it compressed bytes as they are read, and it hands back
    /// the inflated bytes in chunks. Concatenated gzip members (as `cat a.gz b.gz` makes) read
    /// as one stream.
    ///
    /// ```swift
    /// var inflater = try Gzip.Inflater(file: "log.xes.gz")
    /// while let block = readNextBlock() {
    ///     try block.withUnsafeBytes { try inflater.inflate($0) { chunk in consume(chunk) } }
    /// }
    /// try inflater.finish { chunk in consume(chunk) }   // throws when the stream was cut short
    /// ```
    ///
    /// Not copyable: it owns a zlib stream, which holds a pointer back to itself and must stay
    /// in one place and be freed once. Moving it to another thread is safe, sharing is impossible,
    /// hence the unchecked `Sendable`.
    public struct Inflater: ~Copyable, @unchecked Sendable {
        private let stream: UnsafeMutablePointer<z_stream>
        private let output: UnsafeMutableRawBufferPointer
        private let file: String
        /// Input has been given since the last member ended, so an end of input now is a cut.
        private var inMember = false
        private var memberEnded = false
        private var membersRead = 0

        /// A decoder for the gzip stream of `file` (named in errors), handing back chunks of at
        /// most `chunkSize` bytes.
        public init(file: String, chunkSize: Int = 1 << 20) throws(MiningError) {
            self.file = file
            stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 64), alignment: 16)
            // 16 + MAX_WBITS: gzip only, so a member followed by anything but another gzip
            // member is reported rather than read as a zlib stream.
            let status = inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deinitialize(count: 1)
                stream.deallocate()
                output.deallocate()
                throw MiningError(file: file, message: "zlib could not start a gzip decoder (status \(status))")
            }
        }

        deinit {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
        }

        /// Decodes `input`, calling `yield` with each chunk of inflated bytes; the chunk is
        /// valid only during the call.
        public mutating func inflate(
            _ input: UnsafeRawBufferPointer, _ yield: (UnsafeRawBufferPointer) throws(MiningError) -> Void
        ) throws(MiningError) {
            var remaining = input
            while !remaining.isEmpty {
                let (consumed, produced) = try step(input: remaining, output: output)
                remaining = UnsafeRawBufferPointer(rebasing: remaining[consumed...])
                if produced > 0 { try yield(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
            }
        }

        /// Hands back what zlib still holds, and checks the stream ended where the input did.
        ///
        /// - Throws: ``MiningError`` when the last member is incomplete (a truncated file).
        public mutating func finish(_ yield: (UnsafeRawBufferPointer) throws(MiningError) -> Void) throws(MiningError) {
            while inMember {
                let (_, produced) = try step(input: UnsafeRawBufferPointer(start: nil, count: 0), output: output)
                if produced > 0 {
                    try yield(UnsafeRawBufferPointer(rebasing: output[..<produced]))
                } else if inMember {
                    throw MiningError(
                        file: file,
                        message: "the gzip stream is truncated: the file ends inside a compressed member; copy or download it again")
                }
            }
        }

        /// One call to zlib: decodes from `input` into `output`, returning how much of each was
        /// used. Lower level than ``inflate(_:_:)``, for callers that decode straight into a
        /// buffer of their own.
        public mutating func step(
            input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
        ) throws(MiningError) -> (consumed: Int, produced: Int) {
            if input.isEmpty && !inMember { return (0, 0) }
            if memberEnded && !input.isEmpty {
                inflateReset(stream)
                memberEnded = false
            }
            if !input.isEmpty { inMember = true }
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(truncatingIfNeeded: min(input.count, Int(UInt32.max)))
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(truncatingIfNeeded: min(output.count, Int(UInt32.max)))
            let availableIn = Int(stream.pointee.avail_in)
            let availableOut = Int(stream.pointee.avail_out)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let consumed = availableIn - Int(stream.pointee.avail_in)
            let produced = availableOut - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inMember = false
                memberEnded = true
                membersRead += 1
            case Z_MEM_ERROR:
                throw MiningError(file: file, message: "out of memory while inflating the gzip stream")
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                // A bad header after a complete member is trailing data, not damage to the log.
                let message = membersRead > 0 && stream.pointee.total_out == 0
                    ? "after \(membersRead) complete gzip member(s) the file holds data that is not gzip (\(detail))"
                    : "the gzip stream is corrupt (\(detail)); copy or download the file again"
                throw MiningError(file: file, message: message)
            }
            return (consumed, produced)
        }
    }
}
