import CSV
import Foundation

/// Writes export rows as CSV (RFC 4180, `\r\n` line ends, UTF-8), a batch at a time.
public struct CSVExportWriter: Sendable {
    public init() {}

    /// The CSV text of these rows.
    public func encode(rows: [[String]]) throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        for row in rows {
            try writer.write(row: row)
        }
        writer.stream.close()
        return stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    }
}
