import Foundation
import Logging
import NIOCore
import RosterStore
import SalesforceClient

/// Everything `roster serve` needs to know, read once at start and checked before anything runs.
public struct AppConfiguration: Sendable {
    /// The address the HTTP server binds to.
    public var host: String
    /// The port; 0 asks the system for a free one (tests).
    public var port: Int
    /// The database to open (`--database`, `ROSTER_DATABASE_URL`); `./roster.sqlite` by default.
    public var database: DatabaseURL
    /// The least severe level logged (`--log-level`, `ROSTER_LOG_LEVEL`); `info` by default.
    public var logLevel: Logger.Level
    /// The most bytes a request body may have, except imports.
    public var maxBodyBytes: Int
    /// The most bytes an import (JSON array, CSV or xlsx) may have (`ROSTER_MAX_IMPORT_MIB`, 128 by default).
    public var maxImportBytes: Int
    /// The most rows one import reads (`ROSTER_MAX_IMPORT_ROWS`, 1,000,000 by default); an import
    /// past it stops there (413) with what it stored.
    public var maxImportRows: Int = 1_000_000
    /// The most bytes a webhook delivery may have (4 MiB: 1,000 participants with room to spare).
    public var maxWebhookBytes: Int = 4 << 20
    /// Where the key that encrypts secrets at rest comes from.
    public var secretKey: SecretKeySetting
    /// Roster's URL as browsers reach it (for the OAuth callback); `nil` uses each request's origin.
    public var publicURL: String?
    /// How Salesforce requests are retried.
    public var salesforceRetry: RetryPolicy
    /// The hosts besides Salesforce's own domains a connector may use (`--salesforce-hosts`).
    public var salesforceHosts: SalesforceHosts
    /// When set, `/metrics` answers only `Authorization: Bearer <this>` (`--metrics-token`).
    public var metricsToken: String?
    /// Proxies in front of Roster (`--trusted-proxies`): behind them, the client's address for the
    /// sign-in throttle comes from `X-Forwarded-For`.
    public var trustedProxies: Set<String> = []
    /// How long a connection may stay idle before the server closes it.
    public var idleTimeout: Duration
    /// What one client can hold: connections per address, seconds for a request's head.
    public var connectionLimits = ConnectionLimits()
    /// How often runs paused by Salesforce's daily API allocation look again whether it allows
    /// them (`ROSTER_PAUSED_RUN_RETRY_SECONDS`, 60 by default); each look costs one call.
    public var pausedRunRetry: Duration = .seconds(60)

    /// What this process does (`--role`, `ROSTER_ROLE`): everything by default.
    public var role: ProcessRole = .all
    /// How long a sync worker's hold on an event lasts without renewal (`ROSTER_SYNC_LEASE_SECONDS`,
    /// 120 by default): the events of a process that died are taken over after at most this.
    public var syncLeaseSeconds: Double = 120
    /// How many events this process syncs at once (`--max-events`, `ROSTER_MAX_EVENTS`): one per core by default.
    public var maxEvents: Int = System.coreCount

    /// Makes a configuration from explicit values; the defaults are `roster serve`'s with nothing set.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseURL = .default, logLevel: Logger.Level = .info,
        maxBodyBytes: Int = 1 << 20, maxImportBytes: Int = 128 << 20, secretKey: SecretKeySetting = .besideDatabase,
        publicURL: String? = nil, salesforceRetry: RetryPolicy = RetryPolicy(), salesforceHosts: SalesforceHosts = SalesforceHosts(),
        metricsToken: String? = nil, idleTimeout: Duration = .seconds(75)
    ) {
        self.salesforceHosts = salesforceHosts
        self.metricsToken = metricsToken
        self.idleTimeout = idleTimeout
        self.secretKey = secretKey
        self.publicURL = publicURL
        self.salesforceRetry = salesforceRetry
        self.host = host
        self.port = port
        self.database = database
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.maxImportBytes = maxImportBytes
    }
}

/// Where the secret key (AES-256-GCM, for consumer secrets and tokens) comes from.
public enum SecretKeySetting: Sendable, Equatable {
    /// `ROSTER_SECRET_KEY`: base64 of 32 bytes.
    case base64(String)
    /// `ROSTER_SECRET_KEY_FILE`: a file holding that, made (mode 0600) when missing.
    case file(String)
    /// `<database file>.key` beside an SQLite database, made on first start; PostgreSQL
    /// deployments must set the key (every process shares it).
    case besideDatabase
}

extension AppConfiguration {
    /// The key's bytes, made on first start where the setting allows.
    /// - Throws: a ``ConfigurationError`` naming the setting.
    public func loadSecretKey() throws(ConfigurationError) -> (key: [UInt8], setting: String) {
        do {
            switch secretKey {
            case .base64(let text): return (try SecretKeys.decode(base64: text, setting: "ROSTER_SECRET_KEY"), "ROSTER_SECRET_KEY")
            case .file(let path): return (try SecretKeys.loadOrCreate(file: path), "ROSTER_SECRET_KEY_FILE (\(path))")
            case .besideDatabase:
                guard case .sqlite(let path) = database else {
                    throw StoreError.configuration("ROSTER_SECRET_KEY (base64 of 32 bytes, e.g. from `openssl rand -base64 32`) is required with PostgreSQL, so every process shares one key")
                }
                return (try SecretKeys.loadOrCreate(file: path + ".key"), "the secret key file \(path).key")
            }
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}

/// A setting that can't be used, named with how to fix it.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The problem, naming the setting (flag or environment variable) and the fix.
    public var description: String
    /// Makes an error with this message.
    public init(_ description: String) { self.description = description }
}

/// What one `roster serve` process does, when several share one PostgreSQL database.
public enum ProcessRole: String, Sendable, CaseIterable {
    /// The back office and the REST API; syncs nothing (runs it queues are taken by workers).
    case web
    /// The sync workers; answers only `/healthz` and `/metrics`.
    case worker
    /// Both: the single-machine default.
    case all

