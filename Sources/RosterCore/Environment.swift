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
        // The 62 random bits in one draw: each draw is a system call, and an import makes ids by the thousand.
        let randomBits: UInt64 = random.next()
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: randomBits >> (8 * (index - 8))) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
