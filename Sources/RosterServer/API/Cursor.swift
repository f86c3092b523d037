import Foundation

/// Opaque page cursors: base64url of the last id of the previous page, so clients can't depend
/// on what is inside.
enum Cursor {
    static func encode(after id: String) -> String {
        Data(id.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws(APIError) -> String {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), let id = String(data: data, encoding: .utf8), !id.isEmpty else {
            throw APIError(.badRequest, "invalid_cursor", "the cursor '\(cursor)' is not one this API gave; start again without a cursor",
                           details: [.init(field: "cursor", row: nil, message: "not a cursor from nextCursor")])
        }
        return id
    }
}
