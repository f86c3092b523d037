import Foundation

/// Where Roster keeps its data: an SQLite file or a PostgreSQL server.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file (created when missing).
    case sqlite(path: String)
    /// A PostgreSQL server, as a `postgres://user:password@host:port/database` URL.
    case postgres(url: String)

    /// The default: `roster.sqlite` in the working directory.
    public static let `default` = DatabaseURL.sqlite(path: "./roster.sqlite")

    /// Parses `sqlite://./relative.sqlite`, `sqlite:///absolute/path.sqlite`, or `postgres://…`.
    public init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmed()
        if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw .configuration("the database URL '\(text)' names no file; write sqlite://./roster.sqlite or sqlite:///var/lib/roster.sqlite")
            }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: trimmed), components.host?.isEmpty == false, components.path.count > 1 else {
                throw .configuration("the database URL '\(Self.redacted(text))' is not postgres://user:password@host:port/database")
            }
            self = .postgres(url: trimmed)
        } else {
            throw .configuration("the database URL '\(Self.redacted(text))' must start with sqlite:// or postgres://")
        }
    }

    /// The URL with any password hidden, for logs and messages.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
