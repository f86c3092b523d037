import Foundation
import OpenAPIRuntime
import RosterCore
import RosterFiles
import RosterStore

extension RosterAPI {
    func importParticipants(_ input: Operations.ImportParticipants.Input) async throws -> Operations.ImportParticipants.Output {
        let event = try await event(input.path.eventId)
        var rows: [ImportRow] = []
        var summary = ImportSummary()
        switch input.body {
        case .json(let items):
            for (index, item) in items.enumerated() {
                guard let record = item.value as? [String: (any Sendable)?] else {
                    summary.rejected.append(RejectedRow(row: index + 1, field: nil, error: "row \(index + 1) is \(InputValue(json: item.value).kind), not a participant object"))
                    continue
                }
                rows.append(ImportRow(number: index + 1, draft: ParticipantDraft(record: record.mapValues(InputValue.init(json:)))))
            }
        case .csv(let body):
            // The body was already bounded by BodyLimitMiddleware.
            let bytes = try await [UInt8](collecting: body, upTo: .max)
            let text: String
            do { text = try CSVTextDecoding.text(of: bytes, charset: RequestCharset.current) }
            catch { throw APIError(.unprocessableContent, "invalid_csv", error.description, details: [.init(field: "charset", row: nil, message: error.description)]) }
            let reader: ParticipantCSVReader
            do { reader = try ParticipantCSVReader(text: text) }
            catch { throw APIError(.unprocessableContent, "invalid_csv", error.description) }
            for row in IteratorSequence(reader) {
                switch row.result {
                case .success(let draft): rows.append(ImportRow(number: row.number, draft: draft))
                case .failure(let failure):
                    summary.rejected.append(RejectedRow(row: row.number, field: nil, error: failure.issues.map(\.message).joined(separator: "; ")))
                }
            }
        }
        summary.add(try await participants.importRows(into: event, rows))
        summary.rejected.sort { $0.row < $1.row }
        ParticipantMetrics.created.increment(by: summary.created)
        ParticipantMetrics.updated.increment(by: summary.updated)
        ParticipantMetrics.rejected.increment(by: summary.rejected.count)
        logger.info("import", metadata: ["event": "\(event.id)", "created": "\(summary.created)", "updated": "\(summary.updated)", "rejected": "\(summary.rejected.count)"])
        return .ok(.init(body: .json(.init(summary))))
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
