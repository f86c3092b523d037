import Foundation
import OpenAPIRuntime
import RosterCore
import RosterMetrics
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
            summary.add(try await importCSV(body, into: event))
        }
        summary.add(try await participants.importRows(into: event, rows))
        summary.rejected.sort { $0.row < $1.row }
        // In the caller's language: the first thousand (a file of bad rows is not a reason to spend
        // the server's time translating all of them; the rest stay in English).
        for index in summary.rejected.indices.prefix(1_000) { summary.rejected[index].error = say(summary.rejected[index].error) }
        RosterMetrics.participants(created: summary.created, updated: summary.updated, rejected: summary.rejected.count)
        logger.info("import", metadata: ["event": "\(event.id)", "created": "\(summary.created)", "updated": "\(summary.updated)", "rejected": "\(summary.rejected.count)"])
        return .ok(.init(body: .json(.init(summary))))
    }

    /// Reads a CSV body as it arrives and imports it a chunk of rows at a time: memory holds
    /// a chunk, never the file. A file that turns out unreadable part-way (a byte that is not in
    /// its charset) keeps the chunks already imported, and the error says how many.
    private func importCSV(_ body: HTTPBody, into event: Event) async throws -> ImportSummary {
        var summary = ImportSummary()
        var pending: [ImportRow] = []
        var received = 0
        func sort(_ rows: [ParticipantCSVReader.Row]) {
            for row in rows {
                switch row.result {
                case .success(let draft): pending.append(ImportRow(number: row.number, draft: draft))
                case .failure(let failure):
                    summary.rejected.append(RejectedRow(row: row.number, field: nil, error: failure.issues.map(\.message).joined(separator: "; ")))
                }
            }
        }
        do {
            var reader = try ParticipantCSVReader(charset: RequestCharset.current)
            for try await chunk in body {
                received += chunk.count
                sort(try reader.read(chunk))
                if pending.count >= ParticipantRepository.importChunkSize {
                    summary.add(try await participants.importRows(into: event, pending))
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if received == 0 { throw APIError.emptyImport }
            sort(try reader.finish())
        } catch let error as ParticipantCSVReader.FileError {
            let imported = summary.created + summary.updated
            let kept = imported == 0 ? "" : " The \(imported) rows before it were imported; imports match people by email, so sending the corrected file again doubles nobody."
            throw APIError(.unprocessableContent, "invalid_csv", error.description + kept,
                           details: error.field.map { [.init(field: $0, row: nil, message: error.description)] } ?? [])
        }
        summary.add(try await participants.importRows(into: event, pending))
        return summary
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
