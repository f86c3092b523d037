/// Constants of the emulated org.
public enum SandboxDefaults {
    /// The API version used where a request names none (internal renderings, test helpers).
    public static let apiVersion = "62.0"
    /// Versions the REST API answers to; others get 404 as on a real instance.
    public static let supportedVersions: ClosedRange<Int> = 20...66
    /// Records per query batch unless `Sforce-Query-Options: batchSize=N` asks otherwise.
    public static let queryBatchSize = 2000
    /// Rows in one sObject Collections request.
    public static let collectionLimit = 200
    /// Subrequests in one Composite or Composite Batch request.
    public static let compositeLimit = 25
    /// Query and sObject Collections subrequests allowed in one Composite request.
    public static let compositeQueryOrCollectionLimit = 5
    /// Open query cursors per user; opening one more drops the oldest, as Salesforce does.
    public static let openCursorLimit = 10
    /// The daily API request allocation of a Developer Edition org.
    public static let apiDailyLimit = 15_000
    /// Seasonal labels Salesforce gives its API versions, newest last.
    static func releaseLabel(_ major: Int) -> String {
        // v62.0 is Winter '25; three releases a year, Spring/Summer/Winter.
        let offset = major - 62
        let seasons = ["Winter", "Spring", "Summer"]
        let index = ((offset % 3) + 3) % 3
        let year = 25 + Int((Double(offset) / 3).rounded(.down))
        return "\(seasons[index]) '\(year)"
    }
}
