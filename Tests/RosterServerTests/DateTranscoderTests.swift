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

    @Test("what the document's pattern refuses is refused: out-of-range fields, days a month lacks, years Roster cannot write, offsets past 18 hours",
          arguments: ["2024-01-01T12:99:00Z", "2023-06-31T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
                      "2024-01-01t00:00:00z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+0100", "2024-13-01T00:00:00Z",
                      "1583-01-01T00:00:00+01:00", "1200-05-01T00:00:00Z", "2024-05-01T00:00:00-20:50"])
    func refusesWhatIsNotADate(text: String) {
        #expect(throws: DecodingError.self) { try FlexibleDateTranscoder().decode(text) }
    }

    @Test func acceptsLeapDaysAndTheEdgesOfWhatItWrites() throws {
        let transcoder = FlexibleDateTranscoder()
        #expect(try transcoder.decode("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(try transcoder.decode("2000-02-29T23:59:59.5-01:00") == Date(timeIntervalSince1970: 951_872_399.5))
        #expect(try transcoder.encode(transcoder.decode("1583-01-01T00:00:00Z")) == "1583-01-01T00:00:00.000Z")
        #expect(try transcoder.encode(transcoder.decode("9999-12-31T23:59:59.999Z")) == "9999-12-31T23:59:59.999Z")
    }
}
