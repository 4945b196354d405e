import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the ``XMLScanner`` gets its bytes: a file read in blocks, a gzipped file inflated on a
/// second thread, or bytes already in memory.
protocol XMLByteSource: AnyObject {
    /// Copies the next bytes into `buffer`, returning how many; 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(MiningError) -> Int
}

enum XMLByteSources {
    /// A source for the file at `path`: inflated on a second thread when it begins with the gzip
    /// magic number, read as it is otherwise.
    static func open(path: String, file: String, chunkSize: Int = 1 << 20) throws(MiningError) -> any XMLByteSource {
        let descriptor = openReadOnly(path)
        guard descriptor >= 0 else {
            throw MiningError(file: file, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        var magic: (UInt8, UInt8) = (0, 0)
        let read = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        if read < 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw MiningError(file: file, message: "cannot read the file: \(reason)")
        }
        if read == 2 && magic == (0x1F, 0x8B) {
            return PipelinedGzipSource(descriptor: descriptor, file: file, chunkSize: chunkSize)
        }
        return FileByteSource(descriptor: descriptor, file: file)
    }

}

private func openReadOnly(_ path: String) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, O_RDONLY | O_CLOEXEC)
    #else
    Darwin.open(path, O_RDONLY | O_CLOEXEC)
    #endif
}

/// `read(2)`, retried when a signal interrupts it; -1 on an error, with `errno` set.
private func readRetrying(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    while true {
        #if canImport(Glibc)
        let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
        #else
        let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
        #endif
        if count >= 0 || errno != EINTR { return count }
    }
}

/// Bytes in memory, handed out at most `chunkSize` at a time so tests can put chunk boundaries
/// anywhere.
final class MemoryByteSource: XMLByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let chunkSize: Int

    init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(MiningError) -> Int {
        let count = min(buffer.count, chunkSize, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// An uncompressed file, read in blocks straight into the scanner's buffer.
final class FileByteSource: XMLByteSource {
    private let descriptor: Int32
    private let file: String

    init(descriptor: Int32, file: String) {
        self.descriptor = descriptor
        self.file = file
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(MiningError) -> Int {
        let count = readRetrying(descriptor, buffer)
        guard count >= 0 else {
            throw MiningError(file: file, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        return count
    }
}

/// A gzipped file inflated on a thread of its own while the caller parses: inflating takes
/// about as long as parsing, and the two overlap on two cores. A few inflated chunks are
/// queued between them, so memory stays bounded whatever the file's size.
final class PipelinedGzipSource: XMLByteSource {
    private let pipe: ChunkPipe
    private var current: [UInt8] = []
    private var offset = 0
    private var finished = false

    init(descriptor: Int32, file: String, chunkSize: Int) {
        let pipe = ChunkPipe(capacity: 4)
        self.pipe = pipe
        let thread = Thread {
            Self.produce(descriptor: descriptor, file: file, chunkSize: chunkSize, into: pipe)
            close(descriptor)
            pipe.producerFinished()
        }
        thread.name = "flowtune-gunzip"
        thread.start()
    }

    deinit {
        // Stop the producer and wait for it: it must not outlive the read that started it.
        pipe.cancelAndWait()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(MiningError) -> Int {
        while offset == current.count {
            if finished { return 0 }
            switch pipe.take() {
            case .chunk(let chunk):
                current = chunk
                offset = 0
            case .end:
                finished = true
                return 0
            case .failure(let error):
                finished = true
                throw error
            }
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    private static func produce(descriptor: Int32, file: String, chunkSize: Int, into pipe: ChunkPipe) {
        do throws(MiningError) {
            var inflater = try Gzip.Inflater(file: file)
            let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
            defer { input.deallocate() }
            // zlib writes into scratch memory; each full chunk is copied into an array of its
            // own for the parser, which costs far less than the inflating.
            let chunkMemory = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { chunkMemory.deallocate() }
            var filled = 0
            // Hands a full (or the last) chunk to the parser; false when the parser stopped.
            func ship() -> Bool {
                guard filled > 0 else { return true }
                let chunk = [UInt8](UnsafeRawBufferPointer(rebasing: chunkMemory[..<filled]))
                filled = 0
                return pipe.put(.chunk(chunk))
            }
            while true {
                let count = readRetrying(descriptor, input)
                if count < 0 {
                    throw MiningError(file: file, message: "cannot read the file: \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                var remaining = UnsafeRawBufferPointer(rebasing: input[..<count])
                // Keep calling zlib until it has taken all the input and has room left over,
                // which means it holds no more output for this input.
                while true {
                    let (consumed, produced) = try inflater.step(
                        input: remaining, output: UnsafeMutableRawBufferPointer(rebasing: chunkMemory[filled...]))
                    filled += produced
                    remaining = UnsafeRawBufferPointer(rebasing: remaining[consumed...])
                    if filled == chunkSize, !ship() { return }
                    if remaining.isEmpty && filled < chunkSize { break }
                    if consumed == 0 && produced == 0 && !remaining.isEmpty {
                        // zlib always moves when it has input and room; guard against a spin.
                        throw MiningError(file: file, message: "the gzip stream is corrupt: the decoder stopped making progress")
                    }
                }
            }
            var failure: MiningError?
            do throws(MiningError) {
                try inflater.finish { bytes in
                    var rest = bytes
                    while !rest.isEmpty {
                        let count = min(rest.count, chunkSize - filled)
                        (chunkMemory.baseAddress! + filled).copyMemory(from: rest.baseAddress!, byteCount: count)
                        filled += count
                        rest = UnsafeRawBufferPointer(rebasing: rest[count...])
                        if filled == chunkSize, !ship() { return }
                    }
                }
            } catch {
                failure = error
            }
            // What was inflated before a cut still goes to the parser, so its error (if it
            // reaches the cut) names the line; the gzip error follows.
            guard ship() else { return }
            _ = pipe.put(failure.map { .failure($0) } ?? .end)
        } catch {
            _ = pipe.put(.failure(error))
        }
    }
}

/// A small bounded queue between the inflating thread and the parser.
final class ChunkPipe: @unchecked Sendable {
    enum Item {
        case chunk([UInt8])
        case end
        case failure(MiningError)
    }

    // Every field below is read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private let capacity: Int
    private var cancelled = false
    private var producerDone = false

    init(capacity: Int) { self.capacity = capacity }

    /// Queues `item`, waiting while the queue is full; false when the consumer has gone.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for the producer when none is queued.
    func take() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count {
            if producerDone { return .end }
            condition.wait()
        }
        let item = items[head]
        items[head] = .end
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return item
    }

    func producerFinished() {
        condition.lock()
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Tells the producer to stop and waits until it has.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !producerDone { condition.wait() }
        items.removeAll()
        condition.unlock()
    }
}
