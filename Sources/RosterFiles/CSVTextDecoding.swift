import Foundation

/// The text of an uploaded CSV file, in the character set its sender names
/// (`Content-Type: text/csv; charset=…`): UTF-8 by default (a byte order mark is dropped),
/// Windows-1252 and ISO-8859-1 (what Excel writes on many machines), UTF-16 with a byte order
/// mark. Bytes that are not UTF-8 are never guessed at or replaced silently: the error names the
/// line and byte offset and suggests the charset.
public enum CSVTextDecoding {
    /// Why the bytes are not text in the named character set.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The file's text.
    /// - Parameter charset: the `charset` parameter of the request's content type, if any.
    public static func text(of bytes: [UInt8], charset: String?) throws(Failure) -> String {
        let name = charset?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased() ?? "utf-8"
        switch name {
        case "utf-8", "utf8":
            return try utf8(bytes)
        case "windows-1252", "cp1252", "x-cp1252":
            return String(String.UnicodeScalarView(bytes.map(windows1252))) // every byte has a character
        case "iso-8859-1", "latin1", "latin-1", "iso_8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "utf-16", "utf16", "utf-16le", "utf-16be":
            return try utf16(bytes, declared: name)
        default:
            throw Failure(description: "the charset '\(charset ?? "")' is not one Roster reads; send utf-8, windows-1252, iso-8859-1 or utf-16")
        }
    }

    private static func utf8(_ bytes: [UInt8]) throws(Failure) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        var iterator = body.makeIterator()
        var decoder = UTF8()
        var offset = body.startIndex
        var validUpTo = offset
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar); validUpTo = offset
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        let line = bytes[..<validUpTo].count(where: { $0 == 0x0A }) + 1
        throw Failure(description: "line \(line) is not UTF-8 (byte \(validUpTo), 0x\(String(bytes[validUpTo], radix: 16, uppercase: true))); if the file comes from Excel, send it as 'Content-Type: text/csv; charset=windows-1252'")
    }

    private static func utf16(_ bytes: [UInt8], declared: String) throws(Failure) -> String {
        var bigEndian = declared == "utf-16be"
        var body = bytes[...]
        if body.starts(with: [0xFF, 0xFE]) { bigEndian = false; body = body.dropFirst(2) }
        else if body.starts(with: [0xFE, 0xFF]) { bigEndian = true; body = body.dropFirst(2) }
        else if declared == "utf-16" || declared == "utf16" {
            throw Failure(description: "a UTF-16 file must start with a byte order mark; send charset=utf-16le or utf-16be to say which")
        }
        guard body.count.isMultiple(of: 2) else { throw Failure(description: "a UTF-16 file has an even number of bytes; this one has \(bytes.count)") }
        let units = stride(from: body.startIndex, to: body.endIndex, by: 2).map { index -> UInt16 in
            let first = UInt16(body[index]), second = UInt16(body[index + 1])
            return bigEndian ? first << 8 | second : second << 8 | first
        }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: throw Failure(description: "the file is not UTF-16 after \(scalars.count) characters (an unpaired surrogate)")
            }
        }
    }

    /// Windows-1252's byte to its UTF-8 bytes: Latin-1, except 0x80–0x9F, which hold € ‚ ƒ „ … †
    /// and the like (the five bytes it leaves undefined map to the C1 control of the same value).
    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte), let mapped = Unicode.Scalar(cp1252High[Int(byte) - 0x80]) else { return Unicode.Scalar(byte) }
        return mapped
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
