import Foundation
import RosterCore
import RosterFiles
import RosterStore

/// What the caller asked of one import.
struct ImportOptions: Sendable {
    /// Read the whole file and answer what it would do; store nothing.
    var preview = false
    /// Header → field (or `nil` to skip), overriding the guess.
    var columns: [String: String?] = [:]
    /// The file's name, for the history.
    var fileName: String?
    /// The content type's `charset`, if any.
    var charset: String?
    /// The most rows one import reads; the rest is not read (413).
    var maxRows: Int
}

/// One import request, from the body's first byte to the answer: the body is read as it arrives
/// in its format (``CSVTableReader``, ``XLSXTableReader``, ``JSONArrayReader``), its columns
/// matched (``ImportColumns``), its rows imported (or previewed) ``ParticipantRepository/importChunkSize``
/// at a time, and what it did tallied within bounds (``ImportTally``). However large the file,
/// memory holds a chunk of rows, the first refused rows and the counts.
///
/// An import that stops part-way (body or row limit, a part of the file that can't be read)
/// throws an ``APIError`` carrying the tally: what it stored is always answered.
struct ParticipantImport {
    let event: Event
    let participants: ParticipantRepository
    let options: ImportOptions
    /// Puts a message in the caller's language.
    let say: @Sendable (String) -> String
    private(set) var tally: ImportTally
    private var columns: ImportColumns?
    private var pending: [ImportRow] = []
    /// The chunk being written (or previewed) while the next one is read: parsing and the
    /// database's work overlap, one chunk apart, and chunks are stored in the file's order.
    private var inFlight: Task<ChunkOutcome, any Error>?

    private enum ChunkOutcome: Sendable {
        case imported(ImportSummary)
        case previewed([ImportRow], [Result<ParticipantRepository.UpsertOutcome, ValidationFailure>])
    }

    init(event: Event, participants: ParticipantRepository, format: ImportFormat, options: ImportOptions, say: @escaping @Sendable (String) -> String) {
        self.event = event
        self.participants = participants
        self.options = options
        self.say = say
        tally = ImportTally(format: format, isPreview: options.preview)
    }

    /// The import got past the header: rows may have been stored, so it belongs in the history.
    var reachedRows: Bool { tally.format == .json || columns != nil }

    /// Reads and imports the whole body.
    /// - Throws: an ``APIError`` with the tally when it stops part-way; ``APIError``s for a body
    ///   that is not what it says before any row was read.
    mutating func run<Body: AsyncSequence>(_ body: Body) async throws where Body.Element == ArraySlice<UInt8> {
        do {
            switch tally.format {
            case .csv: try await readCSV(body)
            case .xlsx: try await readXLSX(first: [], body.makeAsyncIterator())
            case .json: try await readJSON(body)
            }
            try await finishWrites()
        } catch let stop as RowLimitReached {
            try await finishWrites()
            tally.stoppedAtRow = stop.row
            throw stopped(APIError(.contentTooLarge, "too_many_rows",
                                   "the import stopped at row \(stop.row): one import reads at most \(options.maxRows) rows; the rows before it were imported. Split the file and import the rest"))
        } catch let error as APIError where error.status == .contentTooLarge {
            // The body went past the limit while it was read (sent without a length, or longer than it said).
            try await finishWrites()
            tally.stoppedAtRow = tally.rowsRead + 1
            throw stopped(APIError(.contentTooLarge, "payload_too_large", error.message + "; the import stopped at row \(tally.rowsRead + 1), the rows before it were imported. Split the file and import the rest"))
        } catch let error as ImportFileError {
            guard reachedRows else { throw stopped(apiError(error)) }
            try await finishWrites()
            tally.stoppedAtRow = tally.rowsRead + 1
            let kept = tally.created + tally.updated == 0 || options.preview ? "" :
                " The rows before it were imported; imports match people by email, so sending the corrected file again doubles nobody."
            var refusal = apiError(error)
            refusal.message += kept
            throw stopped(refusal)
        } catch {
            // Whatever else went wrong, the chunk in flight ends before the answer does.
            _ = try? await inFlight?.value
            throw error
        }
    }

    // MARK: Formats

    private mutating func readCSV<Body: AsyncSequence>(_ body: Body) async throws where Body.Element == ArraySlice<UInt8> {
        var reader = try CSVTableReader(charset: options.charset)
        var bytes = body.makeAsyncIterator()
        var first = true
        while let chunk = try await bytes.next() {
            if first, Self.isSpreadsheet(chunk) {
                // An xlsx (or xls) file sent as CSV: read it as what it is.
                tally.format = .xlsx
                return try await readXLSX(first: chunk, bytes)
            }
            first = false
            try await take(try reader.read(chunk), reader: reader)
        }
        try await take(try reader.finish(), reader: reader)
        tally.encoding = reader.encoding
        tally.separator = reader.separator
    }

    private mutating func take(_ rows: [TableRow], reader: CSVTableReader) async throws {
        if columns == nil, let header = reader.header {
            tally.encoding = reader.encoding
            tally.separator = reader.separator
            try match(header)
        }
        for row in rows { try await take(row) }
    }

