import Foundation
import NIOCore
import RosterCore
import RosterStore

/// The JSON of a participant page (`ParticipantPage` in openapi.yaml), written by hand.
///
/// Written by hand because the list is the grid's read and the API's hottest, and Foundation's
/// `JSONEncoder`, which the generated layer uses with no hook for another, took a third of its CPU
/// (perf; docs/performance.md, "What makes it so"); no package this project has writes JSON faster. It writes the
/// very bytes the generated layer writes: keys in the order its encoder sorts them, `/`
/// unescaped, dates as ``FlexibleDateTranscoder`` writes them, every Salesforce key present
/// and `nextCursor` (null included), then `total` and `totalExact`. `ParticipantPageJSONTests` compares
/// the two, byte for byte, on pages holding every kind of value.
enum ParticipantPageJSON {
    /// - Parameter exclusions: the event's connector exclusions, for `salesforce.state`.
    static func encode(_ page: ParticipantPage, exclusions: [String]) -> ByteBuffer {
        var out = JSONBytes()
        out.bytes.reserveCapacity(64 + 560 * page.items.count)
        out.writeStaticString("{\"items\":[")
        for (index, participant) in page.items.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            write(participant, exclusions: exclusions, into: &out)
        }
        out.writeStaticString("]")
        out.writeStaticString(",\"nextCursor\":")
        write(optional: page.nextCursor, into: &out)
        out.writeStaticString(",\"total\":")
        out.writeString(String(page.total))
        out.writeStaticString(",\"totalExact\":")
        write(bool: page.totalExact, into: &out)
        out.writeStaticString("}")
        return ByteBuffer(bytes: out.bytes)
    }

    /// A participant's properties, in sorted order (`Components.Schemas.Participant`).
    static func write(_ p: Participant, exclusions: [String], into out: inout JSONBytes) {
        out.writeStaticString("{\"allowNetworking\":")
        write(bool: p.allowNetworking, into: &out)
        out.writeStaticString(",\"checkedInAt\":")
        if let checkedIn = p.checkedInAt { write(date: checkedIn, into: &out) } else { out.writeStaticString("null") }
        out.writeStaticString(",\"company\":")
        write(string: p.company, into: &out)
        out.writeStaticString(",\"createdAt\":")
        write(date: p.createdAt, into: &out)
        out.writeStaticString(",\"email\":")
        write(string: p.email, into: &out)
        out.writeStaticString(",\"eventId\":")
        write(string: p.eventId, into: &out)
        out.writeStaticString(",\"fields\":")
        write(fields: p.fields, into: &out)
        out.writeStaticString(",\"firstName\":")
        write(string: p.firstName, into: &out)
        out.writeStaticString(",\"hasAttended\":")
        write(bool: p.hasAttended, into: &out)
        out.writeStaticString(",\"id\":")
        write(string: p.id, into: &out)
        out.writeStaticString(",\"isRegistered\":")
        write(bool: p.isRegistered, into: &out)
        out.writeStaticString(",\"jobTitle\":")
        write(string: p.jobTitle, into: &out)
        out.writeStaticString(",\"lastName\":")
        write(string: p.lastName, into: &out)
        out.writeStaticString(",\"salesforce\":{\"campaignMemberId\":")
        write(optional: p.salesforce.campaignMemberId, into: &out)
        out.writeStaticString(",\"contactId\":")
        write(optional: p.salesforce.contactId, into: &out)
        out.writeStaticString(",\"error\":")
        write(optional: p.salesforce.error, into: &out)
        out.writeStaticString(",\"excludedBy\":")
        write(optional: SalesforceSyncState.exclusion(matching: p.email, in: exclusions), into: &out)
        out.writeStaticString(",\"leadId\":")
        write(optional: p.salesforce.leadId, into: &out)
        out.writeStaticString(",\"state\":")
        write(string: SalesforceSyncState(of: p, exclusions: exclusions).rawValue, into: &out)
        out.writeStaticString(",\"syncedAt\":")
        if let synced = p.salesforce.syncedAt { write(date: synced, into: &out) } else { out.writeStaticString("null") }
        out.writeStaticString("},\"updatedAt\":")
        write(date: p.updatedAt, into: &out)
        out.writeStaticString("}")
    }

    /// Custom fields by code, sorted as Foundation's encoder sorts keys on Linux (by their UTF-8
    /// bytes), each value as ``FieldValue/jsonObject`` gives it to the generated layer.
    static func write(fields: [String: FieldValue], into out: inout JSONBytes) {
        if fields.isEmpty {
            out.writeStaticString("{}")
            return
        }
        let codes = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        out.writeStaticString("{")
        for (index, code) in codes.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            write(string: code, into: &out)
            out.writeStaticString(":")
            switch fields[code]! {
            case .text(let text), .date(let text): write(string: text, into: &out)
            case .bool(let value): write(bool: value, into: &out)
            case .number(let value): write(number: value, into: &out)
            case .list(let items):
                out.writeStaticString("[")
                for (position, item) in items.enumerated() {
                    if position > 0 { out.writeStaticString(",") }
                    write(string: item, into: &out)
                }
                out.writeStaticString("]")
            }
        }
        out.writeStaticString("}")
    }

    /// A number as the generated layer writes it: whole numbers as integers (the rule of
    /// ``FieldValue/jsonObject``), others as Foundation writes a `Double` (its description,
    /// without a trailing `.0`).
    static func write(number: Double, into out: inout JSONBytes) {
        if let whole = FieldValue.wholeNumber(number) {
            out.writeString(String(whole))
            return
        }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.writeString(text)
    }

    static func write(bool: Bool, into out: inout JSONBytes) {
        if bool { out.writeStaticString("true") } else { out.writeStaticString("false") }
    }

    static func write(date: Date, into out: inout JSONBytes) {
        out.writeStaticString("\"")
        out.writeString(RFC3339.string(from: date))
        out.writeStaticString("\"")
    }

    static func write(optional text: String?, into out: inout JSONBytes) {
        if let text { write(string: text, into: &out) } else { out.writeStaticString("null") }
    }

    /// A JSON string, escaped as Foundation escapes it (quote, backslash and control characters;
    /// not `/`, not non-ASCII).
    static func write(string: String, into out: inout JSONBytes) {
        out.writeStaticString("\"")
        let utf8 = string.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.writeString(string)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): out.writeStaticString("\\\\")
                case 0x08: out.writeStaticString("\\b")
                case 0x0C: out.writeStaticString("\\f")
                case UInt8(ascii: "\n"): out.writeStaticString("\\n")
                case UInt8(ascii: "\r"): out.writeStaticString("\\r")
                case UInt8(ascii: "\t"): out.writeStaticString("\\t")
                case ..<0x20:
                    out.writeStaticString("\\u00")
                    out.writeInteger(hexDigits[Int(byte >> 4)])
                    out.writeInteger(hexDigits[Int(byte & 0x0F)])
                default: out.writeInteger(byte)
                }
            }
        }
        out.writeStaticString("\"")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The page's bytes as they are written: appended to an array, then handed to NIO in one piece.
/// A page is some 2,000 small writes, and each of `ByteBuffer`'s checks its capacity and that its
/// storage is not shared: 4 % of the server's CPU under 8 grid readers (perf).
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func writeStaticString(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func writeString(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func writeInteger(_ byte: UInt8) {
        bytes.append(byte)
    }
}
