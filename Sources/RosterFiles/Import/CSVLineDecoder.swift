import Foundation

/// The lines of an uploaded CSV file, decoded as its bytes arrive, in the character set its
/// sender names (`Content-Type: text/csv; charset=…`) or, when none is named, the one the bytes
/// show: a byte order mark (UTF-8, UTF-16 LE or BE), else UTF-8 when they are UTF-8, else
/// Windows-1252 (what Excel writes on Western European machines). The choice falls at the first
/// line with a byte past ASCII, where the two differ; ``encoding`` says which was used.
/// Nothing is ever replaced: a byte no supported encoding explains (one of Windows-1252's five
/// undefined bytes, a NUL, a UTF-8 file that stops being UTF-8) is an error naming its line and byte.
///
/// Lines end at `\n`, `\r\n` or `\r`; a line is decoded once its end has arrived, so memory holds
/// one line however large the file. Written by hand: Foundation's decoders take a whole buffer.
public struct CSVLineDecoder: Sendable {
    /// One line of text (its end not included) and its number in the file (1-based).
    public struct Line: Sendable, Equatable {
        /// The decoded text, without its line end.
        public var text: String
        /// The line's number in the file, from 1.
        public var number: Int
    }

    /// Why the bytes are not lines of text in the named character set.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, in words; for a byte that is not UTF-8, its line and offset and the charset
        /// to send instead.
        public var description: String
        /// What to change: `charset` (the bytes are not in it) or `body` (not lines of text).
        public var field: String
        /// Makes a failure; the fault is the charset unless `field` says `body`.
        public init(description: String, field: String = "charset") {
            self.description = description
            self.field = field
        }
    }

    /// The longest line read (256 KiB): a participant's row is far shorter, and a file without
    /// line ends must not fill the memory before the body limit stops it.
    public static let maxLineBytes = 256 << 10

    private enum Charset: Equatable { case undecided, utf8, windows1252, latin1, utf16(bigEndian: Bool?) }

    private var charset: Charset
    /// The charset was named by the sender (not detected): its bytes are read as that, or refused.
    private let named: Bool
    /// Bytes of the line being read (UTF-8 for UTF-16 input, which is transcoded first).
    private var current: [UInt8] = []
    /// The line being read has a byte past ASCII (8-bit input): it needs decoding, not just copying.
    private var currentIsASCII = true
    /// The file offset of `current`'s first byte (8-bit input only; it names a bad byte).
    private var currentStart = 0
    private var offset = 0
    private var lineNumber = 1
    /// A `\r` ended the last line; a `\n` right after it belongs to the same line end.
    private var afterCarriageReturn = false
    /// The file's first bytes, held until a byte order mark can be told apart.
    private var head: [UInt8]? = []
    /// UTF-16: the byte order its mark gave (`true`: big-endian), a byte waiting for its pair,
    /// a high surrogate waiting for its low one.
    private var byteOrder: Bool?
    private var oddByte: UInt8?
    private var highSurrogate: UInt16?
    private var unitsRead = 0
    /// Why the bytes after the lines already given can't be read, thrown at the next call.
    private var failure: Failure?

    /// - Parameter charset: the `charset` parameter of the request's content type, if any; `nil`
    ///   lets the bytes say (see the type's description).
    /// - Throws: when Roster does not read that character set.
    public init(charset: String?) throws(Failure) {
        guard let charset else {
            self.charset = .undecided
            named = false
            return
        }
        named = true
        switch charset.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased() {
        case "utf-8", "utf8": self.charset = .utf8
        case "windows-1252", "cp1252", "x-cp1252": self.charset = .windows1252
        case "iso-8859-1", "latin1", "latin-1", "iso_8859-1": self.charset = .latin1
        case "utf-16", "utf16": self.charset = .utf16(bigEndian: nil)
        case "utf-16le": self.charset = .utf16(bigEndian: false)
        case "utf-16be": self.charset = .utf16(bigEndian: true)
        default:
            throw Failure(description: "the charset '\(charset)' is not one Roster reads; send utf-8, windows-1252, iso-8859-1 or utf-16, or no charset to let Roster detect it")
        }
    }

    /// The character set the lines were read in, as a `charset` names it: `utf-8` (also for a
    /// file of ASCII only), `windows-1252`, `iso-8859-1`, `utf-16le` or `utf-16be`.
    public var encoding: String {
        switch charset {
        case .undecided, .utf8: "utf-8"
        case .windows1252: "windows-1252"
        case .latin1: "iso-8859-1"
        case .utf16(let declared): (byteOrder ?? declared ?? false) ? "utf-16be" : "utf-16le"
        }
    }

    /// The lines completed by `bytes`, the next part of the file. A line that can't be decoded
    /// is thrown at the next call (or at ``finish()``), so the lines before it, in the same
    /// bytes, are never lost.
    public mutating func lines(_ bytes: some Collection<UInt8>) throws(Failure) -> [Line] {
        if let failure { throw failure }
        var output: [Line] = []
        do {
            if var head {
                // A byte order mark is at most three bytes: hold the first ones until they are known.
                head.append(contentsOf: bytes)
                guard head.count >= 3 else { self.head = head; return [] }
                self.head = nil
                try take(withoutByteOrderMark(head), into: &output)
            } else {
                try take(bytes, into: &output)
            }
        } catch {
            guard !output.isEmpty else { throw error }
            failure = error
        }
        return output
    }

    /// The last line, when the file does not end with a line end.
    public mutating func finish() throws(Failure) -> [Line] {
        if let failure { throw failure }
        var output: [Line] = []
        if let head {
            self.head = nil
            try take(withoutByteOrderMark(head), into: &output)
        }
        if case .utf16 = charset, oddByte != nil || highSurrogate != nil {
            throw Failure(description: "the file is not UTF-16 after \(unitsRead) characters (it ends inside a character)")
        }
        if !current.isEmpty { try emit(into: &output) }
        return output
    }

    private mutating func withoutByteOrderMark(_ bytes: [UInt8]) throws(Failure) -> ArraySlice<UInt8> {
        if charset == .undecided || charset == .utf8, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            charset = .utf8
            offset = 3
            currentStart = 3
            return bytes.dropFirst(3)
        }
        if charset == .undecided, bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            charset = .utf16(bigEndian: nil)
        }
        guard case .utf16(let declared) = charset else { return bytes[...] }
        if bytes.starts(with: [0xFF, 0xFE]) { byteOrder = false; return bytes.dropFirst(2) }
        if bytes.starts(with: [0xFE, 0xFF]) { byteOrder = true; return bytes.dropFirst(2) }
        if declared == nil, !bytes.isEmpty {
            throw Failure(description: "a UTF-16 file must start with a byte order mark; send charset=utf-16le or utf-16be to say which")
        }
        return bytes[...]
    }

    private mutating func take(_ bytes: some Collection<UInt8>, into output: inout [Line]) throws(Failure) {
        switch charset {
        case .utf16(let declared):
            try takeUTF16(bytes, bigEndian: byteOrder ?? declared ?? false, into: &output)
        default:
            var failure: Failure?
            let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                do throws(Failure) { try takeRuns(buffer, into: &output) } catch { failure = error }
            }
            if let failure { throw failure }
            if done == nil { for byte in bytes { try split(byte, into: &output) } }
        }
    }

    /// ``split(_:into:)`` a run at a time: the bytes between two line ends, NULs or past-ASCII
    /// bytes are appended at once (an import reads every byte of the file here).
    private mutating func takeRuns(_ buffer: UnsafeBufferPointer<UInt8>, into output: inout [Line]) throws(Failure) {
        var start = 0
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            guard byte == 0x0A || byte == 0x0D || byte == 0x00 || byte >= 0x80 else { index += 1; continue }
            try appendRun(buffer, start..<index)
            try split(byte, into: &output)
            index += 1
            start = index
        }
        try appendRun(buffer, start..<index)
    }

    /// Bytes of ASCII other than line ends and NUL, added to the line being read.
    private mutating func appendRun(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(Failure) {
        guard !range.isEmpty else { return }
        afterCarriageReturn = false
        current.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
        offset += range.count
        if current.count > Self.maxLineBytes { throw tooLong }
    }

    /// Cuts lines at `\n`, `\r\n` and `\r`: in UTF-8, Windows-1252 and Latin-1 these bytes are
    /// never part of another character.
    private mutating func split(_ byte: UInt8, into output: inout [Line]) throws(Failure) {
        defer { offset += 1 }
        switch byte {
        case 0x0A where afterCarriageReturn:
            afterCarriageReturn = false
            currentStart = offset + 1
        case 0x0A, 0x0D:
            try emit(into: &output)
            afterCarriageReturn = byte == 0x0D
            currentStart = offset + 1
        case 0x00:
            throw notText(at: offset)
        default:
            afterCarriageReturn = false
            if byte >= 0x80 { currentIsASCII = false }
            current.append(byte)
            if current.count > Self.maxLineBytes { throw tooLong }
        }
    }

    private mutating func takeUTF16(_ bytes: some Collection<UInt8>, bigEndian: Bool, into output: inout [Line]) throws(Failure) {
        for byte in bytes {
            guard let first = oddByte else { oddByte = byte; continue }
            oddByte = nil
            let unit = bigEndian ? UInt16(first) << 8 | UInt16(byte) : UInt16(byte) << 8 | UInt16(first)
            unitsRead += 1
            let scalar: Unicode.Scalar?
            if let high = highSurrogate {
                highSurrogate = nil
                guard UTF16.isTrailSurrogate(unit) else { throw unpaired }
                scalar = Unicode.Scalar(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00))
            } else if UTF16.isLeadSurrogate(unit) {
                highSurrogate = unit
                continue
            } else if UTF16.isTrailSurrogate(unit) {
                throw unpaired
            } else {
                scalar = Unicode.Scalar(unit)
            }
            guard let scalar else { throw unpaired }
            if scalar.value == 0 { throw Failure(description: "character \(unitsRead) of the file is U+0000 (NUL): this is not a text file", field: "body") }
            if scalar.value < 0x80 { try split(UInt8(scalar.value), into: &output); continue }
            current.append(contentsOf: String(scalar).utf8)
            afterCarriageReturn = false
            if current.count > Self.maxLineBytes { throw tooLong }
        }
    }

    private var tooLong: Failure {
        Failure(description: "line \(lineNumber) is longer than \(Self.maxLineBytes / 1024) KiB; a CSV file has one participant a line", field: "body")
    }

    private var unpaired: Failure { Failure(description: "the file is not UTF-16 after \(unitsRead) characters (an unpaired surrogate)") }

    private func notText(at byteOffset: Int) -> Failure {
        Failure(description: "line \(lineNumber) has a NUL byte (byte \(byteOffset)): this is not a text file; save a spreadsheet as CSV or xlsx", field: "body")
    }

    private mutating func emit(into output: inout [Line]) throws(Failure) {
        defer {
            current.removeAll(keepingCapacity: true)
            currentIsASCII = true
            lineNumber += 1
        }
        if charset == .undecided, !currentIsASCII {
            // The first line past ASCII decides: UTF-8 if it is UTF-8, else Windows-1252.
            charset = String(validating: current, as: UTF8.self) == nil ? .windows1252 : .utf8
        }
        switch charset {
        case .undecided:
            output.append(Line(text: String(decoding: current, as: UTF8.self), number: lineNumber))
        case .windows1252:
            if !named, !currentIsASCII, String(validating: current, as: UTF8.self) != nil {
                // Windows-1252 text is almost never valid UTF-8 past ASCII ("Ã©" for "é"): this line
                // was saved as UTF-8 by another program than the lines before it.
                throw Failure(description: "line \(lineNumber) is UTF-8 but the lines before it are Windows-1252: the file mixes two encodings; save it again as 'CSV UTF-8'")
            }
            var scalars = String.UnicodeScalarView()
            for (index, byte) in current.enumerated() {
                guard let scalar = Self.windows1252(byte) else { throw undefined(byte, at: currentStart + index) }
                scalars.append(scalar)
            }
            output.append(Line(text: String(scalars), number: lineNumber))
        case .latin1:
            output.append(Line(text: String(String.UnicodeScalarView(current.map { Unicode.Scalar($0) })), number: lineNumber))
        case .utf16:
            output.append(Line(text: String(decoding: current, as: UTF8.self), number: lineNumber))
        case .utf8:
            guard let text = String(validating: current, as: UTF8.self) else { throw notUTF8() }
            output.append(Line(text: text, number: lineNumber))
        }
    }

    private func notUTF8() -> Failure {
        var iterator = current.makeIterator()
        var decoder = UTF8()
        var valid = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): valid += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        let byte = current[min(valid, current.count - 1)]
        let place = "line \(lineNumber) is not UTF-8 (byte \(currentStart + valid), 0x\(String(byte, radix: 16, uppercase: true)))"
        if named {
            return Failure(description: place + "; if the file comes from Excel, send it as 'Content-Type: text/csv; charset=windows-1252', or with no charset to let Roster detect it")
        }
        return Failure(description: place + " though the lines before it are: the file mixes two encodings; save it again as 'CSV UTF-8'")
    }

    private func undefined(_ byte: UInt8, at byteOffset: Int) -> Failure {
        Failure(description: "line \(lineNumber) has the byte 0x\(String(byte, radix: 16, uppercase: true)) (byte \(byteOffset)), which is a character neither in UTF-8 nor in Windows-1252; save the file again as 'CSV UTF-8'")
    }

    /// Windows-1252's byte to its character: Latin-1, except 0x80–0x9F, which hold € ‚ ƒ „ … †
    /// and the like; `nil` for the five bytes it leaves undefined.
    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar? {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        return cp1252High[Int(byte) - 0x80].flatMap(Unicode.Scalar.init)
    }

    private static let cp1252High: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]
}
