import Foundation

/// The contract shows every key of its objects, `null` included, where the generated types
/// leave a `nil` property out. A type adopts this and its `encode(to:)` calls
/// ``encodeEveryKey(to:)``: each stored property under its coding key, in declaration order.
protocol EncodesEveryKey: Encodable {
    associatedtype CodingKeys: CodingKey
}

extension EncodesEveryKey {
    func encodeEveryKey(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let key = CodingKeys(stringValue: label), let value = child.value as? any Encodable else {
                throw EncodingError.invalidValue(child.value, .init(codingPath: encoder.codingPath,
                                                                    debugDescription: "\(Self.self).\(child.label ?? "?") has no coding key of that name"))
            }
            try container.encode(value, forKey: key)
        }
    }
}
