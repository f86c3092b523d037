import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import RosterConnector
import RosterCore
import RosterFiles
import RosterStore
import RosterSync
import RosterWeb
import SalesforceClient
import ServiceLifecycle
import SQLiteReader

/// The composition root: builds the whole application from its configuration. `roster serve`
/// runs what this returns; tests call it too, so they exercise the real wiring.
///
/// The database is migrated before the application is returned, so a server never answers
/// with an out-of-date schema.
public func buildApplication(
    configuration: AppConfiguration,
    ids: any IDGenerator = UUIDv7Generator(),
    now: @escaping @Sendable () -> Date = Date.init
) async throws -> some ApplicationProtocol {
    let services = try await AppServices.open(configuration: configuration, ids: ids, now: now)
    let logger = services.logger
    let sessions = SessionRepository(database: services.database, now: now)
    let backOffice = try await BackOffice.load(.init(
        events: services.events, participants: services.participants,
        connectors: services.connectors, syncRuns: services.syncRuns, health: services.health, sessions: sessions,
        accounts: UserAccounts(database: services.database, now: now), throttle: SignInThrottle(now: now),
        secureCookies: configuration.publicURL?.hasPrefix("https://") ?? false, trustedProxies: configuration.trustedProxies
    ))
    let router = try buildRouter(configuration: configuration, services: services, sessions: sessions, backOffice: backOffice, ids: ids, now: now)
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, idleTimeout: .seconds(Int64(configuration.idleTimeout.components.seconds)),
                                limits: configuration.connectionLimits)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "roster"),
        // Started in this order, stopped in reverse after the HTTP server: the sync workers
        // stop first, queued writes are committed, then the database closes. A web process
        // syncs nothing; a worker takes no participant writes.
        services: ([services.database, services.http] as [any Service]) + (configuration.role.servesRequests ? [services.writer] : [])
            + (configuration.role.syncs ? [services.sync] : []),
        logger: logger
    )
}

/// Everything the application is made of, wired once: what `serve` runs as services and what
/// the shell commands (`roster sync`) use directly.
public struct AppServices: Sendable {
    /// The application's logger (`roster`), at the configured level.
    public let logger: Logger
    /// The migrated database, its secret key checked; a service that closes it on shutdown.
    public let database: RosterDatabase
    /// The HTTP client every Salesforce request goes out on; a service.
    public let http: SalesforceHTTPClient
    /// Group-commits the API's participant writes (upserts and updates); a service.
    public let writer: ParticipantWriter
    /// Events and their participant schemas.
    public let events: EventRepository
    /// Participants, their pages and counts (written through ``writer``).
    public let participants: ParticipantRepository
    /// Every event's Salesforce connector: settings, connection, and a client per connection.
    public let connectors: ConnectorService
    /// The webhook sources registration tools deliver to.
    public let webhooks: WebhookRepository
    /// Forced runs, sync history, event leases and the outbox.
    public let syncRuns: SyncRepository
    /// Carries out forced runs and live syncs; `roster sync` drives it directly.
    public let engine: SyncEngine
    /// The sync workers `roster serve` runs as a service: queued runs, retries, and the live sync.
    public let sync: SyncService
    /// Each event's sync health, for the API and the banner.
    public let health: SyncHealthReader

    /// Opens the database (migrated, its secret key checked) and builds the rest on it.
    public static func open(configuration: AppConfiguration, ids: any IDGenerator = UUIDv7Generator(),
                            now: @escaping @Sendable () -> Date = Date.init) async throws -> AppServices {
        let logger = Logger(label: "roster", level: configuration.logLevel)
        _ = Observability.registry
        let (key, keySetting) = try configuration.loadSecretKey()
        let secrets = try SecretBox(key: key)
        let database = try RosterDatabase(url: configuration.database, logger: logger)
        do {
            try await Migrator(database: database, logger: logger).migrate()
            try await SecretKeys.verify(secrets, on: database, setting: keySetting)
        } catch let error as StoreError {
            try? await database.shutdown()
            if case .configuration(let message) = error { throw ConfigurationError(message) }
            throw error
        } catch {
            try? await database.shutdown()
            throw error
        }

        // What imports of workbooks left behind in a process that was killed.
        XLSXTableReader.removeStaleTemporaryFiles()
        let http = SalesforceHTTPClient()
        let troubles = SyncTroubleRepository(database: database)
        let participants = ParticipantRepository(database: database, ids: ids, now: now)
        let events = EventRepository(database: database)
        let connectors = ConnectorService(
            connectors: ConnectorRepository(database: database, secrets: secrets, now: now),
            states: OAuthStateRepository(database: database, secrets: secrets, now: now),
            participants: participants, transport: http, hosts: configuration.salesforceHosts, retry: configuration.salesforceRetry,
            troubles: troubles, logger: Logger(label: "roster.salesforce", level: configuration.logLevel), now: now
        )
        try await connectors.publishHealth()
        let syncRuns = SyncRepository(database: database, now: now)
        let syncLogger = Logger(label: "roster.sync", level: configuration.logLevel)
        let engine = SyncEngine(connectors: connectors, repository: syncRuns, participants: participants, events: events,
                                ids: ids, now: now, logger: syncLogger, leaseSeconds: configuration.syncLeaseSeconds,
                                usageRecheck: configuration.pausedRunRetry)
        return AppServices(
            logger: logger, database: database, http: http,
            writer: ParticipantWriter(database: database, participants: participants, logger: logger),
            events: events, participants: participants, connectors: connectors, webhooks: WebhookRepository(database: database, secrets: secrets, ids: ids, now: now),
            syncRuns: syncRuns, engine: engine,
            sync: SyncService(engine: engine, repository: syncRuns, logger: syncLogger, pausedRetry: configuration.pausedRunRetry,
                              maxEvents: configuration.maxEvents),
            health: SyncHealthReader(connectors: connectors, runs: syncRuns, troubles: troubles, now: now)
        )
    }

