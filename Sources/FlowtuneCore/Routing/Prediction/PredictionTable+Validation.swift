import Foundation

extension PredictionTable {
    /// The first prediction that cannot be used, with the field to fix; nil when all can.
    ///
    /// A handling time must be a finite number of seconds of at least 0, its upper quantile at
    /// least the mean, and a resolution chance within 0...1.
    public var problem: (message: String, field: String)? {
        for type in types.keys.sorted() {
            let predictions = types[type]!
            if let everyone = predictions.everyone, let message = Self.problem(with: everyone) {
                return ("\(type), everyone: \(message)", "types.\(type).everyone")
            }
            for worker in predictions.workers.keys.sorted() {
                if let message = Self.problem(with: predictions.workers[worker]!) {
                    return ("\(type), worker \(worker): \(message)", "types.\(type).workers.\(worker)")
                }
            }
        }
        return nil
    }

    private static func problem(with prediction: Prediction) -> String? {
        if !prediction.handlingTime.isFinite || prediction.handlingTime < 0 {
            return "handling time must be a finite number of seconds, not \(prediction.handlingTime)"
        }
        if !prediction.handlingTimeUpper.isFinite || prediction.handlingTimeUpper < prediction.handlingTime {
            return "the upper handling time \(prediction.handlingTimeUpper) is below the mean \(prediction.handlingTime)"
        }
        if !(0...1).contains(prediction.resolution) {
            return "a resolution chance is within 0 and 1, not \(prediction.resolution)"
        }
        return nil
    }
}
