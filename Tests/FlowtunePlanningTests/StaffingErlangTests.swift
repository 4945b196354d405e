import Foundation
import Testing

@testable import FlowtunePlanning

/// |a − b| ≤ tolerance · |b|, with b the reference.
private func close(_ value: Double, _ reference: Double, relative tolerance: Double = 1e-9) -> Bool {
    abs(value - reference) <= tolerance * abs(reference)
}

/// log(e^a + e^b) without overflow.
private func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return max(a, b) + log1p(exp(-abs(a - b)))
}

@Suite("Erlang C")
struct ErlangCQueueTests {
    @Test("One agent: P(wait) = ρ, SL = 1 − ρ·e^{−(μ−λ)t}, ASA = ρ/(μ−λ)")
    func oneAgent() {
        let lambda = 0.7 / 60, handling = 60.0, mu = 1 / handling
        let queue = ErlangCQueue(agents: 1, arrivalRate: lambda, meanHandlingTime: handling)
        let rho = lambda / mu
        #expect(close(queue.probabilityOfWait, rho))
        #expect(close(queue.serviceLevel(within: 30), 1 - rho * exp(-(mu - lambda) * 30)))
        #expect(close(queue.averageSpeedOfAnswer, rho / (mu - lambda)))
        #expect(close(queue.occupancy, rho))
    }

    @Test("Two agents: P(wait) = 2ρ²/(1+ρ) with ρ = λ/(2μ)")
    func twoAgents() {
        for rho in [0.05, 0.3, 2.0 / 3, 0.9, 0.999] {
            let handling = 180.0
            let lambda = rho * 2 / handling
            let queue = ErlangCQueue(agents: 2, arrivalRate: lambda, meanHandlingTime: handling)
            let wait = 2 * rho * rho / (1 + rho)
            #expect(close(queue.probabilityOfWait, wait), "ρ = \(rho)")
            #expect(close(queue.averageSpeedOfAnswer, wait / (2 / handling - lambda)), "ρ = \(rho)")
            #expect(close(queue.serviceLevel(within: 20), 1 - wait * exp(-(2 / handling - lambda) * 20)), "ρ = \(rho)")
        }
    }

    @Test("The textbook example: 360 calls per half hour, 4-minute calls, 55 agents, 15 s")
    func textbookExample() {
        // Reference: the factorial form of Erlang C evaluated with 50-digit arithmetic (mpmath).
        let queue = ErlangCQueue(agents: 55, arrivalRate: 360.0 / 1800, meanHandlingTime: 240)
        #expect(close(queue.offeredLoad, 48))
        #expect(close(queue.occupancy, 48.0 / 55))
        #expect(close(queue.probabilityOfWait, 0.23870093637800922))
        #expect(close(queue.serviceLevel(within: 15), 0.84588309217058032))
        #expect(close(queue.averageSpeedOfAnswer, 8.1840321043888901))
        // A small one: a call a minute, 3-minute calls, 5 agents, 60 s.
        let small = ErlangCQueue(agents: 5, arrivalRate: 1.0 / 60, meanHandlingTime: 180)
        #expect(close(small.probabilityOfWait, 0.23615160349854227))
        #expect(close(small.serviceLevel(within: 60), 0.87875572407685146))
        #expect(close(small.averageSpeedOfAnswer, 21.253644314868801))
    }

    @Test("Hundreds and thousands of agents agree with the sum of a^k/k! taken in log space")
    func largeCenters() {
        for (agents, load) in [(120, 110.0), (500, 480.5), (2000, 1950.0), (3000, 2400.0)] {
            // C = (a^c/c!·c/(c−a)) / (Σ_{k<c} a^k/k! + a^c/c!·c/(c−a)), every term in logs.
            var logBelow = -Double.infinity
            for k in 0..<agents { logBelow = logAdd(logBelow, Double(k) * log(load) - lgamma(Double(k + 1))) }
            let logTop = Double(agents) * log(load) - lgamma(Double(agents + 1)) + log(Double(agents) / (Double(agents) - load))
            let reference = exp(logTop - logAdd(logBelow, logTop))
            let queue = ErlangCQueue(agents: agents, arrivalRate: load / 300, meanHandlingTime: 300)
            #expect(close(queue.probabilityOfWait, reference), "\(agents) agents, \(load) erlangs")
            #expect(queue.probabilityOfWait > 0 && queue.probabilityOfWait < 1)
        }
    }

