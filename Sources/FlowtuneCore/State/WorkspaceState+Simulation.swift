import Foundation

extension WorkspaceState {
    /// Forgets how the finished tasks ended (``finished``), keeping open tasks, numbering and
    /// everything routing reads.
    ///
    /// A long simulation finishes millions of tasks it never refers to again; forgetting them
    /// keeps its memory flat. Afterwards a command naming a forgotten task is refused as "no
    /// task" rather than "already completed", and a task created with a caller-chosen id could
    /// reuse a forgotten one's: a live workspace, which must refuse those, never calls this.
    /// Numbering stays unique as long as ``taskNumbersTaken`` is false, since then it never
    /// consults the finished tasks.
    ///
    /// ```swift
    /// if !state.taskNumbersTaken, state.finished.count >= 4096 { state.forgetFinishedTasks() }
    /// ```
    public mutating func forgetFinishedTasks() {
        finished.removeAll(keepingCapacity: true)
    }
}

extension WorkspaceState {
    /// The tasks offered to or held by the worker at `index` in ``workers``, on every channel:
    /// its ``WorkerRecord/totalLoad``, read from the routing index without copying the record.
    public func load(ofWorkerAt index: Int) -> Int {
        Int(hot[index].busy)
    }
}

extension WorkspaceState {
    /// Removes the earliest timer if it is due at or before `now` and firing it would change
    /// nothing — the expiry of an offer already accepted, declined or withdrawn, or a timer of a
    /// task that has finished — and returns whether it did.
    ///
    /// Executing `.fireTimers` fires every due timer in turn; the ones this removes add no event
    /// and change nothing. A simulation, where every offer leaves such a timer, removes them
    /// without a command, and executes `.fireTimers` only when a due timer remains. Nothing is
    /// removed while adaptive response windows are kept: `.fireTimers` also moves those on to
    /// its time, which a removal must not skip.
    ///
    /// ```swift
    /// var removed = false
    /// while state.removeIdleTimer(upTo: now) { removed = true }
    /// if !removed || state.nextTimerDue.map({ $0 <= now }) == true {
    ///     try state.execute(.fireTimers, context: CommandContext(now: now))
    /// }
    /// ```
    public mutating func removeIdleTimer(upTo now: Date) -> Bool {
        guard responseWindows.isEmpty, let next = timers.min, next.due <= now, timerIsIdle(next) else { return false }
        _ = timers.removeMin()
        return true
    }
}
