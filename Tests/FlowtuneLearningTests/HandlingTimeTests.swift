import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("Handling time")
struct HandlingTimeTests {
    /// Workers whose true log-mean is known: team means around log(300 s), workers around their team.
    struct Truth {
        var teams: [String: Double] = [:]
        var workers: [(id: String, team: String, logMean: Double, samples: Int)] = []
        let deviation = 0.5
    }

    static func world(seed: UInt64, teams: Int = 4, workersPerTeam: Int = 12, few: Int = 2, many: Int = 60)
        -> (truth: Truth, model: HandlingTimeModel, samples: [String: [Double]])
    {
        var random = SeededGenerator(seed: seed)
        var truth = Truth()
        for t in 0..<teams {
            let team = "team\(t)"
            truth.teams[team] = log(300) + random.normal(deviation: 0.3)
            for w in 0..<workersPerTeam {
                let logMean = truth.teams[team]! + random.normal(deviation: 0.25)
                truth.workers.append(("t\(t)w\(w)", team, logMean, w % 2 == 0 ? few : many))
            }
        }
        var model = HandlingTimeModel()
        var samples: [String: [Double]] = [:]
        // Interleave workers so the order of arrival is realistic, not worker by worker.
        let rounds = truth.workers.map(\.samples).max()!
        for round in 0..<rounds {
            for worker in truth.workers where round < worker.samples {
                let x = random.normal(mean: worker.logMean, deviation: truth.deviation)
                samples[worker.id, default: []].append(x)
                try! model.observe(HandlingTimeObservation(
                    taskType: "billing", step: "answer", worker: WorkerID(worker.id), team: worker.team, seconds: exp(x)))
            }
        }
        return (truth, model, samples)
    }

    @Test("shrunk estimates beat raw per-worker means for workers with few samples")
    func shrinkageBeatsRawMeans() {
        var shrunkError = 0.0
        var rawError = 0.0
        var count = 0.0
        for seed in UInt64(1)...5 {
            let (truth, model, samples) = Self.world(seed: seed)
            for worker in truth.workers where worker.samples <= 2 {
                let estimate = model.estimate(taskType: "billing", step: "answer", worker: WorkerID(worker.id), team: worker.team)!
                let raw = samples[worker.id]!.reduce(0, +) / Double(worker.samples)
                shrunkError += pow(estimate.logMean - worker.logMean, 2)
                rawError += pow(raw - worker.logMean, 2)
                count += 1
            }
        }
        let shrunk = shrunkError / count
        let raw = rawError / count
        print("handling time, workers with 2 samples: MSE of log-mean shrunk \(shrunk), raw \(raw) over \(Int(count)) workers")
        // Raw means have MSE σ²/n = 0.125; credibility with τ² = 0.0625 gives about σ²τ²/(nτ² + σ²) = 0.05.
        #expect(shrunk < 0.6 * raw)
    }

    @Test("the online estimate equals the batch Bühlmann–Straub estimate computed from the raw samples")
    func matchesBatchCredibility() throws {
        let (truth, model, samples) = Self.world(seed: 11)
        // Reference: deviations from group means, computed directly from the stored samples.
        let teams = Set(truth.workers.map(\.team))
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        let all = samples.values.flatMap { $0 }
        let n = Double(all.count)
        let overall = mean(all)
        var teamSamples: [String: [Double]] = [:]
        for worker in truth.workers { teamSamples[worker.team, default: []] += samples[worker.id]! }
        let W = Double(truth.workers.count)
        let T = Double(teams.count)
        var withinWorkerSS = 0.0
        var betweenWorkerSS = 0.0
        var workerSquaresOverTeam = 0.0
        for worker in truth.workers {
            let xs = samples[worker.id]!
            let m = mean(xs)
            withinWorkerSS += xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            betweenWorkerSS += Double(xs.count) * pow(m - mean(teamSamples[worker.team]!), 2)
            workerSquaresOverTeam += Double(xs.count * xs.count) / Double(teamSamples[worker.team]!.count)
        }
        let sigmaWorker = withinWorkerSS / (n - W)
        let tauWorker = (betweenWorkerSS - (W - T) * sigmaWorker) / (n - workerSquaresOverTeam)
        var withinTeamSS = 0.0
        var betweenTeamSS = 0.0
        var teamSquares = 0.0
        for xs in teamSamples.values {
            let m = mean(xs)
            withinTeamSS += xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            betweenTeamSS += Double(xs.count) * pow(m - overall, 2)
            teamSquares += Double(xs.count * xs.count)
        }
        let sigmaTeam = withinTeamSS / (n - T)
        let tauTeam = (betweenTeamSS - (T - 1) * sigmaTeam) / (n - teamSquares / n)
        #expect(tauWorker > 0 && tauTeam > 0)
        let kWorker = sigmaWorker / tauWorker
        let kTeam = sigmaTeam / tauTeam

        for worker in truth.workers {
            let team = teamSamples[worker.team]!
            let teamMean = (Double(team.count) * mean(team) + kTeam * overall) / (Double(team.count) + kTeam)
            let xs = samples[worker.id]!
            let expected = (Double(xs.count) * mean(xs) + kWorker * teamMean) / (Double(xs.count) + kWorker)
            let estimate = try #require(model.estimate(taskType: "billing", step: "answer", worker: WorkerID(worker.id), team: worker.team))
            #expect(abs(estimate.logMean - expected) < 1e-9)
            #expect(abs(estimate.credibility - Double(xs.count) / (Double(xs.count) + kWorker)) < 1e-9)
            #expect(estimate.level == .worker)
            #expect(estimate.model == ModelReference(name: "handling-time", version: 1))
        }
    }

