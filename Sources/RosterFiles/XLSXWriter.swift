import Foundation
import ZIPFoundation

/// Writes an Office Open XML workbook (.xlsx) with one sheet, streaming rows to disk so a
/// sheet of 100,000 rows never sits in memory. Cells are typed: numbers, booleans, dates and
/// date-times are real spreadsheet values, not text.
///
/// No xlsx writer exists among the project's Swift packages, so the SpreadsheetML parts are
/// written here and ZIPFoundation makes the container.
public final class XLSXWriter {
    private let directory: URL
    private let sheetURL: URL
    private let sheet: FileHandle
    private let sheetName: String
    private let columnCount: Int
    private var rowNumber = 0
    private var buffer = ""

    /// Starts a workbook in a new temporary directory, writing the header row.
    public init(sheetName: String, headers: [String], temporaryDirectory: URL = FileManager.default.temporaryDirectory) throws {
        directory = temporaryDirectory.appendingPathComponent("roster-xlsx-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        sheetURL = directory.appendingPathComponent("sheet1.xml")
        guard FileManager.default.createFile(atPath: sheetURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: sheetURL.path])
        }
        sheet = try FileHandle(forWritingTo: sheetURL)
        self.sheetName = SpreadsheetML.sheetName(sheetName)
        columnCount = headers.count
        buffer += SpreadsheetML.sheetStart
        appendRow(headers.map(Cell.text), style: SpreadsheetML.headerStyle)
    }

    private var finished = false

    deinit {
        try? sheet.close()
        if !finished { try? FileManager.default.removeItem(at: directory) }
    }

    /// Appends rows below the previous ones.
    public func append(rows: [[Cell]]) throws {
        for row in rows { appendRow(row, style: nil) }
        try flush()
    }

    /// Closes the sheet and zips the workbook.
    /// - Returns: the .xlsx file, deleted when the returned object is released.
    public func finish() throws -> TemporaryFile {
        buffer += SpreadsheetML.sheetEnd
        try flush()
        try sheet.close()
        let output = directory.appendingPathComponent("workbook.xlsx")
        let archive = try Archive(url: output, accessMode: .create)
        for (path, text) in SpreadsheetML.fixedParts(sheetName: sheetName) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
        try? FileManager.default.removeItem(at: sheetURL)
        finished = true
        return TemporaryFile(url: output, directory: directory)
    }

    private func appendRow(_ cells: [Cell], style: Int?) {
        rowNumber += 1
        buffer += "<row r=\"\(rowNumber)\">"
        for (index, cell) in cells.prefix(columnCount).enumerated() {
            buffer += SpreadsheetML.cell(cell, reference: SpreadsheetML.columnName(index) + String(rowNumber), style: style)
        }
        buffer += "</row>"
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try sheet.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }
}

/// A file that is deleted, with its directory, when the last reference to it goes.
public final class TemporaryFile: Sendable {
    /// Where the file is; it exists as long as this object does.
    public let url: URL
    private let directory: URL

    init(url: URL, directory: URL) {
        self.url = url
        self.directory = directory
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The file's size in bytes.
    public var size: Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    /// The file's bytes, `chunkSize` at a time, read as they are consumed.
    public func chunks(of chunkSize: Int = 256 * 1024) throws -> AsyncThrowingStream<ArraySlice<UInt8>, any Error> {
        let reader = FileChunkReader(handle: try FileHandle(forReadingFrom: url), owner: self)
        return AsyncThrowingStream { try reader.next(chunkSize) }
    }
}

/// Reads a file a chunk at a time; keeps its ``TemporaryFile`` alive until the end.
private final class FileChunkReader: @unchecked Sendable {
    // Only ever called by one consumer at a time: AsyncThrowingStream's unfolding closure
    // is not called concurrently.
    private let handle: FileHandle
    private var owner: TemporaryFile?

    init(handle: FileHandle, owner: TemporaryFile) {
        self.handle = handle
        self.owner = owner
    }

    func next(_ size: Int) throws -> ArraySlice<UInt8>? {
        guard let data = try handle.read(upToCount: size), !data.isEmpty else {
            try? handle.close()
            owner = nil
            return nil
        }
        return ArraySlice(data)
    }
}
