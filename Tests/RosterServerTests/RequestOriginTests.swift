import Testing
@testable import RosterServer

@Suite("Roster's own address from a request: a loopback Host only")
struct RequestOriginTests {
    @Test("loopback hosts with an optional port are taken; anything else, however spelled, is not")
    func onlyLoopback() {
        for taken in ["127.0.0.1:8080", "localhost", "LOCALHOST:80", "[::1]:8080", "[::1]", "127.1.2.3"] {
            #expect(RequestOrigin.origin(authority: taken) == "http://\(taken)", "\(taken)")
        }
        for refused in ["evil.example", "127.0.0.1.evil.example", "localhost.evil", "[::1]:80@evil", "[::1]evil", "localhost:evil",
                        "localhost:80x", "127..0.1", "127.+0.+0.+1", "127.0.0.256", "[::ffff:127.0.0.1]", "localhost:123456", "", "10.0.0.1:80"] {
            #expect(RequestOrigin.origin(authority: refused) == nil, "\(refused)")
        }
        #expect(RequestOrigin.origin(authority: nil) == nil)
    }
}
