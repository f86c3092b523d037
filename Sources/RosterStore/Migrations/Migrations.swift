import SQLKit

/// Every migration, in order: one per file under `Migrations/`, named by its id.
///
/// Append only: a landed migration is never edited (a database that already ran it would never
/// get the change); a change is a new migration with the next number. `MigrationTests`
/// holds each landed file's SHA-256 and fails when one changes.
public enum Migrations {
    /// Every landed migration, in the order they apply.
    public static let all: [Migration] = [
        core, salesforceConnectors, salesforceSync, backOffice, searchByEmail, searchInCreationOrder, oneEmailIndex, access, batchSizes,
        editedMigrationsRepair, runStartedBy, importHistory, webhooks, syncHealth, liveSyncFailures, oauthStateApp, checkInTime, eventTimeZone, foldedSearch,
        erasures, userInvites, searchSortedByName,
    ]
}