    @Test("An overloaded queue never answers within the target and waits forever")
    func overloaded() {
        let queue = ErlangCQueue(agents: 10, arrivalRate: 12.0 / 300, meanHandlingTime: 300)
        #expect(!queue.isStable)
        #expect(queue.probabilityOfWait == 1)
        #expect(queue.serviceLevel(within: 20) == 0)
        #expect(queue.averageSpeedOfAnswer == .infinity)
        #expect(queue.occupancy == 1)
    }
}

/// The M/M/c+M chain solved from its balance equations in log space, independently of the
/// closed forms: π_n ∝ Π λ / (min(k,c)μ + max(k−c,0)θ), truncated where the terms vanish.
/// The answered-within-t share comes from a tagged caller's own chain (i callers ahead, stepping
/// down at cμ + iθ, hanging up at θ) by uniformization; the speed of answer from the same chain's
/// first-step recursion.
private struct BirthDeathReference {
    var probabilityOfWait: Double
    var abandonment: Double
    var serviceLevel: Double
    var averageSpeedOfAnswer: Double

    init(agents c: Int, arrivalRate lambda: Double, meanHandlingTime: Double, meanPatience: Double, answerTime t: Double) {
        let mu = 1 / meanHandlingTime, theta = 1 / meanPatience
        var logWeights = [0.0]
        var peak = 0.0
        var n = 1
        while true {
            let death = Double(min(n, c)) * mu + Double(max(n - c, 0)) * theta
            logWeights.append(logWeights[n - 1] + log(lambda / death))
            peak = max(peak, logWeights[n])
            if n > c, death > lambda, logWeights[n] < peak - 60 { break }
            n += 1
        }
        let weights = logWeights.map { exp($0 - peak) }
        let total = weights.reduce(0, +)
        let pi = weights.map { $0 / total }
        let waiting = pi[c...].reduce(0, +)
        let queueLength = pi.indices.dropFirst(c).reduce(0.0) { $0 + Double($1 - c) * pi[$1] }
        probabilityOfWait = waiting
        abandonment = theta * queueLength / lambda

        // Tagged caller with i ahead: answered (within t) or not.
        let maxAhead = pi.count - 1 - c
        let rates = (0...maxAhead).map { Double(c) * mu + Double($0) * theta }
        let uniform = (rates.last ?? 0) + theta
        var withinSteps = [Double](repeating: 0, count: maxAhead + 1)   // h_m(i)
        var answeredWithin = [Double](repeating: 0, count: maxAhead + 1)
        let mean = uniform * t
        let steps = Int(mean + 12 * mean.squareRoot() + 30)
        var logPoisson = -mean   // log P(N = 0)
        for m in 0...steps {
            let poisson = exp(logPoisson)
            for i in 0...maxAhead { answeredWithin[i] += poisson * withinSteps[i] }
            var next = withinSteps
            for i in 0...maxAhead {
                let down = i == 0 ? 1 : withinSteps[i - 1]
                next[i] = rates[i] / uniform * down + (1 - (rates[i] + theta) / uniform) * withinSteps[i]
            }
            withinSteps = next
            logPoisson += log(mean) - log(Double(m + 1))
        }
        serviceLevel = pi[..<c].reduce(0, +) + (0...maxAhead).reduce(0.0) { $0 + pi[c + $1] * answeredWithin[$1] }

        // s(i) = P(answered | i ahead), w(i) = E[wait; answered | i ahead].
        var answered = 1.0, waitWhenAnswered = 0.0
        var totalAnswered = pi[..<c].reduce(0, +), totalWait = 0.0
        for i in 0...maxAhead {
            let leave = rates[i] + theta
            waitWhenAnswered = rates[i] / leave * (waitWhenAnswered + answered / leave)
            answered *= rates[i] / leave
            totalAnswered += pi[c + i] * answered
            totalWait += pi[c + i] * waitWhenAnswered
        }
        averageSpeedOfAnswer = totalWait / totalAnswered
    }
}

@Suite("Erlang A")
struct ErlangAQueueTests {
    /// Centres small and large, under- and overloaded, patient and not.
    static let cases: [(agents: Int, calls: Double, handling: Double, patience: Double, answer: Double)] = [
        (1, 1, 1, 1, 0.5),
        (3, 1.0 / 60, 180, 60, 30),
        (12, 10.0 / 300, 300, 600, 20),
        (100, 20.0 / 60, 300, 120, 20),
        (60, 80.0 / 300, 300, 90, 20),       // overloaded: 80 erlangs on 60 agents
        (480, 470.0 / 240, 240, 180, 15),
        (25, 20.0 / 200, 200, 2000, 30),     // patient callers, close to Erlang C
    ]

