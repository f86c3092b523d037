import Foundation
import RosterCore
import Testing

@Suite("RFC 3339 timestamps, written by hand")
struct RFC3339Tests {
    @Test(arguments: [0.0, 1_795_561_947.835, 951_782_400.5, -86_400.25, 4_102_444_799.999])
    func formatsLikeFoundationInUTCWithMilliseconds(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(RFC3339.string(from: date) == formatter.string(from: date))
    }
}
