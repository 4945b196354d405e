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
}
