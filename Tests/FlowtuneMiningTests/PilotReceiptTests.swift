import Foundation
import Testing

@testable import FlowtuneMining

/// receipt.csv, beside the repository in ../shared/data (CI clones shared/ next to the repo).
private let receiptCSV = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/data/receipt.csv").standardizedFileURL

/// The pilot measures of a real log against an independent computation from the CSV in Python
/// (scipy 1.17.1, statsmodels 0.14). The script, run as is, printed the literals below:
///
/// ```python
/// # Independent reference for PilotReceiptTests: the pilot measures of receipt.csv, from the CSV.
/// import csv, collections, re
/// import numpy as np, scipy.stats as st
/// from statsmodels.stats.proportion import proportions_ztest
///
/// def seconds(text):  # as Timestamp.parse does it, operation by operation
///     m = re.fullmatch(r'(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d):(\d\d)', text)
///     y, mo, d, h, mi, s, frac, sign, oh, om = m.groups()
///     import datetime
///     days = (datetime.date(int(y), int(mo), int(d)) - datetime.date(1970, 1, 1)).days
///     t = float(days * 86400)
///     t += float(int(h) * 3600 + int(mi) * 60 + int(s))
///     if frac: t += float(int(frac[:9])) / float(10 ** len(frac[:9]))
///     return t - (1 if sign == '+' else -1) * float(int(oh) * 3600 + int(om) * 60)
///
/// cases = collections.OrderedDict()
/// for r in list(csv.reader(open('/work/shared/data/receipt.csv')))[1:]:
///     cases.setdefault(r[1], []).append((seconds(r[14]), r[10], r[12]))
/// for v in cases.values(): v.sort(key=lambda e: e[0])  # stable: ties keep file order
/// asof = max(e[0] for v in cases.values() for e in v)
/// END = {'T10 Determine necessity to stop indication'}
/// EXC = lambda a, g: a == 'T16 Report reasons to hold request' or a.startswith('T11')
/// RESCUE = lambda a, g: g in ('Group 13', 'Group 15')
/// WIN = lambda a: 2 * 86400 if a == 'Confirmation of receipt' else 7 * 86400
///
/// def outcome(v, handoff=None):
///     closed = v[-1][1] in END
///     waits = [max(0.0, v[k + 1][0] - v[k][0]) for k in range(len(v) - 1)]
///     if handoff:
///         occ = [k for k in range(len(v) - 1) if v[k][1] == handoff[0] and v[k + 1][1] == handoff[1]]
///         if not occ:
///             if closed or v[-1][1] != handoff[0]: return None
///             lo = hi = len(v) - 1; done = False; resp = None; waiting = True
///         else:
///             lo, hi = occ[0], occ[-1] + 1; done = True; resp = sum(waits[k] for k in occ) / len(occ); waiting = False
///     else:
///         lo, hi = 0, len(v) - 1; done = closed; resp = sum(waits) / len(waits) if waits else None; waiting = not closed
///     span = v[lo:hi + 1]
///     stale = any(waits[k] > WIN(v[k][1]) for k in range(lo, hi)) or (waiting and asof - v[-1][0] > WIN(v[-1][1]))
///     acts = [e[1] for e in span]
///     return dict(start=v[0][0], cycle=max(0.0, max(e[0] for e in span) - span[0][0]) if done else None, resp=resp,
///                 exc=any(EXC(e[1], e[2]) for e in span), rework=len(set(acts)) < len(acts), stale=stale,
///                 ok=done and not any(RESCUE(e[1], e[2]) for e in span), closed=done)
///
/// def compare(lo1, hi1, lo2, hi2, handoff=None):
///     outs = [o for o in (outcome(v, handoff) for v in cases.values()) if o]
///     b = [o for o in outs if lo1 <= o['start'] < hi1]; a = [o for o in outs if lo2 <= o['start'] < hi2]
///     print('cases', len(b), sum(not o['closed'] for o in b), len(a), sum(not o['closed'] for o in a))
///     for k in ('cycle', 'resp'):
///         x = [o[k] for o in a if o[k] is not None]; y = [o[k] for o in b if o[k] is not None]
///         r = st.mannwhitneyu(x, y, alternative='two-sided', use_continuity=True)  # method='auto'
///         print(k, len(y), repr(float(np.median(y))), len(x), repr(float(np.median(x))), 'U1', float(r.statistic), 'p', repr(float(r.pvalue)))
///     for k in ('exc', 'rework', 'stale', 'ok'):
///         ca = sum(o[k] for o in a); cb = sum(o[k] for o in b)
///         z, p = proportions_ztest([ca, cb], [len(a), len(b)]) if 0 < ca + cb < len(a) + len(b) else (None, 1.0)
///         print(k, cb, len(b), ca, len(a), 'p', repr(float(p)))
///
/// day = lambda s: seconds(s + ' 00:00:00+00:00')
/// compare(day('2010-10-01'), day('2011-04-01'), day('2011-04-01'), day('2011-10-01'))
/// compare(day('2010-10-01'), day('2011-04-01'), day('2011-04-01'), day('2011-10-01'),
///         ('T02 Check confirmation of receipt', 'T04 Determine confirmation of receipt'))
/// ```
@Suite("Pilot comparison on receipt.csv")
struct PilotReceiptTests {
    /// The log read straight into the builder, so this test stands apart from the CSV importer:
    /// the file has no quoted fields, one complete event a row.
    static func receipt() throws -> EventLog {
        let text = try String(contentsOf: receiptCSV, encoding: .utf8)
        var builder = EventLogBuilder()
        let channel = builder.attributeKeys.intern("channel")
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let c = builder.caseIDs.intern(fields[1])
            let time = try #require(Timestamp.parse(fields[14]))
            builder.add(RawEvent(
                caseIndex: c, activity: builder.activities.intern(fields[10]), time: time,
                resource: builder.resources.intern(fields[13]), group: builder.groups.intern(fields[12])))
            builder.setCaseAttribute(caseIndex: c, key: channel, value: builder.attributeValues.intern(fields[0]))
        }
        return builder.build()
    }

    static let rules = LogRules(
        exceptions: Markers(activities: ["T16 Report reasons to hold request", "T11*"]),
        rescue: Markers(groups: ["Group 13", "Group 15"]), responseWindow: 7 * 86400,
        responseWindows: ["Confirmation of receipt": 2 * 86400], endActivities: ["T10 Determine necessity to stop indication"])

    private static func close(_ actual: Double?, _ expected: Double, _ relative: Double = 1e-9) -> Bool {
        actual.map { abs($0 - expected) <= relative * abs(expected) } ?? false
    }

    @Test("The whole workflow, October–March against April–September 2011")
    func workflow() throws {
        let log = try Self.receipt()
        #expect(log.caseCount == 1434)
        let comparison = try PilotComparison(
            log: log, rules: Self.rules, before: TimeRange(parsing: "2010-10-01..2011-03-31"),
            after: TimeRange(parsing: "2011-04-01..2011-09-30"))
        // cases 575 359 552 152
        #expect(comparison.beforeCases.total == 575 && comparison.beforeCases.open == 359)
        #expect(comparison.afterCases.total == 552 && comparison.afterCases.open == 152)

        // cycle 216 416341.42449998856 400 329.62800002098083 U1 26504.5 p 2.3569141322634785e-15
        let cycle = try #require(comparison[.cycleTime])
        #expect(cycle.before.n == 216 && Self.close(cycle.before.value, 416341.42449998856))
        #expect(cycle.after.n == 400 && Self.close(cycle.after.value, 329.62800002098083))
        #expect(cycle.mannWhitney?.u1 == 26504.5 && cycle.mannWhitney?.method == .asymptotic)
        #expect(Self.close(cycle.pValue, 2.3569141322634785e-15, 1e-6))
        #expect(cycle.verdict == .improved)
        // resp 533 54241.70940003395 511 127.04054546356201 U1 77300.5 p 1.1914078880711294e-33
        let response = try #require(comparison[.ownerResponseTime])
        #expect(response.before.n == 533 && Self.close(response.before.value, 54241.70940003395))
        #expect(response.after.n == 511 && Self.close(response.after.value, 127.04054546356201))
        #expect(response.mannWhitney?.u1 == 77300.5)
        #expect(Self.close(response.pValue, 1.1914078880711294e-33, 1e-6))

        // exc 25/575 → 23/552 p 0.8803268114243755; rework 64 → 20 p 1.6110779206573754e-06;
        // stale 439 → 231 p 4.290118178092559e-32; ok 207 → 396 p 2.6258668294780562e-33
        let rates: [(OutcomeMeasure, Int, Int, Double, Verdict)] = [
            (.exceptionRate, 25, 23, 0.8803268114243755, .noSignificantChange),
            (.reworkRate, 64, 20, 1.6110779206573754e-06, .improved),
            (.staleRate, 439, 231, 4.290118178092559e-32, .improved),
            (.finishedWithoutRescue, 207, 396, 2.6258668294780562e-33, .improved),
        ]
        for (measure, before, after, p, verdict) in rates {
            let row = try #require(comparison[measure])
            #expect(row.before.count == before && row.before.n == 575, "\(measure)")
            #expect(row.after.count == after && row.after.n == 552, "\(measure)")
            #expect(Self.close(row.pValue, p, 1e-6), "\(measure)")
            #expect(row.verdict == verdict, "\(measure)")
        }
    }

    @Test("Around the hand-off T02 → T04")
    func handOff() throws {
        let comparison = try PilotComparison(
            log: try Self.receipt(), rules: Self.rules, before: TimeRange(parsing: "2010-10-01..2011-03-31"),
            after: TimeRange(parsing: "2011-04-01..2011-09-30"),
            scope: .handOff(from: "T02 Check confirmation of receipt", to: "T04 Determine confirmation of receipt"))
        // cases 412 1 458 4
        #expect(comparison.beforeCases.total == 412 && comparison.beforeCases.open == 1)
        #expect(comparison.afterCases.total == 458 && comparison.afterCases.open == 4)
        // cycle 411 94.57299995422363 454 22.5 U1 64547.0 p 4.705866133240921e-15
        let cycle = try #require(comparison[.cycleTime])
        #expect(cycle.before.n == 411 && Self.close(cycle.before.value, 94.57299995422363))
        #expect(cycle.after.n == 454 && Self.close(cycle.after.value, 22.5))
        #expect(cycle.mannWhitney?.u1 == 64547 && Self.close(cycle.pValue, 4.705866133240921e-15, 1e-6))
        // resp ... U1 64574.0 p 4.989514971149501e-15
        let response = try #require(comparison[.ownerResponseTime])
        #expect(response.mannWhitney?.u1 == 64574 && Self.close(response.pValue, 4.989514971149501e-15, 1e-6))
        #expect(response.verdict == .improved)
        // exc 0 → 0 p 1.0; rework 1 → 0 p 0.29144597909414727; stale 8 → 6 p 0.45969081880509244;
        // ok 411 → 454 p 0.21919881585083223
        #expect(comparison[.exceptionRate]?.pValue == 1)
        #expect(Self.close(comparison[.reworkRate]?.pValue, 0.29144597909414727))
        #expect(comparison[.staleRate]?.before.count == 8 && comparison[.staleRate]?.after.count == 6)
        #expect(Self.close(comparison[.staleRate]?.pValue, 0.45969081880509244))
        #expect(comparison[.finishedWithoutRescue]?.after.count == 454)
        #expect(Self.close(comparison[.finishedWithoutRescue]?.pValue, 0.21919881585083223))
        #expect(comparison.measures.filter { $0.measure.isDuration == false }.allSatisfy { $0.verdict == .noSignificantChange })
    }
}
