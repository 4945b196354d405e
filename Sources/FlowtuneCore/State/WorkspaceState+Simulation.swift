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

    /// Records how a task ended in ``finished`` — unless ``remembersFinishedTasks`` is off and
    /// numbering does not need the record (``taskNumbersTaken`` is false).
    ///
    /// A simulation that never names a finished task again turns the record off instead of
    /// forgetting it now and then (``forgetFinishedTasks()``): a hash and an insertion fewer on
    /// every task's end. What changes is what forgetting changes: a command naming a finished task
    /// is refused as "no task" rather than "already completed".
    @inline(__always)
    mutating func recordFinished(_ id: TaskID, as state: WorkTask.State) {
        if remembersFinishedTasks || taskNumbersTaken { finished[id] = state }
    }
}

extension WorkspaceState {
    /// The tasks offered to or held by the worker at `index` in ``workers``, on every channel:
    /// its ``WorkerRecord/totalLoad``, read from the routing index without copying the record.
    public func load(ofWorkerAt index: Int) -> Int {
        Int(hot[index].busy)
    }
}