    /// Closes what ``open(configuration:ids:now:)`` opened, for commands that ran no service group.
    public func close() async {
        try? await http.shutdown()
        try? await database.shutdown()
    }
}

extension Logger {
    init(label: String, level: Logger.Level) {
        self.init(label: label)
        logLevel = level
    }
}

/// The routes and middleware, on a database that is already migrated.
///
/// Every request passes the outer middleware (metrics, errors, a canonical path, headers, the
/// session cookie). The router then decides: `/api/` routes live in a group that authenticates
/// (``AuthenticationMiddleware``) and authorizes (``AuthorizationMiddleware``) whatever the
/// spelling of the path; the back office's pages check their session themselves; `/healthz`,
/// `/openapi.yaml`, the OAuth callback and static files are open.
func buildRouter(
    configuration: AppConfiguration, services: AppServices, sessions: SessionRepository, backOffice: BackOffice, ids: any IDGenerator,
    now: @escaping @Sendable () -> Date
) throws -> Router<AppRequestContext> {
    let database = services.database
    let tokens = TokenRepository(database: database, ids: ids, now: now)
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    if !configuration.role.servesRequests { router.add(middleware: WorkerRoutesMiddleware()) }
    router.add(middleware: RequestMetricsMiddleware())
    // Outside the error middleware: errors, refusals included, carry the same headers.
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware(messages: backOffice.messages, database: database))
    router.add(middleware: CanonicalPathMiddleware())
    router.add(middleware: ReadPriorityMiddleware(readThreads: database.readThreads, foregroundThreads: database.foregroundReadThreads))
    router.add(middleware: WebSessionMiddleware(sessions: sessions))
    router.add(middleware: HeaderEncodingMiddleware())
    router.add(middleware: RequestOriginMiddleware())

    let api = RosterAPI(
        database: database,
        events: services.events,
        eventCache: EventCache(),
        participants: services.participants,
        imports: ImportHistory(database: database, ids: ids), maxImportRows: configuration.maxImportRows,
        webhooks: services.webhooks, maxWebhookBytes: configuration.maxWebhookBytes,
        writer: services.writer, tokens: tokens, accounts: backOffice.accounts,
        connectors: services.connectors, sync: services.sync, syncRuns: services.syncRuns, health: services.health, publicURL: configuration.publicURL,
        messages: backOffice.messages, ids: ids, now: now, logger: services.logger
    )
    let document = try OpenAPIDocument.load()
    let table = try AccessTable(document: document)
    let authenticated = router.group()
        .add(middleware: MessageLanguageMiddleware())
        .add(middleware: AuthenticationMiddleware(tokens: tokens, usage: TokenUsage(), now: now))
        .add(middleware: AuthorizationMiddleware(table: table))
        // Bodies are read only once the caller is known: an anonymous request is refused before
        // the server takes in a byte of it.
        .add(middleware: BodyLimitMiddleware(maxBodyBytes: configuration.maxBodyBytes, maxImportBytes: configuration.maxImportBytes))
        .add(middleware: ParticipantListMiddleware(api: api, configuration: RosterAPI.openAPIConfiguration))
        .add(middleware: ImportJSONMiddleware(api: api))
    let transport = AccessTransport(open: router, authenticated: authenticated, table: table)
    try api.registerHandlers(on: transport, configuration: RosterAPI.openAPIConfiguration)

    let metricsToken = configuration.metricsToken
    router.get("/metrics") { request, _ in
        if let metricsToken, !ConstantTime.equals(request.headers[.authorization], "Bearer \(metricsToken)") {
            throw APIError(.unauthorized, "unauthorized", "/metrics needs 'Authorization: Bearer <the metrics token>' (--metrics-token)")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Observability.exposition())))
    }
    let pages = backOffice.register(on: router)
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
    MethodNotAllowed.register(on: router, routes: transport.routes + pages + [(.get, "/metrics"), (.get, "/openapi.yaml")])
    return router
}

extension RosterAPI {
    /// How the generated layer reads and writes dates and JSON.
    static let openAPIConfiguration = OpenAPIRuntime.Configuration(
        dateTranscoder: FlexibleDateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
}

/// The OpenAPI document the API is generated from, served as is.
enum OpenAPIDocument {
    static func load() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw ConfigurationError("openapi.yaml is missing from the RosterServer resources")
        }
        return Array(try Data(contentsOf: url))
    }
}
