import Foundation
import Testing
@testable import RosterServer

@Suite("RFC 3339 dates on the wire")
struct DateTranscoderTests {
    @Test(arguments: [0.0, 1_795_561_947.835, 951_782_400.5, -86_400.25, 4_102_444_799.999])
    func readsBackWhatItWrites(seconds: Double) throws {
        let transcoder = FlexibleDateTranscoder()
        let date = Date(timeIntervalSince1970: seconds)
        #expect(abs(try transcoder.decode(transcoder.encode(date)).timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test func readsWithOrWithoutFractionsAndWithOffsets() throws {
        let transcoder = FlexibleDateTranscoder()
        #expect(try transcoder.decode("2026-12-01T09:00:00Z") == Date(timeIntervalSince1970: 1_796_115_600))
        #expect(try transcoder.decode("2026-12-01T10:00:00+01:00") == Date(timeIntervalSince1970: 1_796_115_600))
        #expect(throws: (any Error).self) { try transcoder.decode("01/12/2026") }
    }
}
