import Foundation
import Synchronization

/// Produces identifiers; a seam so tests can make them predictable.
public protocol IDGenerator: Sendable {
    func next() -> String
}

/// Time-ordered identifiers (UUID version 7, RFC 9562), monotonic within the process: ids
/// made later sort later, even within one millisecond (a 12-bit counter, RFC 9562 §6.2
/// method 1), so id order is creation order and keyset pagination follows registrations.
public final class UUIDv7Generator: IDGenerator {
    private let now: @Sendable () -> Date
    private let state = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

    /// Makes a generator that reads the time from `now` (the system clock by default).
    public init(now: @escaping @Sendable () -> Date = Date.init) { self.now = now }

    /// A new UUIDv7 in lowercase 8-4-4-4-12 hex, sorting after every one this generator made before.
    public func next() -> String {
        let clock = UInt64(max(0, now().timeIntervalSince1970 * 1000))
        var random = SystemRandomNumberGenerator()
        let (millis, counter) = state.withLock { state -> (UInt64, UInt16) in
            if clock > state.millis {
                // A fresh millisecond: start the counter low and random, leaving room to count up.
                state = (clock, UInt16.random(in: 0..<0x400, using: &random))
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state = (state.millis + 1, 0) // counter exhausted: borrow the next millisecond
            }
            return state
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        for index in 8..<16 { bytes[index] = random.next() }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
