#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ShiftScheduler {
    /// Seconds of CPU time the calling thread has used. CBC and CLP run on the calling thread,
    /// so this is the solve's own work, which other processes on a busy machine do not stretch
    /// the way they stretch wall time: a search budgeted in it does the same work under load.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
