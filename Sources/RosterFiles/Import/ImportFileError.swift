import RosterCore

/// Why an imported file as a whole can't be read: its bytes are not text in any encoding Roster
/// reads, it is not the format it says, it is a spreadsheet format Roster does not read, or it
/// lacks a column every participant needs.
public struct ImportFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file can't be read as what it claims to be (422 `invalid_file`).
        case unreadable
        /// A format Roster does not import, such as `.xls` (415 `unsupported_media_type`).
        case unsupportedFormat
        /// A column every participant needs is missing (422 `missing_column`); `columns` names them.
        case missingColumns([String])
        /// The `columns` mapping names a participant field that does not exist (422 `validation_failed`).
        case unknownTargets
    }

    /// What kind of problem it is.
    public var kind: Kind
    /// What is wrong with the file, in words, with where and what to do.
    public var description: String
    /// The part at fault: `charset`, `body`, `columns`, or a column's header.
    public var field: String?

    /// Makes an error of the given kind.
    public init(_ kind: Kind = .unreadable, _ description: String, field: String? = nil) {
        self.kind = kind
        self.description = description
        self.field = field
    }
}

/// One data row of a table file (CSV or a spreadsheet), as cells: what ``ImportColumns`` turns
/// into a participant draft.
public struct TableRow: Sendable {
    /// The row's number among the data rows, from 1 (the header not counted).
    public var number: Int
    /// The row as a spreadsheet shows it: the header is row 1 of a file that starts with it.
    public var sheetRow: Int
    /// The cells, column by column, or why the row could not be read.
    public var cells: Result<[InputValue], ValidationFailure>
    /// Cells whose content can't be used, by column index (an Excel error such as `#N/A`).
    public var problems: [Int: String]

    /// Makes a row.
    public init(number: Int, sheetRow: Int, cells: Result<[InputValue], ValidationFailure>, problems: [Int: String] = [:]) {
        self.number = number
        self.sheetRow = sheetRow
        self.cells = cells
        self.problems = problems
    }
}
