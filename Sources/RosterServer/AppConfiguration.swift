import Foundation
import Logging
import RosterStore

/// Everything `roster serve` needs to know, read once at start and checked before anything runs.
public struct AppConfiguration: Sendable {
    /// The address the HTTP server binds to.
    public var host: String
    /// The port; 0 asks the system for a free one (tests).
    public var port: Int
    public var database: DatabaseURL
    public var logLevel: Logger.Level
    /// The most bytes a request body may have, except imports.
    public var maxBodyBytes: Int
    /// The most bytes an import (JSON array or CSV) may have.
    public var maxImportBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseURL = .default, logLevel: Logger.Level = .info,
        maxBodyBytes: Int = 1 << 20, maxImportBytes: Int = 128 << 20
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.maxImportBytes = maxImportBytes
    }
}

/// A setting that can't be used, named with how to fix it.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension AppConfiguration {
    /// Builds the configuration from command-line values, falling back to `ROSTER_*` environment
    /// variables, then to defaults. The environment is read here and nowhere else.
    public static func resolve(
        host: String?, port: Int?, database: String?, logLevel: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.host = host ?? environment["ROSTER_HOST"] ?? configuration.host
        if let port {
            configuration.port = port
        } else if let text = environment["ROSTER_PORT"] {
            guard let value = Int(text) else { throw ConfigurationError("ROSTER_PORT='\(text)' is not a port number (0–65535)") }
            configuration.port = value
        }
        guard (0...65535).contains(configuration.port) else {
            throw ConfigurationError("the port \(configuration.port) is not between 0 and 65535 (--port or ROSTER_PORT)")
        }
        if let url = database ?? environment["ROSTER_DATABASE_URL"] {
            do { configuration.database = try DatabaseURL(parsing: url) }
            catch { throw ConfigurationError("--database / ROSTER_DATABASE_URL: \(error)") }
        }
        if let level = logLevel ?? environment["ROSTER_LOG_LEVEL"] {
            guard let value = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("ROSTER_LOG_LEVEL='\(level)' is not one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = value
        }
        return configuration
    }
}
