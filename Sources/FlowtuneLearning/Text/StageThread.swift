import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX thread of its own, outside Swift's cooperative pool, running one closure; joined by
/// ``join()`` or, failing that, when the value goes away, so that no path leaves it running.
///
/// Why not a task: the pool has as many threads as cores, and a stage that computes for seconds
/// would take one of them from every other task in the process (the server's among them).
struct StageThread: ~Copyable {
    private let handle: pthread_t

    /// Starts `body` on a new thread named `name` (at most 15 bytes: a longer name is not set).
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        handle = Self.start(name: name, body)
    }

    /// Starts `body` on a new thread that nobody joins: it ends when `body` returns.
    static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let handle = start(name: name, body)
        pthread_detach(handle)
    }

    /// Waits for the thread's closure to return.
    consuming func join() {
        pthread_join(handle, nil)
        discard self
    }

    deinit { pthread_join(handle, nil) }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private static func start(name: String, _ body: @escaping @Sendable () -> Void) -> pthread_t {
        // Named from inside, through Foundation: Glibc's `pthread_setname_np` is not imported.
        let context = Unmanaged.passRetained(Body {
            Thread.current.name = name
            body()
        }).toOpaque()
        #if canImport(Glibc)
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed (\(result))")
        return handle
        #else
        var handle: pthread_t?
        let result = pthread_create(&handle, nil, { context in
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed (\(result))")
        return handle!
        #endif
    }
}
