import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Synchronization

/// Reads the first sheet of an xlsx workbook (as Excel, LibreOffice or openpyxl write it) as a
/// table: its first row with a value is the header, each later row with a value a ``TableRow``
/// numbered as the sheet numbers it. Shared and inline strings, numbers, booleans, and numbers
/// shown as dates (1900 and 1904 date systems) become cells; an error cell (`#N/A`) is a
/// problem of its column.
///
/// The sheet is unpacked to a temporary file and read by FoundationXML's streaming `XMLParser`,
/// so a 100,000-row sheet is never held whole: memory holds the shared strings and a chunk of rows.
/// `XMLParser` is synchronous, so it runs on a thread of its own, which waits while the chunks it
/// made are not taken (``Chunks``).
public struct XLSXTableReader: Sendable {
    /// What the reader hands on: the header once, then rows a chunk at a time.
    public enum Chunk: Sendable {
        /// The header row's cells, trimmed.
        case header([String])
        /// The next data rows.
        case rows([TableRow])
    }

    /// The workbook file, whole (a ZIP archive's directory is at its end).
    public let file: URL
    /// How many rows a chunk holds.
    public var chunkSize: Int

    /// Reads `file`.
    public init(file: URL, chunkSize: Int = 500) {
        self.file = file
        self.chunkSize = chunkSize
    }

    /// What the names of the temporary files and folders of workbook imports start with.
    public static let temporaryPrefix = "roster-xlsx-"

    /// Removes what imports left in the temporary folder more than an hour ago (a process killed
    /// in the middle of one): called when the server starts.
    public static func removeStaleTemporaryFiles(now: Date = Date()) {
        let folder = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) {
            let url = folder.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
            if let modified, now.timeIntervalSince(modified) > 3600 { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// The sheet, read on a thread of its own as the chunks are taken; errors are ``ImportFileError``s.
    public func chunks() -> Chunks {
        Chunks(reader: self)
    }

    /// Reads the whole sheet on the calling thread, handing each chunk to `handle`; stops at
    /// the end of the row where `shouldStop` says so.
    /// - Throws: an ``ImportFileError`` for a file that is not a readable workbook, or what `handle` threw.
    public func read(shouldStop: @escaping () -> Bool = { false }, _ handle: (Chunk) throws -> Void) throws {
        let package = try XLSXPackage(file: file, limits: .init())
        let sharedStrings = try package.sharedStrings()
        let dateStyles = try package.dateStyles()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(Self.temporaryPrefix + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = folder.appendingPathComponent("sheet.xml")
        try package.extractSheet(to: sheet)
        if let file = try? FileHandle(forReadingFrom: sheet) {
            let head = (try? file.read(upToCount: 4096)) ?? Data()
            try? file.close()
            try XMLParts.refuseDocumentType(Array(head), part: package.sheetPath)
        }
        try withoutActuallyEscaping(handle) { handle in
            let reader = XLSXSheetParser(sharedStrings: sharedStrings, dateStyles: dateStyles, date1904: package.date1904, chunkSize: chunkSize,
                                         shouldStop: shouldStop, onHeader: { try handle(.header($0)) }, onRows: { try handle(.rows($0)) })
            guard let parser = XMLParser(contentsOf: sheet) else {
                throw ImportFileError(.unreadable, "the sheet could not be opened", field: "body")
            }
            parser.delegate = reader
            let parsed = parser.parse()
            if let failure = reader.failure { throw failure }
            guard parsed else {
                throw ImportFileError(.unreadable, "the sheet (\(package.sheetPath)) is not well-formed XML (line \(parser.lineNumber)); the file is damaged", field: "body")
            }
            try reader.finish()
        }
    }

    /// The chunks of a sheet as an asynchronous sequence. The parser's thread makes at most two
    /// chunks ahead of the one being taken; when the sequence is dropped, the thread stops.
    public struct Chunks: AsyncSequence, Sendable {
        let reader: XLSXTableReader

        /// Starts the parser's thread.
        public func makeAsyncIterator() -> Iterator {
            let (stream, continuation) = AsyncThrowingStream<Chunk, any Error>.makeStream()
            let gate = Gate()
            continuation.onTermination = { _ in gate.stop() }
            let reader = self.reader
            let thread = Thread {
                do {
                    try reader.read(shouldStop: { gate.isStopped }) { chunk in
                        try gate.enter()
                        continuation.yield(chunk)
                    }
                    continuation.finish()
                } catch is Gate.Stopped, is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.name = "roster-xlsx"
            thread.start()
            return Iterator(base: stream.makeAsyncIterator(), gate: gate)
        }

        /// Takes the chunks, letting the parser make another for each taken.
        public struct Iterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<Chunk, any Error>.AsyncIterator
            let gate: Gate

            /// The next chunk; `nil` at the end of the sheet.
            public mutating func next() async throws -> Chunk? {
                let chunk = try await base.next()
                if chunk != nil { gate.leave() }
                return chunk
            }
        }
    }

    /// How many chunks the parser may make before one is taken, and the signal to stop.
    final class Gate: Sendable {
        struct Stopped: Error {}
        private let slots = DispatchSemaphore(value: 2)
        private let stopped = Atomic(false)

        /// Waits for room for one more chunk (on the parser's thread).
        func enter() throws {
            slots.wait()
            if stopped.load(ordering: .acquiring) { throw Stopped() }
        }

        /// A chunk was taken.
        func leave() { slots.signal() }

        /// The reader is gone.
        var isStopped: Bool { stopped.load(ordering: .acquiring) }

        /// The reader is gone: wakes the parser so it stops.
        func stop() {
            stopped.store(true, ordering: .releasing)
            slots.signal()
        }
    }
}
