import Logging

extension LogHandler {
    /// The metadata one line carries: the handler's own, then its provider's (the caller of the
    /// request under way), then the call's, a later key replacing an earlier one.
    ///
    /// Merged per line written rather than kept merged per request, so that a request that
    /// logs nothing renders nothing.
    func lineMetadata(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit { merged.merge(explicit) { _, new in new } }
        return merged
    }
}
