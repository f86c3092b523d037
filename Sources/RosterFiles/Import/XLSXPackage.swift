import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// The parts of an xlsx file (ECMA-376 SpreadsheetML) that an import reads: the first sheet, the
/// shared strings and styles it refers to, and the workbook's date system. Parts are found through
/// the package's relationships, as Excel, LibreOffice and openpyxl name them differently.
///
/// Every part is decompressed under a limit, so a small file that inflates to gigabytes (a "zip
/// bomb") is refused rather than filling the memory or the disk.
struct XLSXPackage {
    /// How much each kind of part may inflate to.
    struct Limits: Sendable {
        /// The workbook, relationships and styles.
        var smallPart = 16 << 20
        /// The shared strings, which an import holds in memory.
        var sharedStrings = 64 << 20
        /// The sheet, which goes to a temporary file and is read as a stream (a million rows of
        /// participants are some 150 MiB of XML).
        var sheet = 512 << 20
    }

    let archive: Archive
    let limits: Limits
    /// The first sheet's part name, e.g. `xl/worksheets/sheet1.xml`.
    let sheetPath: String
    let sharedStringsPath: String?
    let stylesPath: String?
    /// Dates count days from 1904-01-01 (old Mac Excel) instead of 1900-01-01.
    let date1904: Bool

    /// Opens the file and finds its parts.
    /// - Throws: `.unsupportedFormat` for an `.xls` or password-protected file; `.unreadable`
    ///   for anything that is not a workbook.
    init(file: URL, limits: Limits) throws(ImportFileError) {
        try Self.refuseCompoundFile(file)
        guard let archive = try? Archive(url: file, accessMode: .read, pathEncoding: nil) else {
            throw ImportFileError(.unreadable, "the file is not an xlsx workbook (it is not a ZIP archive); save it from your spreadsheet as 'Excel Workbook (.xlsx)' or as CSV", field: "body")
        }
        self.archive = archive
        self.limits = limits
        let root = try Self.relationships(in: archive, of: "", limit: limits.smallPart)
        guard let workbookPath = root.first(where: { $0.type.hasSuffix("/officeDocument") })?.target ?? (archive["xl/workbook.xml"] != nil ? "xl/workbook.xml" : nil) else {
            throw ImportFileError(.unreadable, "the file is a ZIP archive but not an xlsx workbook (it has no workbook part)", field: "body")
        }
        let workbook = XMLParts.Workbook()
        try XMLParts.parse(Self.data(of: workbookPath, in: archive, limit: limits.smallPart), with: workbook, part: workbookPath)
        guard let sheetId = workbook.firstSheetRelationship else {
            throw ImportFileError(.unreadable, "the workbook has no sheet", field: "body")
        }
        let parts = try Self.relationships(in: archive, of: workbookPath, limit: limits.smallPart)
        guard let sheet = parts.first(where: { $0.id == sheetId }) else {
            throw ImportFileError(.unreadable, "the workbook's first sheet points to a part the file does not have", field: "body")
        }
        sheetPath = sheet.target
        sharedStringsPath = parts.first { $0.type.hasSuffix("/sharedStrings") }?.target
        stylesPath = parts.first { $0.type.hasSuffix("/styles") }?.target
        date1904 = workbook.date1904
    }

    /// The shared strings, in order.
    func sharedStrings() throws(ImportFileError) -> [String] {
        guard let sharedStringsPath else { return [] }
        let strings = XMLParts.SharedStrings()
        let data = try Self.data(of: sharedStringsPath, in: archive, limit: limits.sharedStrings)
        do {
            try XMLParts.parse(data, with: strings, part: sharedStringsPath)
        } catch {
            throw strings.failure ?? error
        }
        return strings.strings
    }

    /// Which cell styles (indexes into `cellXfs`) show a number as a date, a time, or both.
    func dateStyles() throws(ImportFileError) -> [Int: XLSXDateFormat] {
        guard let stylesPath else { return [:] }
        let styles = XMLParts.Styles()
        try XMLParts.parse(Self.data(of: stylesPath, in: archive, limit: limits.smallPart), with: styles, part: stylesPath)
        return styles.dateStyles()
    }

