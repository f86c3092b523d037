import Foundation
import OpenAPIRuntime
import RosterCore
import RosterMetrics
import RosterFiles
import RosterStore

extension RosterAPI {
    func importParticipants(_ input: Operations.ImportParticipants.Input) async throws -> Operations.ImportParticipants.Output {
        let options = ImportOptions(preview: input.query.preview ?? false, columns: try Self.chosenColumns(input.query.columns),
                                    fileName: try Self.fileName(input.query.fileName), charset: RequestCharset.current, maxRows: maxImportRows)
        let result: Components.Schemas.ImportResult
        switch input.body {
        case .json(let items):
            // JSON imports are streamed by ImportJSONMiddleware; a body the generated layer decoded
            // (the API used without it) goes through the same reader.
            let bytes = ArraySlice(try JSONSerialization.data(withJSONObject: items.map { $0.value ?? NSNull() }, options: [.fragmentsAllowed]))
            result = try await importParticipants(eventId: input.path.eventId, format: .json, options: options, body: HTTPBody(bytes))
        case .csv(let body):
            result = try await importParticipants(eventId: input.path.eventId, format: .csv, options: options, body: body)
        case .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(let body):
            result = try await importParticipants(eventId: input.path.eventId, format: .xlsx, options: options, body: body)
        }
        return .ok(.init(body: .json(result)))
    }

    /// Imports a body of any format as it arrives (``ParticipantImport``), logs and counts it, and
    /// records it in the event's history (not a preview).
    /// - Throws: an ``APIError`` carrying what was stored when the import stops part-way.
    func importParticipants<Body: AsyncSequence>(eventId: String, format: ImportFormat, options: ImportOptions, body: Body) async throws
        -> Components.Schemas.ImportResult where Body.Element == ArraySlice<UInt8> {
        let event = try await event(eventId)
        let language = MessageLanguage.current
        let messages = self.messages
        var run = ParticipantImport(event: event, participants: participants, format: format, options: options) {
            messages.translate($0, to: language)
        }
        var failure: (any Error)?
        do { try await run.run(body) } catch { failure = error }
        let tally = run.tally
        if !options.preview {
            RosterMetrics.participants(created: tally.created, updated: tally.updated, rejected: tally.rejectedCount)
            logger.info("import", metadata: ["event": "\(event.id)", "format": "\(tally.format.rawValue)", "created": "\(tally.created)",
                                             "updated": "\(tally.updated)", "rejected": "\(tally.rejectedCount)", "complete": "\(failure == nil)"])
            if run.reachedRows {
                try await imports.record(ImportRecord(
                    at: now(), by: Caller.current?.name, fileName: options.fileName, format: tally.format.rawValue, encoding: tally.encoding,
                    created: tally.created, updated: tally.updated, rejected: tally.rejectedCount, complete: failure == nil,
                    stoppedAtRow: tally.stoppedAtRow), eventId: event.id)
            }
        }
        if let failure { throw failure }
        return try Components.Schemas.ImportResult(tally)
    }

    /// The `fileName` query parameter: at most 255 characters, none a control character.
    static func fileName(_ text: String?) throws -> String? {
        guard let text else { return nil }
        if text.unicodeScalars.count > 255 {
            throw APIError(.badRequest, "invalid_parameter", "fileName has at most 255 characters",
                           details: [.init(field: "fileName", row: nil, message: "has more than 255 characters")])
        }
        if let issue = ParticipantRules.controlCharacterIssue(text, field: "fileName") {
            throw APIError(.badRequest, "invalid_parameter", "fileName \(issue.message)", details: [.init(field: "fileName", row: nil, message: issue.message)])
        }
        return text
    }

    /// The `columns` query parameter: a JSON object of header → field code or `null`.
    static func chosenColumns(_ text: String?) throws -> [String: String?] {
        guard let text, !text.isEmpty else { return [:] }
        let refusal = APIError(.badRequest, "invalid_parameter", "columns must be a JSON object of header → field code (or null to skip the column), e.g. {\"E-mail\": \"email\", \"Notes\": null}",
                               details: [.init(field: "columns", row: nil, message: "is not a JSON object of strings or nulls")])
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw refusal }
        var chosen: [String: String?] = [:]
        for (header, value) in object {
            switch value {
            case let field as String: chosen[header] = .some(field)
            case is NSNull: chosen[header] = .some(nil)
            default: throw refusal
            }
        }
        return chosen
    }

    func listImports(_ input: Operations.ListImports.Input) async throws -> Operations.ListImports.Output {
        let event = try await event(input.path.eventId)
        return .ok(.init(body: .json(.init(items: try await imports.recent(eventId: event.id).map(Components.Schemas.ImportRecord.init)))))
    }

    func exportParticipants(_ input: Operations.ExportParticipants.Input) async throws -> Operations.ExportParticipants.Output {
        let event = try await event(input.path.eventId)
        let columns = ExportColumns(event: event)
        let baseName = Self.fileName(for: event)
        switch input.query.format ?? .xlsx {
        case .csv:
            let pages = ExportPages(participants: participants, eventId: event.id)
            let writer = CSVExportWriter()
            let header = writer.encode(rows: [columns.headers]) + Data("\r\n".utf8)
            let body = AsyncThrowingStream<ArraySlice<UInt8>, any Error> {
                if await pages.takeStart() { return ArraySlice(header) }
                guard let batch = try await pages.next() else { return nil }
                return ArraySlice(writer.encode(rows: batch.map { columns.cells($0).map(\.csvText) }) + Data("\r\n".utf8))
            }
            return .ok(.init(
                headers: .init(contentDisposition: "attachment; filename=\"\(baseName).csv\""),
                body: .csv(HTTPBody(body, length: .unknown, iterationBehavior: .single))
            ))
        case .xlsx:
            let writer = try XLSXWriter(sheetName: "Participants", headers: columns.headers)
            let pages = ExportPages(participants: participants, eventId: event.id)
            while let batch = try await pages.next() {
                try writer.append(rows: batch.map(columns.cells))
            }
            let file = try writer.finish()
            return .ok(.init(
                headers: .init(contentDisposition: "attachment; filename=\"\(baseName).xlsx\""),
                body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(
                    HTTPBody(try file.chunks(), length: .known(Int64(file.size)), iterationBehavior: .single))
            ))
        }
    }

    /// `participants-<event name>`, safe as a file name.
    static func fileName(for event: Event) -> String {
        let safe = event.name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return "participants-" + String(safe.prefix(60))
    }
}

/// Pages through an event's participants for an export, one batch per call, so the response
/// is produced as fast as the client reads it.
actor ExportPages {
    let participants: ParticipantRepository
    let eventId: String
    private var after: String?
    private var done = false
    private var started = false

    init(participants: ParticipantRepository, eventId: String) {
        self.participants = participants
        self.eventId = eventId
    }

    /// `true` the first time only: the moment to send a header.
    func takeStart() -> Bool {
        defer { started = true }
        return !started
    }

    func next() async throws -> [Participant]? {
        guard !done else { return nil }
        let batch = try await participants.batch(eventId: eventId, after: after, limit: 1000)
        after = batch.last?.id
        done = batch.count < 1000
        return batch.isEmpty ? nil : batch
    }
}
