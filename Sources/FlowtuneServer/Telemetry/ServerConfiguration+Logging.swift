import Logging

extension ServerConfiguration {
    /// A logger writing in the configured format (`log.format`) at the configured level
    /// (`log.level`), to standard error.
    ///
    /// The handler is chosen per logger rather than through `LoggingSystem.bootstrap`, which may
    /// run once per process; tests and the demo make several servers in one process.
    public func makeLogger(label: String = "flowtune") -> Logger {
        var logger: Logger
        switch logFormat {
        case .json:
            logger = Logger(label: label) { label in JSONLogHandler(label: label, metadataProvider: RequestCaller.metadataProvider) }
        case .text:
            logger = Logger(label: label) { label in TextLogHandler(label: label, metadataProvider: RequestCaller.metadataProvider) }
        }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}
