import Foundation
import RosterCore

/// Reads a JSON array as its bytes arrive, one element at a time: memory holds the element being
/// read, never the array. Each element's bytes are parsed on their own by `JSONSerialization`;
/// this type only finds where elements start and end (strings, escapes and nesting), which no
/// JSON parser the machine has does on a stream.
public struct JSONArrayReader: Sendable {
    /// One element of the array: its position (from 1) and value, or why it is not JSON.
    public struct Element: Sendable {
        /// The element's position in the array, from 1.
        public var number: Int
        /// The value, or why its bytes are not JSON.
        public var value: Result<InputValue, ValidationFailure>
    }

    /// The longest element read (1 MiB): a participant is far shorter.
    public static let maxElementBytes = 1 << 20

    private enum State { case beforeArray, beforeElement, inElement, afterElement, done }
    private var state = State.beforeArray
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var number = 0
    private var offset = 0

    /// Starts reading.
    public init() {}

    /// The elements completed by `bytes`, the next part of the body.
    /// - Throws: when the body is not a JSON array.
    public mutating func read(_ bytes: some Collection<UInt8>) throws(ImportFileError) -> [Element] {
        var elements: [Element] = []
        for byte in bytes {
            defer { offset += 1 }
            switch state {
            case .beforeArray:
                if Self.isSpace(byte) || (offset < 3 && [0xEF, 0xBB, 0xBF].contains(byte)) { continue }
                guard byte == UInt8(ascii: "[") else { throw notAnArray("the body starts with '\(Self.shown(byte))'") }
                state = .beforeElement
            case .beforeElement, .afterElement:
                if Self.isSpace(byte) { continue }
                if byte == UInt8(ascii: "]") {
                    if state == .beforeElement, number > 0 { throw notAnArray("a ',' is followed by ']' at byte \(offset)") }
                    state = .done
                    continue
                }
                if state == .afterElement {
                    guard byte == UInt8(ascii: ",") else { throw notAnArray("expected ',' or ']' at byte \(offset), found '\(Self.shown(byte))'") }
                    state = .beforeElement
                    continue
                }
                state = .inElement
                element.removeAll(keepingCapacity: true)
                try take(byte, into: &elements)
            case .inElement:
                try take(byte, into: &elements)
            case .done:
                if !Self.isSpace(byte) { throw notAnArray("there is more after the array's closing ']' (byte \(offset))") }
            }
        }
        return elements
    }

    /// The element left at the end of the body.
    /// - Throws: when the array is not closed.
    public mutating func finish() throws(ImportFileError) -> [Element] {
        var elements: [Element] = []
        if state == .inElement, depth == 0, !inString { complete(into: &elements) }
        guard state == .done else {
            throw notAnArray(state == .beforeArray ? "the body is empty" : "the array is not closed: the body ends after \(number) elements (a ']' is missing)")
        }
        return elements
    }

    private mutating func take(_ byte: UInt8, into elements: inout [Element]) throws(ImportFileError) {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
        } else {
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]") where depth == 0:
                // A scalar element ended by the array's close.
                complete(into: &elements)
                state = .done
                return
            case UInt8(ascii: "}") where depth == 0:
                throw notAnArray("a '}' closes nothing at byte \(offset)")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ",") where depth == 0:
                complete(into: &elements)
                state = .beforeElement
                return
            default: break
            }
        }
        element.append(byte)
        if element.count > Self.maxElementBytes {
            throw ImportFileError(.unreadable, "element \(number + 1) of the array is longer than \(Self.maxElementBytes >> 20) MiB; a participant is far shorter", field: "body")
        }
        if depth == 0, !inString, byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || (byte == UInt8(ascii: "\"") && element.count > 1) {
            complete(into: &elements)
            state = .afterElement
        }
    }

    private mutating func complete(into elements: inout [Element]) {
        number += 1
        let value: Result<InputValue, ValidationFailure>
        if let parsed = try? JSONSerialization.jsonObject(with: Data(element), options: [.fragmentsAllowed]) {
            value = .success(Self.value(parsed))
        } else {
            value = .failure(ValidationFailure(field: "row", message: "element \(number) is not valid JSON"))
        }
        elements.append(Element(number: number, value: value))
        element.removeAll(keepingCapacity: true)
    }

    /// What `JSONSerialization` made, as an input value. Its numbers are all `NSNumber`s, and on
    /// Linux `1 as? Bool` succeeds, so booleans are told apart by their class.
    private static func value(_ object: Any) -> InputValue {
        switch object {
        case let text as String: return .string(text)
        case let number as NSNumber:
            return type(of: number) == booleanClass ? .bool(number.boolValue) : .number(number.doubleValue)
        case let items as [Any]: return .array(items.map(value))
        case let record as [String: Any]: return .object(record.mapValues(value))
        default: return .null
        }
    }

    private static let booleanClass: AnyClass = type(of: NSNumber(value: true))

    private func notAnArray(_ detail: String) -> ImportFileError {
        ImportFileError(.unreadable, "the body must be a JSON array of participants: \(detail)", field: "body")
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
    private static func shown(_ byte: UInt8) -> String { byte < 0x80 ? String(UnicodeScalar(byte)) : String(format: "0x%02X", byte) }
}
