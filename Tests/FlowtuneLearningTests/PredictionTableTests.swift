import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("Prediction tables from the models")
struct PredictionTableTests {
    /// ana always takes 100 s, bo 400 s; with no shrinkage (k = 0) and no spread within a worker
    /// the lognormal's variance is 0, so each worker's mean is exactly their own time.
    static func handlingModel() throws -> HandlingTimeModel {
        var model = HandlingTimeModel(configuration: .init(workerStrength: .fixed(0), teamStrength: .fixed(0)))
        for _ in 0..<5 {
            try model.observe(HandlingTimeObservation(taskType: "billing", step: "answer", worker: "ana", team: "red", seconds: 100))
            try model.observe(HandlingTimeObservation(taskType: "billing", step: "answer", worker: "bo", team: "blue", seconds: 400))
        }
        return model
    }

    @Test func eachWorkerGetsTheirOwnFigures() throws {
        var resolution = ResolutionModel(configuration: .init(workerStrength: .fixed(10), teamStrength: .fixed(4)))
        // ana: 9 of 10 first time; bo: 3 of 6.
        for index in 0..<10 {
            resolution.observe(ResolutionObservation(taskType: "billing", worker: "ana", team: "red", resolvedFirstTime: index != 0))
        }
        for index in 0..<6 {
            resolution.observe(ResolutionObservation(taskType: "billing", worker: "bo", team: "blue", resolvedFirstTime: index < 3))
        }
        let table = PredictionTable(
            handlingTime: try Self.handlingModel(), resolution: resolution,
            members: [.init(id: "ana", team: "red"), .init(id: "bo", team: "blue"), .init(id: "cy", team: "red")])
        let ana = try #require(table.prediction(taskType: "billing", worker: "ana"))
        let bo = try #require(table.prediction(taskType: "billing", worker: "bo"))
        #expect(abs(ana.handlingTime - 100) < 1e-9)
        #expect(abs(bo.handlingTime - 400) < 1e-9)
        #expect(abs(ana.handlingTimeUpper - 100) < 1e-9)

        // By hand: everyone Beta(1 + 12, 1 + 4), p₀ = 13/18; red (m_T = 4): (9 + 4·p₀)/(10 + 4);
        // ana (m_W = 10): (9 + 10·p_red)/(10 + 10). blue: (3 + 4·p₀)/(6 + 4); bo: (3 + 10·p_blue)/16.
        let p0 = 13.0 / 18
        let red = (9 + 4 * p0) / 14
        let blue = (3 + 4 * p0) / 10
        #expect(abs(ana.resolution - (9 + 10 * red) / 20) < 1e-9)
        #expect(abs(bo.resolution - (3 + 10 * blue) / 16) < 1e-9)
        // cy has no history: red's figures, ana's 100 s (k = 0, the team is ana).
        let cy = try #require(table.prediction(taskType: "billing", worker: "cy"))
        #expect(abs(cy.handlingTime - 100) < 1e-9)
        #expect(abs(cy.resolution - red) < 1e-9)
        // Everyone: the geometric mean of all times (the log-mean is 0.5·log 100 + 0.5·log 400),
        // spread by the variance between workers.
        let everyone = try #require(table.types["billing"]?.everyone)
        let estimate = try #require(Self.handlingModel().estimate(taskType: "billing", step: "answer", team: "\u{0}"))
        #expect(estimate.level == .everyone)
        #expect(abs(everyone.handlingTime - estimate.mean) < 1e-9)
        #expect(abs(estimate.logMean - log(200)) < 1e-9)
        #expect(table.modelText == "first-time-resolution@1, handling-time@1")
    }

    @Test func aTypeOfSeveralStepsAddsThem() throws {
        var model = try Self.handlingModel()
        for _ in 0..<5 {
            try model.observe(HandlingTimeObservation(taskType: "billing", step: "check", worker: "ana", team: "red", seconds: 30))
            try model.observe(HandlingTimeObservation(taskType: "billing", step: "check", worker: "bo", team: "blue", seconds: 60))
        }
        let table = PredictionTable(
            handlingTime: model, resolution: ResolutionModel(), members: [.init(id: "ana", team: "red"), .init(id: "bo", team: "blue")])
        #expect(abs((table.prediction(taskType: "billing", worker: "ana")?.handlingTime ?? 0) - 130) < 1e-9)
        #expect(abs((table.prediction(taskType: "billing", worker: "bo")?.handlingTime ?? 0) - 460) < 1e-9)
        // No resolution history: the uniform prior's mean.
        #expect(table.prediction(taskType: "billing", worker: "ana")?.resolution == 0.5)
    }

    @Test func anEmptyModelMakesAnEmptyTable() {
        let table = PredictionTable(handlingTime: HandlingTimeModel(), resolution: ResolutionModel(), members: [.init(id: "ana", team: "red")])
        #expect(table.types.isEmpty)
        #expect(table.prediction(taskType: "billing", worker: "ana") == nil)
    }
}
