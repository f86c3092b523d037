/// Why the store could not do what was asked.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database settings are wrong; the message names the setting and the fix.
    case configuration(String)
    /// No such record (the message names what was looked for).
    case notFound(String)
    /// The change would break a uniqueness rule (e.g. a second participant with that email).
    case conflict(String)
    /// The record changed (another request, another process) between its read and this write,
    /// which was not made: read it again and apply the change to what it is now.
    case versionConflict(String)
    /// Stored data could not be read back (a bug or a hand-edited database).
    case corrupt(String)
    /// The store is not taking writes now (shutting down); the same request may succeed later.
    case unavailable(String)

    /// The case's message: what failed and, where there is one, the fix.
    public var description: String {
        switch self {
        case .configuration(let message), .notFound(let message), .conflict(let message), .versionConflict(let message),
             .corrupt(let message), .unavailable(let message): message
        }
    }
}
