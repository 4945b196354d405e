import Foundation

/// A step's adaptive response window moved: the old and the new value and why (the event
/// `ThresholdChanged`).
///
/// Recorded right after the event that moved it (an accepted offer, a redefinition of the
/// workflow), or on its own when outcomes aged out of the window as timers fired.
public struct ResponseWindowChange: Sendable, Hashable, Codable {
    /// The workflow.
    public var workflow: WorkflowID
    /// The step whose response window moved.
    public var step: StepID
    /// The old and new value in seconds, when, and the basis: quantile, sample count, window.
    public var change: ThresholdChange

    /// Creates the facts of a change.
    public init(workflow: WorkflowID, step: StepID, change: ThresholdChange) {
        self.workflow = workflow
        self.step = step
        self.change = change
    }

    /// The window before, in seconds.
    public var from: TimeInterval { change.from }
    /// The window now, in seconds.
    public var to: TimeInterval { change.to }
    /// Where the new value comes from.
    public var basis: ThresholdBasis { change.basis }
    /// The step, as the key adaptive state is kept under.
    public var key: WorkflowStep { WorkflowStep(workflow: workflow, step: step) }
}

/// One slot of a workflow's exception rate, closed at the slot's end (the event
/// `ExceptionRateObserved`): how many tasks entered the workflow and how many moved to the
/// exception lane.
///
/// Recorded for every slot, also an empty one, so that folding the log closes the same slots
/// the live workspace closed. A slot in which no task entered has no rate and teaches the band
/// nothing.
public struct ExceptionRateObservation: Sendable, Hashable, Codable {
    /// The workflow.
    public var workflow: WorkflowID
    /// The start of the slot.
    public var slotStart: Date
    /// The end of the slot: the start of the next.
    public var slotEnd: Date
    /// Tasks created in the workflow during the slot.
    public var entered: Int
    /// Tasks of the workflow moved to the exception lane during the slot.
    public var exceptions: Int

    /// Creates the facts of a slot.
    public init(workflow: WorkflowID, slotStart: Date, slotEnd: Date, entered: Int, exceptions: Int) {
        self.workflow = workflow
        self.slotStart = slotStart
        self.slotEnd = slotEnd
        self.entered = entered
        self.exceptions = exceptions
    }

    /// `exceptions / entered`, or nil when no task entered.
    public var rate: Double? {
        entered > 0 ? Double(exceptions) / Double(entered) : nil
    }
}

/// A workflow's exception rate left its expected band (the event `ExceptionRateAlert`) or came
/// back into it (`ExceptionRateRecovered`).
public struct ExceptionRateSignal: Sendable, Hashable, Codable {
    /// The workflow.
    public var workflow: WorkflowID
    /// The start of the slot whose rate was judged.
    public var slotStart: Date
    /// The end of that slot.
    public var slotEnd: Date
    /// The rate, the band it was judged against (expected mean, σ, bounds, seasonal slot) and,
    /// for a recovery, when the alert began.
    public var signal: BandSignal

    /// Creates the facts of a signal.
    public init(workflow: WorkflowID, slotStart: Date, slotEnd: Date, signal: BandSignal) {
        self.workflow = workflow
        self.slotStart = slotStart
        self.slotEnd = slotEnd
        self.signal = signal
    }

    /// The observed rate.
    public var value: Double { signal.value }
    /// The expected rate.
    public var mean: Double { signal.band.mean }
    /// The standard deviation of the band.
    public var deviation: Double { signal.band.deviation }
}