    /// Inflates the sheet into `file`, under the sheet limit.
    func extractSheet(to file: URL) throws(ImportFileError) {
        guard let entry = archive[sheetPath] else {
            throw ImportFileError(.unreadable, "the workbook's first sheet (\(sheetPath)) is missing from the file", field: "body")
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file) else {
            throw ImportFileError(.unreadable, "the sheet could not be unpacked (no room for a temporary file)", field: "body")
        }
        defer { try? handle.close() }
        var written = 0
        let limit = limits.sheet
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data in
                written += data.count
                if written > limit { throw TooLarge() }
                try handle.write(contentsOf: data)
            }
        } catch is TooLarge {
            throw Self.inflatesPastLimit(sheetPath, limit)
        } catch {
            throw ImportFileError(.unreadable, "the sheet could not be unpacked: the file is damaged (\(sheetPath))", field: "body")
        }
    }

    private struct TooLarge: Error {}

    private static func inflatesPastLimit(_ part: String, _ limit: Int) -> ImportFileError {
        ImportFileError(.unreadable, "the part \(part) unpacks to more than \(limit >> 20) MiB, more than a participant list needs; split the file", field: "body")
    }

    /// An entry's bytes, inflated under `limit`.
    static func data(of path: String, in archive: Archive, limit: Int) throws(ImportFileError) -> Data {
        guard let entry = archive[path] else {
            throw ImportFileError(.unreadable, "the file lacks the part \(path) that it refers to", field: "body")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                if data.count + chunk.count > limit { throw TooLarge() }
                data.append(chunk)
            }
        } catch is TooLarge {
            throw inflatesPastLimit(path, limit)
        } catch {
            throw ImportFileError(.unreadable, "the part \(path) could not be unpacked: the file is damaged", field: "body")
        }
        return data
    }

    /// The relationships of a part (`""`: the package's own), targets resolved to part names.
    static func relationships(in archive: Archive, of part: String, limit: Int) throws(ImportFileError) -> [XMLParts.Relationship] {
        let directory = part.split(separator: "/").dropLast().joined(separator: "/")
        let name = part.split(separator: "/").last.map(String.init) ?? ""
        let path = (directory.isEmpty ? "" : directory + "/") + "_rels/\(name).rels"
        guard archive[path] != nil else { return [] }
        let relationships = XMLParts.Relationships()
        try XMLParts.parse(data(of: path, in: archive, limit: limit), with: relationships, part: path)
        return relationships.items.map { item in
            var resolved = item
            resolved.target = resolve(item.target, from: directory)
            return resolved
        }
    }

    /// A relationship's target as a part name: absolute (`/xl/…`) or relative to the source's folder.
    static func resolve(_ target: String, from directory: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : directory.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == ".." { _ = parts.popLast() } else if piece != "." { parts.append(piece) }
        }
        return parts.joined(separator: "/")
    }

    /// An OLE2 compound file is an `.xls` workbook, or an xlsx that Excel encrypted with a password.
    private static func refuseCompoundFile(_ file: URL) throws(ImportFileError) {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return }
        defer { try? handle.close() }
        let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        guard let head = try? handle.read(upToCount: 8), Array(head) == magic else { return }
        // An encrypted xlsx keeps its package in a stream named EncryptedPackage (UTF-16LE in the
        // compound file's directory).
        let marker = Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        try? handle.seek(toOffset: 0)
        var window = Data()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            window.append(chunk)
            if window.range(of: marker) != nil {
                throw ImportFileError(.unreadable, "the workbook is protected by a password, so Roster can't read it; open it in Excel, remove the password (File › Info › Protect Workbook) and import it again", field: "body")
            }
            window = window.suffix(marker.count)
        }
        throw ImportFileError(.unsupportedFormat, "this is an Excel 97–2003 workbook (.xls), which Roster does not read; save it as 'Excel Workbook (.xlsx)' or as CSV and import that", field: "body")
    }
}
