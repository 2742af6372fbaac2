import Foundation

/// What the kiosk does at start with its configuration directory: run with
/// it, or stay on the out-of-service screen (never crash) until it is fixed.
///
///     switch ConfigurationState.load(directory: url) {
///     case .ready(let configuration): …
///     case .outOfService(let errors):
///         for e in errors.errors { logger.error("configuration error", metadata: e.logMetadata) }
///         show the out-of-service screen; retry every outOfServiceRetrySeconds
///     }
public enum ConfigurationState: Sendable {
    case ready(KioskConfiguration)
    case outOfService(ConfigErrors)

    public static func load(directory: URL) -> ConfigurationState {
        let report = KioskConfiguration.check(directory: directory)
        if let configuration = report.configuration { return .ready(configuration) }
        return .outOfService(ConfigErrors(report.errors))
    }

    /// A short reason for the out-of-service screen, for the technician
    /// standing at the kiosk (the details are in the journal and in
    /// `bms-kiosk config check`).
    public var outOfServiceReason: String? {
        guard case .outOfService(let errors) = self else { return nil }
        let files = Set(errors.errors.map { ($0.file as NSString).lastPathComponent }).sorted()
        return "Configuration invalide: \(errors.errors.count) erreur(s) dans \(files.joined(separator: ", ")). "
            + "bms-kiosk config check"
    }
}

extension ConfigError {
    /// Structured fields for a log line (swift-log metadata as strings, so
    /// this module needs no logging dependency).
    public var logFields: [String: String] {
        var fields = ["file": file, "kind": kind.rawValue, "message": message]
        if let line { fields["line"] = String(line) }
        if let column { fields["column"] = String(column) }
        if !key.isEmpty { fields["key"] = key }
        return fields
    }
}

extension ConfigError: Encodable {
    enum CodingKeys: String, CodingKey { case kind, file, line, column, key, found, expected, didYouMean, isWarning, message }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(file, forKey: .file)
        try c.encodeIfPresent(line, forKey: .line)
        try c.encodeIfPresent(column, forKey: .column)
        try c.encode(key, forKey: .key)
        try c.encodeIfPresent(found, forKey: .found)
        try c.encodeIfPresent(expected, forKey: .expected)
        try c.encodeIfPresent(didYouMean, forKey: .didYouMean)
        try c.encode(isWarning, forKey: .isWarning)
        try c.encode(message, forKey: .message)
    }
}
