import RosterCore
import RosterFiles
import RosterStore

/// The formats an import body may be in.
enum ImportFormat: String, Sendable {
    case json, csv, xlsx
}

/// What an import did, or (a preview) would do, kept bounded however large the file: counts, the
/// first ``rejectionsShown`` refused rows, and a preview's first ``previewRows`` rows.
struct ImportTally: Sendable {
    /// How many refused rows an answer lists; the others are counted.
    static let rejectionsShown = 1_000
    /// How many rows a preview shows.
    static let previewRows = 20

    /// A row of a preview: what importing it would do.
    struct PreviewRow: Sendable {
        var row: Int
        var sheetRow: Int?
        var outcome: String
        var participant: Participant?
        var error: String?
    }

    var format: ImportFormat
    /// A preview: counts what importing would do, and keeps the first rows.
    var isPreview: Bool
    var encoding: String?
    var separator: Character?
    var columns: [ImportColumns.Column] = []
    var created = 0
    var updated = 0
    var rejected: [RejectedRow] = []
    var rejectedCount = 0
    var preview: [PreviewRow] = []
    /// Rows read so far (a preview's total).
    var rowsRead = 0
    /// The first row not imported, when the import stopped early.
    var stoppedAtRow: Int?

    init(format: ImportFormat, isPreview: Bool) {
        self.format = format
        self.isPreview = isPreview
    }

    /// Counts a refused row; `say` puts its reason in the caller's language (only for the rows listed).
    mutating func reject(_ row: RejectedRow, say: (String) -> String) {
        rejectedCount += 1
        guard rejected.count < Self.rejectionsShown else { return }
        var shown = row
        shown.error = say(row.error)
        rejected.append(shown)
    }

    /// Adds what a chunk's import did.
    mutating func add(_ summary: ImportSummary, say: (String) -> String) {
        created += summary.created
        updated += summary.updated
        for row in summary.rejected.sorted(by: { $0.row < $1.row }) { reject(row, say: say) }
    }

    /// Adds what a chunk would do (a preview).
    mutating func add(preview rows: [ImportRow], _ outcomes: [Result<ParticipantRepository.UpsertOutcome, ValidationFailure>], say: (String) -> String) {
        for (row, outcome) in zip(rows, outcomes) {
            var shown = PreviewRow(row: row.number, sheetRow: row.sheetRow, outcome: "rejected")
            switch outcome {
            case .success(.created(let participant)):
                created += 1
                (shown.outcome, shown.participant) = ("created", participant)
            case .success(.updated(let participant)):
                updated += 1
                (shown.outcome, shown.participant) = ("updated", participant)
            case .failure(let failure):
                reject(RejectedRow(row: row.number, sheetRow: row.sheetRow, field: failure.issues.first?.field, error: failure.description), say: say)
                shown.error = say(failure.description)
            }
            if preview.count < Self.previewRows { preview.append(shown) }
        }
    }
}
