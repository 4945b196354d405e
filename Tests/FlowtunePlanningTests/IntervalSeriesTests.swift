import Testing

@testable import FlowtunePlanning

@Suite("Interval series")
struct IntervalSeriesTests {
    @Test("Timestamps are counted in the interval they fall in; those outside the span are not")
    func counts() {
        let series = IntervalSeries(counting: [-1, 0, 899.9, 900, 1799, 1800, 5000], start: 0, interval: 900, count: 2)
        #expect(series.values == [2, 2])
        #expect(series.time(ofInterval: 1) == 900)
        #expect(series.intervalsPerDay == 96)
    }

    @Test("Counts per 15 minutes summed to half hours and hours; an incomplete last group is left out")
    func summed() {
        let quarters = IntervalSeries(start: 3600, interval: 900, values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let halves = quarters.summed(every: 2)
        #expect(halves.values == [3, 7, 11, 15])
        #expect(halves.interval == 1800 && halves.start == 3600 && halves.intervalsPerDay == 48)
        #expect(quarters.summed(every: 4).values == [10, 26])
        #expect(quarters.summed(every: 1) == quarters)
        // Counting at an hour directly gives the same as counting at 15 minutes and summing.
        let times: [Double] = [0, 100, 1000, 2000, 3599, 3600, 5000, 7100, 7300]
        let direct = IntervalSeries(counting: times, start: 0, interval: 3600, count: 2)
        #expect(IntervalSeries(counting: times, start: 0, interval: 900, count: 8).summed(every: 4) == direct)
    }
}