    @Test("with many samples the estimate converges to the worker's true distribution")
    func convergesWithManySamples() throws {
        var random = SeededGenerator(seed: 7)
        var model = HandlingTimeModel()
        let truths: [(worker: String, team: String, logMean: Double)] = [
            ("fast", "a", log(120)), ("slow", "a", log(400)), ("mid", "b", log(240)), ("other", "b", log(200)),
        ]
        let deviation = 0.6
        for _ in 0..<3000 {
            for truth in truths {
                let seconds = exp(random.normal(mean: truth.logMean, deviation: deviation))
                try model.observe(HandlingTimeObservation(
                    taskType: "t", step: "s", worker: WorkerID(truth.worker), team: truth.team, seconds: seconds))
            }
        }
        for truth in truths {
            let estimate = try #require(model.estimate(taskType: "t", step: "s", worker: WorkerID(truth.worker), team: truth.team))
            let trueMean = exp(truth.logMean + deviation * deviation / 2)
            let trueP90 = exp(truth.logMean + 1.2815515655446004 * deviation)
            print("handling time, \(truth.worker) after 3000: μ \(estimate.logMean) vs \(truth.logMean), mean \(estimate.mean) vs \(trueMean), p90 \(estimate.upper) vs \(trueP90), Z \(estimate.credibility)")
            #expect(abs(estimate.logMean - truth.logMean) < 0.04)
            #expect(abs(estimate.mean / trueMean - 1) < 0.05)
            #expect(abs(estimate.upper / trueP90 - 1) < 0.05)
            #expect(estimate.credibility > 0.95)
        }
    }

    @Test("a worker with no history gets exactly the team's estimate, and a new team everyone's")
    func newWorkerFallsBackToTeam() throws {
        let (_, model, _) = Self.world(seed: 3)
        let team = try #require(model.estimate(taskType: "billing", step: "answer", team: "team1"))
        let newcomer = try #require(model.estimate(taskType: "billing", step: "answer", worker: "newcomer", team: "team1"))
        #expect(newcomer == team)
        #expect(newcomer.level == .team)
        #expect(newcomer.credibility == 0)
        // The newcomer's interval is wider than an experienced worker's.
        let veteran = try #require(model.estimate(taskType: "billing", step: "answer", worker: "t1w1", team: "team1"))
        #expect(newcomer.logVariance > veteran.logVariance)

        let newTeam = try #require(model.estimate(taskType: "billing", step: "answer", worker: "x", team: "new-team"))
        #expect(newTeam.level == .everyone)
        let statistics = try #require(model.segments[.init(taskType: "billing", step: "answer")])
        #expect(abs(newTeam.logMean - statistics.mean!) < 1e-12)
        #expect(model.estimate(taskType: "unknown", step: "answer", team: "team1") == nil)
    }

    @Test("the upper quantile and mean follow the lognormal formulas")
    func lognormalFormulas() throws {
        var model = HandlingTimeModel(configuration: .init(workerStrength: .fixed(4), teamStrength: .fixed(4)))
        for seconds in [100.0, 200, 150, 300] {
            try model.observe(HandlingTimeObservation(taskType: "t", step: "s", worker: "w", team: "a", seconds: seconds))
        }
        let estimate = try #require(model.estimate(taskType: "t", step: "s", worker: "w", team: "a"))
        #expect(abs(estimate.upper - exp(estimate.logMean + 1.2815515655446004 * estimate.logVariance.squareRoot())) < 1e-9)
        #expect(abs(estimate.quantile(0.5) - estimate.median) < 1e-9)
        #expect(estimate.mean > estimate.median)
        #expect(throws: InvalidObservation.self) {
            try model.observe(HandlingTimeObservation(taskType: "t", step: "s", worker: "w", team: "a", seconds: 0))
        }
    }

    @Test("the model survives a JSON round trip")
    func codable() throws {
        let (_, model, _) = Self.world(seed: 5, teams: 2, workersPerTeam: 3, many: 5)
        let decoded = try JSONDecoder().decode(HandlingTimeModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(decoded.estimate(taskType: "billing", step: "answer", worker: "t0w1", team: "team0")
            == model.estimate(taskType: "billing", step: "answer", worker: "t0w1", team: "team0"))
    }

    @Test("the standard normal quantile matches known values")
    func normalQuantile() {
        #expect(abs(StandardNormal.quantile(0.9) - 1.2815515655446004) < 1e-12)
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(StandardNormal.quantile(0.001) + 3.090232306167813) < 1e-10)
        #expect(abs(StandardNormal.cdf(StandardNormal.quantile(0.3)) - 0.3) < 1e-14)
    }
}
