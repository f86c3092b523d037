import Testing
@testable import RosterStore

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test func sqliteAndPostgresURLs() throws {
        #expect(try DatabaseURL(parsing: "sqlite://./roster.sqlite") == .sqlite(path: "./roster.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite:///var/lib/roster.sqlite") == .sqlite(path: "/var/lib/roster.sqlite"))
        #expect(try DatabaseURL(parsing: "postgres://u:p@localhost:5432/roster") == .postgres(url: "postgres://u:p@localhost:5432/roster"))
    }

    @Test func badURLsNameTheFix() {
        #expect(throws: StoreError.configuration("the database URL 'mysql://x' must start with sqlite:// or postgres://")) {
            try DatabaseURL(parsing: "mysql://x")
        }
        #expect(throws: StoreError.self) { try DatabaseURL(parsing: "postgres://localhost") }
    }

    @Test func passwordsAreHiddenInDescriptions() throws {
        #expect(try DatabaseURL(parsing: "postgres://u:secret@db:5432/roster").description == "postgres://u:***@db:5432/roster")
    }

    @Test func tokensAreStoredAsDigests() {
        #expect(TokenRepository.digest("rst_abc").count == 64)
        #expect(TokenRepository.digest("rst_abc") != "rst_abc")
    }
}
