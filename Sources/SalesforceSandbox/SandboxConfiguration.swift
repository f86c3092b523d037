/// How to start a sandbox. Credentials left `nil` are generated, so two sandboxes never share them.
public struct SandboxConfiguration: Sendable {
    /// The interface to bind; loopback by default.
    public var host: String
    /// The port to bind; 0 picks a free one (what tests want).
    public var port: Int
    /// The connected app's consumer key (`client_id`).
    public var consumerKey: String
    /// The connected app's consumer secret (`client_secret`).
    public var consumerSecret: String
    /// The admin user's login.
    public var username: String
    /// The admin user's password.
    public var password: String
    /// A seed JSON file loaded at start (see ``SandboxSeed`` for the format).
    public var seedFile: String?
    /// Added before every REST response, to make timing visible.
    public var latency: Duration
    /// Share of REST calls (0…1) answered with an injected fault.
    public var faultRate: Double
    /// The faults drawn from when `faultRate` fires.
    public var faultKinds: [SandboxFault]
    /// Serve `/__sandbox/...` test-control routes.
    public var testControl: Bool
    /// When set, the org is loaded from and saved to this JSON file, so a demo survives restarts.
    public var persistencePath: String?
    /// The org's daily API request allocation (`DailyApiRequests.Max`).
    public var apiDailyLimit: Int
    /// Seconds an access token lives (Salesforce's default session timeout is two hours).
    public var accessTokenLifetime: Duration
    /// Allowed OAuth callback URLs; empty accepts any `http(s)` URL.
    public var callbackURLs: [String]
    /// Refresh Token Rotation, as an External Client App's admin may turn it on: each refresh
    /// answers a new refresh token and uses up the one presented; presenting a used one again
    /// revokes every token of that authorization.
    public var refreshTokenRotation = false
    /// Seed of the fault-injection random generator, for reproducible runs.
    public var randomSeed: UInt64
    /// The org's clock, in milliseconds since 1970 (`CreatedDate`, `LastModifiedDate`, SOQL's
    /// date literals); tests inject one they move by hand.
    public var clock: @Sendable () -> Int64 = SandboxOrg.now

    /// - Parameters left `nil` get generated values: a `3MVG9…` consumer key, a 64-hex-digit
    ///   secret, `admin@roster-sandbox.example` and a random password.
    public init(
        host: String = "127.0.0.1", port: Int = 0, consumerKey: String? = nil, consumerSecret: String? = nil,
        username: String? = nil, password: String? = nil, seedFile: String? = nil, latency: Duration = .zero,
        faultRate: Double = 0, faultKinds: [SandboxFault] = [.serverUnavailable], testControl: Bool = true,
        persistencePath: String? = nil, apiDailyLimit: Int = SandboxDefaults.apiDailyLimit,
        accessTokenLifetime: Duration = .seconds(7200), callbackURLs: [String] = [], randomSeed: UInt64? = nil
    ) {
        var random = SystemRandomNumberGenerator()
        self.host = host
        self.port = port
        self.consumerKey = consumerKey ?? "3MVG9" + RandomText.alphanumeric(80, using: &random)
        self.consumerSecret = consumerSecret ?? RandomText.hex(64, using: &random).uppercased()
        self.username = username ?? "admin@roster-sandbox.example"
        self.password = password ?? RandomText.alphanumeric(16, using: &random)
        self.seedFile = seedFile
        self.latency = latency
        self.faultRate = faultRate
        self.faultKinds = faultKinds
        self.testControl = testControl
        self.persistencePath = persistencePath
        self.apiDailyLimit = apiDailyLimit
        self.accessTokenLifetime = accessTokenLifetime
        self.callbackURLs = callbackURLs
        self.randomSeed = randomSeed ?? random.next()
    }
}

/// Random tokens and credentials.
enum RandomText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func alphanumeric(_ count: Int, using random: inout some RandomNumberGenerator) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func hex(_ count: Int, using random: inout some RandomNumberGenerator) -> String {
        String((0..<count).map { _ in Array("0123456789abcdef").randomElement(using: &random)! })
    }

    static func alphanumeric(_ count: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return alphanumeric(count, using: &random)
    }
}
