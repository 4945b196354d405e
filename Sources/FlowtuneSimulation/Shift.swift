import FlowtuneCore
import Foundation

/// A shift pattern: who works it, when it starts each day, how long it lasts, on which days, and
/// its breaks.
///
/// A worker a shift names, directly or through a team, is `offline` outside all of its shifts,
/// `available` on them and `away` during their breaks; the simulator tells the core at every
/// boundary with `.setWorkerStatus`, so routing sees who is on. Work in hand when a shift or
/// break begins is finished (the core takes no task back from a worker who goes away); no new
/// offers reach the worker until the next shift. Times of day and days are UTC, or local to the
/// scenario's `utc_offset`.
///
/// ```yaml
/// shifts:
///   - name: early
///     workers: [ana, ben]          # and/or teams: [support]
///     start: "08:00"
///     length: 8h
///     days: [mon, tue, wed, thu, fri]   # default: every day
///     breaks:
///       - { after: 4h, length: 30m }    # or { at: "12:00", length: 30m }
/// ```
public struct Shift: Sendable, Hashable {
    /// The shift's name in reports and errors.
    public var name: String
    /// The workers who work it.
    public var workers: [WorkerID]
    /// The teams whose every member works it.
    public var teams: [String]
    /// When it starts, in seconds after midnight UTC.
    public var start: Double
    /// How long it lasts, breaks included.
    public var length: Double
    /// The days it is worked, 1 (Monday) to 7 (Sunday); nil for every day.
    public var days: Set<Int>?
    /// Its breaks, in order.
    public var breaks: [ShiftBreak]

    /// Creates a shift.
    public init(
        name: String, workers: [WorkerID] = [], teams: [String] = [], start: Double, length: Double,
        days: Set<Int>? = nil, breaks: [ShiftBreak] = []
    ) {
        self.name = name
        self.workers = workers
        self.teams = teams
        self.start = start
        self.length = length
        self.days = days
        self.breaks = breaks
    }

    /// Whether the shift covers `worker`.
    public func covers(_ worker: Worker) -> Bool {
        workers.contains(worker.id) || teams.contains(worker.team)
    }
}

/// A break inside a shift: it starts `after` seconds into the shift and lasts `length`.
public struct ShiftBreak: Sendable, Hashable {
    /// Seconds from the shift's start.
    public var after: Double
    /// How long it lasts.
    public var length: Double

    /// Creates a break.
    public init(after: Double, length: Double) {
        self.after = after
        self.length = length
    }
}

/// Every worker's status over a run, worked out once from the shifts: the changes to send to the
/// core in time order, and per worker the intervals on shift and available (shift minus breaks).
struct ShiftPlan: Sendable {
    /// A status to set at a time.
    struct Change: Sendable {
        var time: Double
        var worker: Int
        var status: Worker.Status
    }

    /// A half-open interval [start, end) of seconds from the scenario's start.
    struct Span: Sendable {
        var start: Double
        var end: Double
    }

    /// The status changes, by time then worker.
    let changes: [Change]
    /// Per worker, the time on shift (paid, breaks included); nil for a worker no shift names.
    let paid: [[Span]?]
    /// Per worker, the time available for work (on shift, not on a break); nil as above.
    let available: [[Span]?]

    init(shifts: [Shift], workers: [Worker], start: Date, end: Double, utcOffset: Double = 0) {
        var changes: [Change] = []
        var paid: [[Span]?] = Array(repeating: nil, count: workers.count)
        var available: [[Span]?] = Array(repeating: nil, count: workers.count)
        let origin = start.timeIntervalSince1970
        // Days are counted in the shifts' local time.
        let local = origin + utcOffset
        let firstDay = Int(((local - 86_400 * 2) / 86_400).rounded(.down))
        let lastDay = Int(((local + end) / 86_400).rounded(.up))
        for (index, worker) in workers.enumerated() {
            let mine = shifts.filter { $0.covers(worker) }
            guard !mine.isEmpty else { continue }
            var on: [Span] = []
            var off: [Span] = []
            for shift in mine {
                for day in firstDay...lastDay {
                    // 1 January 1970 was a Thursday: day 0 is weekday 4.
                    let weekday = ((day + 3) % 7 + 7) % 7 + 1
                    if let days = shift.days, !days.contains(weekday) { continue }
                    let begin = Double(day) * 86_400 + shift.start - utcOffset - origin
                    let finish = begin + shift.length
                    guard finish > 0, begin < end else { continue }
                    on.append(Span(start: begin, end: finish))
                    for pause in shift.breaks {
                        let from = begin + pause.after
                        let to = min(from + pause.length, finish)
                        if to > from { off.append(Span(start: from, end: to)) }
                    }
                }
            }
            on = Self.union(on)
            off = Self.union(off)
            func status(at time: Double) -> Worker.Status {
                guard on.contains(where: { $0.start <= time && time < $0.end }) else { return .offline }
                return off.contains(where: { $0.start <= time && time < $0.end }) ? .away : .available
            }
            var boundaries = Set<Double>([0])
            for span in on + off {
                if span.start > 0 { boundaries.insert(span.start) }
                if span.end > 0 { boundaries.insert(span.end) }
            }
            var last: Worker.Status?
            var free: [Span] = []
            let sorted = boundaries.sorted()
            for (position, time) in sorted.enumerated() where time <= end {
                let now = status(at: time)
                if now != last { changes.append(Change(time: time, worker: index, status: now)) }
                last = now
                if now == .available {
                    let until = position + 1 < sorted.count ? sorted[position + 1] : .infinity
                    free.append(Span(start: time, end: until))
                }
            }
            paid[index] = on.map { Span(start: max($0.start, 0), end: $0.end) }
            available[index] = Self.union(free)
        }
        changes.sort { $0.time < $1.time || ($0.time == $1.time && $0.worker < $1.worker) }
        self.changes = changes
        self.paid = paid
        self.available = available
    }

    /// The spans merged where they touch or overlap, in order.
    static func union(_ spans: [Span]) -> [Span] {
        var merged: [Span] = []
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// How much of [from, to) the spans cover.
    static func overlap(_ spans: [Span], from: Double, to: Double) -> Double {
        // Busy spans come in time order across a long run: find the first span that can
        // overlap by bisection rather than walking a month of shifts each time.
        var low = 0
        var high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].end <= from { low = middle + 1 } else { high = middle }
        }
        var total = 0.0
        for span in spans[low...] {
            if span.start >= to { break }
            let length = min(span.end, to) - max(span.start, from)
            if length > 0 { total += length }
        }
        return total
    }
}