    /// Whether the process answers the back office and the API.
    public var servesRequests: Bool { self != .worker }
    /// Whether the process runs the sync workers.
    public var syncs: Bool { self != .web }
}

extension AppConfiguration {
    /// Builds the configuration from command-line values, falling back to `ROSTER_*` environment
    /// variables, then to defaults. The environment is read here and nowhere else.
    public static func resolve(
        host: String?, port: Int?, database: String?, logLevel: String? = nil, salesforceHosts: String? = nil, salesforceHostsOnly: Bool = false,
        metricsToken: String? = nil, trustedProxies: String? = nil, role: String? = nil, maxEvents: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> AppConfiguration {
        var configuration = AppConfiguration()
        if let text = role ?? environment["ROSTER_ROLE"] {
            guard let value = ProcessRole(rawValue: text.lowercased()) else {
                throw ConfigurationError("--role / ROSTER_ROLE='\(text)' is not one of web, worker, all")
            }
            configuration.role = value
        }
        if let count = maxEvents ?? environment["ROSTER_MAX_EVENTS"].map({ Int($0) ?? 0 }) {
            guard (1...256).contains(count) else {
                throw ConfigurationError("--max-events / ROSTER_MAX_EVENTS must be a whole number from 1 to 256 (events one process syncs at once)")
            }
            configuration.maxEvents = count
        }
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
        if let key = environment["ROSTER_SECRET_KEY"], !key.isEmpty {
            configuration.secretKey = .base64(key)
        } else if let file = environment["ROSTER_SECRET_KEY_FILE"], !file.isEmpty {
            configuration.secretKey = .file(file)
        }
        if let url = environment["ROSTER_PUBLIC_URL"], !url.isEmpty {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
                throw ConfigurationError("ROSTER_PUBLIC_URL='\(url)' is not an http(s) URL such as https://roster.example.org")
            }
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let list = salesforceHosts ?? environment["ROSTER_SALESFORCE_HOSTS"] {
            do { configuration.salesforceHosts = try SalesforceHosts(parsing: list) }
            catch { throw ConfigurationError("--salesforce-hosts / ROSTER_SALESFORCE_HOSTS: \(error)") }
        }
        if salesforceHostsOnly || ["1", "true", "yes"].contains(environment["ROSTER_SALESFORCE_HOSTS_ONLY"]?.lowercased() ?? "") {
            configuration.salesforceHosts.includesSalesforceDomains = false
        }
        if let token = metricsToken ?? environment["ROSTER_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw ConfigurationError("--metrics-token / ROSTER_METRICS_TOKEN must have at least 16 characters") }
            configuration.metricsToken = token
        }
        if let list = trustedProxies ?? environment["ROSTER_TRUSTED_PROXIES"] {
            configuration.trustedProxies = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        configuration.connectionLimits.exempt = configuration.trustedProxies
        if let text = environment["ROSTER_MAX_CONNECTIONS_PER_ADDRESS"] {
            guard let count = Int(text), (1...100_000).contains(count) else {
                throw ConfigurationError("ROSTER_MAX_CONNECTIONS_PER_ADDRESS='\(text)' is not a number of connections between 1 and 100000")
            }
            configuration.connectionLimits.perAddress = count
        }
        if let text = environment["ROSTER_REQUEST_HEAD_SECONDS"] {
            guard let seconds = Int(text), (1...300).contains(seconds) else {
                throw ConfigurationError("ROSTER_REQUEST_HEAD_SECONDS='\(text)' is not a number of seconds between 1 and 300")
            }
            configuration.connectionLimits.requestHeadSeconds = seconds
        }
        if let text = environment["ROSTER_PAUSED_RUN_RETRY_SECONDS"] {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw ConfigurationError("ROSTER_PAUSED_RUN_RETRY_SECONDS='\(text)' is not a number of seconds between 1 and 3600")
            }
            configuration.pausedRunRetry = .seconds(seconds)
        }
        if let text = environment["ROSTER_SYNC_LEASE_SECONDS"] {
            guard let seconds = Double(text), (5...3600).contains(seconds) else {
                throw ConfigurationError("ROSTER_SYNC_LEASE_SECONDS='\(text)' is not a number of seconds between 5 and 3600")
            }
            configuration.syncLeaseSeconds = seconds
        }
        if let text = environment["ROSTER_MAX_IMPORT_MIB"] {
            guard let mebibytes = Int(text), (1...4096).contains(mebibytes) else {
                throw ConfigurationError("ROSTER_MAX_IMPORT_MIB='\(text)' is not a number of MiB between 1 and 4096")
            }
            configuration.maxImportBytes = mebibytes << 20
        }
        if let text = environment["ROSTER_MAX_IMPORT_ROWS"] {
            guard let rows = Int(text), (1...100_000_000).contains(rows) else {
                throw ConfigurationError("ROSTER_MAX_IMPORT_ROWS='\(text)' is not a number of rows between 1 and 100000000")
            }
            configuration.maxImportRows = rows
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
