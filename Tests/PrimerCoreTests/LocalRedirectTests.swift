@testable import PrimerCore
import Testing

@Suite struct LocalRedirectTests {
    @Test(arguments: ["/", "/profile", "/book/intro#setup", "/search?q=a%20b", "/book/a/b?x=1&y=2", "/book/..", "/book/café"])
    func sameOriginPathsAreKept(next: String) {
        #expect(LocalRedirect.path(next) == next)
    }

    /// `next` as the server sees it after the query string was decoded once.
    @Test(arguments: [
        "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "//evil.example", "///evil.example",
        "/\\evil.example", "\\/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example",
        "/%5Cevil.example", "/%5cevil.example", "/%09/evil.example", "/%0A/evil.example", "/%252F%252Fevil.example",
        "https://evil.example", "http:/evil.example", "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
        "evil.example", "", " /profile", "/profile ", "/\u{00A0}/evil.example", "/\u{200B}/evil.example",
        "/\u{FF0F}evil.example", "/\u{2215}evil.example", "/\u{2044}evil.example", "/\u{FF3C}evil.example",
        "/./evil.example/..//x", "/a/..//evil.example", "/.//evil.example", "/%zz", "/%",
    ])
    func everythingElseGoesHome(next: String) {
        #expect(LocalRedirect.path(next) == "/")
    }

    @Test func missingGoesHome() {
        #expect(LocalRedirect.path(nil) == "/")
    }
}
