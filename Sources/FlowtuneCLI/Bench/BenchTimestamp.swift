import FlowtuneCore

/// Writes the timestamps of the generated benchmark logs straight into their bytes, as a Dutch
/// clock writes them: +02:00 from April to October (close to the summer-time rule), +01:00
/// otherwise — so imports meet offsets that change within a log, as in BPI 2012 and receipt.csv.
enum BenchTimestamp {
    /// Appends `2011-10-11 13:45:40.276000+02:00` (`separator` between date and time, then
    /// `fractionDigits` digits of the second, rounded).
    static func append(_ seconds: Double, separator: UInt8, fractionDigits: Int, to bytes: inout [UInt8]) {
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let units = Int((seconds * Double(scale)).rounded())
        let whole = units / scale
        let offset = (4...10).contains(CivilDate.civil(fromDays: whole / 86400).month) ? 2 : 1
        let local = whole + offset * 3600
        let date = CivilDate.civil(fromDays: local / 86400)
        let clock = local % 86400
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(48 + value / divisor % 10))
                divisor /= 10
            }
        }
        digits(date.year, 4)
        bytes.append(0x2D)
        digits(date.month, 2)
        bytes.append(0x2D)
        digits(date.day, 2)
        bytes.append(separator)
        digits(clock / 3600, 2)
        bytes.append(0x3A)
        digits(clock / 60 % 60, 2)
        bytes.append(0x3A)
        digits(clock % 60, 2)
        if fractionDigits > 0 {
            bytes.append(0x2E)
            digits(units % scale, fractionDigits)
        }
        bytes.append(0x2B)
        digits(offset, 2)
        bytes.append(contentsOf: ":00".utf8)
    }
}
