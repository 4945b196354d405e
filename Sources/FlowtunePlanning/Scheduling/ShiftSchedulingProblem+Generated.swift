import FlowtuneCore
import Foundation

extension ShiftSchedulingProblem {
    /// What a generated instance's templates cost.
    public enum GeneratedCost: Sendable, Hashable, Codable {
        /// One per worker: the schedule's cost is its headcount.
        case headcount
        /// Paid time per worker over the horizon, in intervals: the wage bill at a flat rate.
        case paidTime
        /// Paid time with premiums: each paid interval between 20:00 and 06:00 counts 1.25,
        /// each on the horizon's days 5 and 6 (the weekend) 1.5, both 1.75 — costs on a
        /// quarter-interval grid that differ between templates of the same length.
        case premiumPaidTime
    }

    /// The shape of a generated instance's calls over the day.
    public enum GeneratedDemand: Sendable, Hashable, Codable {
        /// Office hours: a night trough, a late-morning peak, a smaller mid-afternoon one and an
        /// early-evening shoulder.
        case officeHours
        /// After work: quiet mornings, a lunchtime bump and the main peak around 19:00.
        case eveningPeak
        /// Around the clock: a high floor through the night with a broad daytime hump.
        case roundTheClock
    }

    /// A contact centre's scheduling problem, for tests and benchmarks: `days` days of
    /// `intervalsPerDay` intervals, open around the clock, and `templates` shift templates.
    ///
    /// Calls follow a working day's shape — a night trough, a late-morning peak, a smaller
    /// mid-afternoon one and an early-evening shoulder, busier on Mondays and quieter at the
    /// weekend, with ±6% noise — at up to `peakCalls` calls per 15 minutes of 5 minutes each;
    /// the requirement is the Erlang C staff for 80% within 20 s at 30% shrinkage, so it peaks
    /// near 1.6 × peakCalls / 3 staff.
    ///
    /// Templates are 4 to 10 hours long on a half-hour grid, each with one break near its
    /// middle (30 minutes from 6 hours on, 15 before). Six 8-hour shifts four hours apart come
    /// first so every interval is covered; the rest start at random. On horizons of six days or
    /// more each shift shape is offered on every rotation of `days − 2` consecutive working
    /// days (five on, two off in a week) until `templates` are made; shorter horizons work
    /// every day.
    ///
    /// `demand` picks another day shape and `cost` another price of the templates, so that the
    /// scheduler is measured on more than one kind of week.
    ///
    /// ```swift
    /// let day = ShiftSchedulingProblem.contactCentre(days: 1, templates: 34, seed: 1)
    /// let week = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 1)
    /// ```
    public static func contactCentre(
        days: Int, templates: Int, seed: UInt64, intervalsPerDay: Int = 96, peakCalls: Double = 250,
        cost: GeneratedCost = .headcount, demand: GeneratedDemand = .officeHours
    ) -> ShiftSchedulingProblem {
        precondition(days >= 1, "at least a day")
        precondition(intervalsPerDay >= 24 && intervalsPerDay % 24 == 0, "whole intervals per hour")
        var random = SeededGenerator(seed: seed)
        let perHour = intervalsPerDay / 24
        let intervalSeconds = 86_400 / Double(intervalsPerDay)

        // Calls per interval: the day's shape times the weekday's volume, with noise.
        func bump(_ hour: Double, _ centre: Double, _ width: Double) -> Double {
            exp(-0.5 * pow((hour - centre) / width, 2))
        }
        let weekday = [1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45]
        var calls: [Double] = []
        for day in 0..<days {
            for interval in 0..<intervalsPerDay {
                let hour = (Double(interval) + 0.5) / Double(perHour)
                let shape: Double
                switch demand {
                case .officeHours:
                    shape = 0.05 + 0.95 * min(1, 0.9 * bump(hour, 10.5, 1.8) + 0.75 * bump(hour, 14.5, 2.0)
                        + 0.35 * bump(hour, 19.0, 1.6))
                case .eveningPeak:
                    shape = 0.08 + 0.92 * min(1, 0.45 * bump(hour, 12.5, 1.5) + 1.0 * bump(hour, 19.0, 2.2))
                case .roundTheClock:
                    shape = 0.4 + 0.6 * min(1, bump(hour, 13.0, 4.0) + 0.3 * bump(hour, 21.0, 2.0))
                }
                let noise = 1 + 0.12 * (Double.random(in: 0..<1, using: &random) - 0.5)
                calls.append((peakCalls * intervalSeconds / 900 * shape * weekday[day % 7] * noise).rounded())
            }
        }
        let plan = try! StaffingPlan(
            arrivals: IntervalSeries(start: 0, interval: intervalSeconds, values: calls), meanHandlingTime: 300,
            target: StaffingTarget(serviceLevel: 0.8, answerTime: 20), shrinkage: 0.3)

        // Shift shapes: (start, length, break offset, break length).
        var shapes: [(start: Int, length: Int, breakOffset: Int, breakLength: Int)] = []
        func addShape(start: Int, length: Int) -> Bool {
            guard !shapes.contains(where: { $0.start == start && $0.length == length }) else { return false }
            let breakLength = length >= 6 * perHour ? max(1, perHour / 2) : max(1, perHour / 4)
            let jitter = Int.random(in: -(perHour / 2)...(perHour / 2), using: &random)
            let offset = min(max(perHour, (length - breakLength) / 2 + jitter), length - perHour - breakLength)
            shapes.append((start, length, offset, breakLength))
            return true
        }
        for start in stride(from: 0, to: intervalsPerDay, by: 4 * perHour) { _ = addShape(start: start, length: 8 * perHour) }
        let halfHour = max(1, perHour / 2)
        let patterns: [[Int]] = days >= 6
            ? (0..<days).map { first in (0..<(days - 2)).map { (first + $0) % days }.sorted() }
            : [Array(0..<days)]
        precondition(templates >= shapes.count * patterns.count, "templates for the six covering shifts on every rotation")
        let shapesNeeded = (templates + patterns.count - 1) / patterns.count
        while shapes.count < shapesNeeded {
            let length = Int.random(in: 8...20, using: &random) * halfHour
            let start = Int.random(in: 0..<(intervalsPerDay / halfHour), using: &random) * halfHour
            _ = addShape(start: start, length: length)
        }

        var made: [ShiftTemplate] = []
        outer: for (index, shape) in shapes.enumerated() {
            for (rotation, pattern) in patterns.enumerated() {
                if made.count == templates { break outer }
                let worked = shape.length - shape.breakLength
                let hours = Double(shape.start) / Double(perHour)
                let name = String(format: "s%02d-%02d:%02d-%.1fh", index, Int(hours), Int((hours - hours.rounded(.down)) * 60),
                                  Double(shape.length) / Double(perHour)) + (patterns.count > 1 ? "-r\(rotation)" : "")
                let template = ShiftTemplate(
                    name: name, start: shape.start, length: shape.length,
                    breaks: [.init(offset: shape.breakOffset, length: shape.breakLength)], days: pattern)
                var price: Double
                switch cost {
                case .headcount: price = 1
                case .paidTime: price = Double(worked * pattern.count)
                case .premiumPaidTime:
                    price = 0
                    for day in pattern {
                        for offset in 0..<shape.length where template.isWorking(atOffset: offset) {
                            let interval = day * intervalsPerDay + shape.start + offset
                            let hour = (interval % intervalsPerDay) / perHour
                            let weekend = (interval / intervalsPerDay) % days % 7 >= 5
                            let night = hour >= 20 || hour < 6
                            price += 1 + (night ? 0.25 : 0) + (weekend ? 0.5 : 0)
                        }
                    }
                }
                made.append(ShiftTemplate(name: template.name, start: template.start, length: template.length,
                                          breaks: template.breaks, days: template.days, cost: price))
            }
        }
        return try! ShiftSchedulingProblem(required: plan.scheduledStaff, intervalsPerDay: intervalsPerDay, templates: made)
    }
}