    private mutating func readXLSX<Bytes: AsyncIteratorProtocol>(first: ArraySlice<UInt8>, _ bytes: Bytes) async throws where Bytes.Element == ArraySlice<UInt8> {
        // Each workbook takes a thread, and up to the body limit and the sheet limit of disk.
        guard Self.workbooks.enter(limit: Self.concurrentWorkbooks) else {
            throw APIError(.serviceUnavailable, "unavailable", "\(Self.concurrentWorkbooks) workbooks are being imported already; send this one again in a moment")
        }
        defer { Self.workbooks.leave() }
        // A ZIP archive's directory is at its end: the file is kept on disk until it is whole.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(XLSXTableReader.temporaryPrefix + "upload-\(UUID().uuidString).xlsx")
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw APIError(.serviceUnavailable, "unavailable", "the server has no room to receive the file; try again later")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            var bytes = bytes
            if !first.isEmpty { try handle.write(contentsOf: first) }
            while let chunk = try await bytes.next() { try handle.write(contentsOf: chunk) }
        }
        for try await chunk in XLSXTableReader(file: file, chunkSize: ParticipantRepository.importChunkSize).chunks() {
            switch chunk {
            case .header(let header): try match(header)
            case .rows(let rows): for row in rows { try await take(row) }
            }
        }
    }

    private mutating func readJSON<Body: AsyncSequence>(_ body: Body) async throws where Body.Element == ArraySlice<UInt8> {
        var reader = JSONArrayReader()
        for try await chunk in body { try await take(try reader.read(chunk)) }
        try await take(try reader.finish())
    }

    private mutating func take(_ elements: [JSONArrayReader.Element]) async throws {
        for element in elements {
            try countRow(element.number)
            switch element.value {
            case .success(.object(let record)):
                pending.append(ImportRow(number: element.number, draft: ParticipantDraft(record: record)))
            case .success(let other):
                tally.reject(RejectedRow(row: element.number, field: nil, error: "row \(element.number) is \(other.kind), not a participant object"), say: say)
            case .failure(let failure):
                tally.reject(RejectedRow(row: element.number, field: nil, error: failure.description), say: say)
            }
            if pending.count >= ParticipantRepository.importChunkSize { try await flush() }
        }
    }

    // MARK: Rows

    private mutating func match(_ header: [String]) throws {
        let columns = try ImportColumns(header: header, fields: event.fields, chosen: options.columns)
        tally.columns = columns.columns
        try columns.requireAll()
        self.columns = columns
    }

    private mutating func take(_ row: TableRow) async throws {
        guard let columns else { return }
        try countRow(row.number)
        switch row.cells {
        case .success(let cells):
            pending.append(ImportRow(number: row.number, sheetRow: row.sheetRow, draft: columns.draft(cells, problems: row.problems)))
        case .failure(let failure):
            tally.reject(RejectedRow(row: row.number, sheetRow: row.sheetRow, field: nil, error: failure.issues.map(\.message).joined(separator: "; ")), say: say)
        }
        if pending.count >= ParticipantRepository.importChunkSize { try await flush() }
    }

    private struct RowLimitReached: Error { var row: Int }

    /// How many workbooks the process reads at once; the next import of one is answered 503.
    static let concurrentWorkbooks = 4
    private static let workbooks = InFlight()

    private mutating func countRow(_ number: Int) throws {
        if number > options.maxRows { throw RowLimitReached(row: number) }
        tally.rowsRead = number
    }

    /// Plans the rows read since the last flush, then, once the chunk before is stored, starts
    /// storing them (a preview stores nothing: the plan is its answer).
    private mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        // Planned while the chunk before is still being written, from what is stored now.
        let planned = try await participants.plan(into: event, rows)
        try await settle()
        let participants = self.participants
        inFlight = options.preview
            ? Task { .previewed(rows, planned.outcomes) }
            : Task { .imported(try await participants.importChunk(planned)) }
    }

    /// Waits for the chunk in flight and counts what it did.
    private mutating func settle() async throws {
        guard let task = inFlight else { return }
        inFlight = nil
        switch try await task.value {
        case .imported(let summary): tally.add(summary, say: say)
        case .previewed(let rows, let outcomes): tally.add(preview: rows, outcomes, say: say)
        }
    }

    /// Imports what is read and waits until every chunk is stored.
    private mutating func finishWrites() async throws {
        try await flush()
        try await settle()
    }

    // MARK: Errors

    /// The error with the tally beside it, once rows were read.
    private func stopped(_ error: APIError) -> APIError {
        var error = error
        if reachedRows || !tally.columns.isEmpty { error.beside = try? Components.Schemas.ImportResult(tally) }
        return error
    }

    /// The contract's error for a file that can't be read: `invalid_csv` and `invalid_xlsx` (422)
    /// or `invalid_json` (400, as for any body that is not JSON) name the format.
    func apiError(_ error: ImportFileError) -> APIError {
        let details = [APIError.Detail(field: error.field, row: nil, message: error.description)]
        switch error.kind {
        case .unreadable where tally.format == .json: return APIError(.badRequest, "invalid_json", error.description, details: details)
        case .unreadable: return APIError(.unprocessableContent, "invalid_\(tally.format.rawValue)", error.description, details: details)
        case .unsupportedFormat: return APIError(.unsupportedMediaType, "unsupported_media_type", error.description, details: details)
        case .unknownTargets: return APIError(.unprocessableContent, "validation_failed", error.description, details: details)
        case .missingColumns(let fields):
            return APIError(.unprocessableContent, "missing_column", error.description,
                            details: fields.map { APIError.Detail(field: $0, row: nil, message: "no column of the file fills it") })
        }
    }

    /// A ZIP archive (xlsx) or an OLE2 compound file (xls, or an encrypted xlsx).
    static func isSpreadsheet(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
    }
}