    @Test("Waiting, abandonment, service level and speed of answer agree with the birth–death chain to 1e-9")
    func againstBirthDeath() {
        for item in Self.cases {
            let queue = ErlangAQueue(agents: item.agents, arrivalRate: item.calls, meanHandlingTime: item.handling,
                                     meanPatience: item.patience)
            let reference = BirthDeathReference(agents: item.agents, arrivalRate: item.calls, meanHandlingTime: item.handling,
                                                meanPatience: item.patience, answerTime: item.answer)
            #expect(close(queue.probabilityOfWait, reference.probabilityOfWait), "\(item)")
            #expect(close(queue.abandonment, reference.abandonment), "\(item)")
            #expect(close(queue.serviceLevel(within: item.answer), reference.serviceLevel), "\(item)")
            #expect(close(queue.averageSpeedOfAnswer, reference.averageSpeedOfAnswer), "\(item)")
            #expect(close(queue.meanWait, queue.abandonment * item.patience))
        }
    }

    @Test("Published and 50-digit values: one agent with λ = μ = θ abandons with probability 1/e")
    func closedForms() {
        let single = ErlangAQueue(agents: 1, arrivalRate: 1, meanHandlingTime: 1, meanPatience: 1)
        #expect(close(single.abandonment, exp(-1)))
        #expect(close(single.probabilityOfWait, 1 - exp(-1)))
        // 100 agents, 20 calls a minute of 5 minutes, 2 minutes' patience; the chain in mpmath.
        let centre = ErlangAQueue(agents: 100, arrivalRate: 20.0 / 60, meanHandlingTime: 300, meanPatience: 120)
        #expect(close(centre.probabilityOfWait, 0.4040205709051325))
        #expect(close(centre.abandonment, 0.048810921439009202))
        #expect(close(centre.serviceLevel(within: 20), 0.85171527346090798))
        #expect(close(centre.averageSpeedOfAnswer, 5.5491283498429197))
    }

    @Test("Patience as long as the call: the chain is M/M/∞, so P(wait) is a Poisson tail")
    func infiniteServerCase() {
        let load = 37.5, agents = 40
        let queue = ErlangAQueue(agents: agents, arrivalRate: load / 200, meanHandlingTime: 200, meanPatience: 200)
        var below = 0.0, term = exp(-load)
        for k in 0..<agents {
            below += term
            term *= load / Double(k + 1)
        }
        #expect(close(queue.probabilityOfWait, 1 - below))
    }

    @Test("Very patient callers give back Erlang C")
    func patientLimit() {
        let c = ErlangCQueue(agents: 30, arrivalRate: 25.0 / 240, meanHandlingTime: 240)
        let a = ErlangAQueue(agents: 30, arrivalRate: 25.0 / 240, meanHandlingTime: 240, meanPatience: 1e7)
        #expect(close(a.probabilityOfWait, c.probabilityOfWait, relative: 1e-4))
        #expect(close(a.serviceLevel(within: 20), c.serviceLevel(within: 20), relative: 1e-4))
        #expect(close(a.averageSpeedOfAnswer, c.averageSpeedOfAnswer, relative: 1e-3))
    }

    @Test("Thousands of agents stay finite and ordered")
    func large() {
        let queue = ErlangAQueue(agents: 2500, arrivalRate: 2520.0 / 300, meanHandlingTime: 300, meanPatience: 150)
        #expect(queue.probabilityOfWait > 0.5 && queue.probabilityOfWait < 1)
        #expect(queue.abandonment > 0 && queue.abandonment < 0.05)
        let level = queue.serviceLevel(within: 20)
        #expect(level > 0 && level < 1)
        #expect(queue.averageSpeedOfAnswer.isFinite && queue.averageSpeedOfAnswer > 0)
        let reference = BirthDeathReference(agents: 2500, arrivalRate: 2520.0 / 300, meanHandlingTime: 300,
                                            meanPatience: 150, answerTime: 20)
        #expect(close(queue.probabilityOfWait, reference.probabilityOfWait))
        #expect(close(queue.abandonment, reference.abandonment))
        #expect(close(level, reference.serviceLevel))
    }
}
