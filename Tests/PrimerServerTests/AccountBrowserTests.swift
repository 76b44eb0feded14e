import Foundation
@testable import PrimerServer
import Testing

/// The ways back into an account, in real Chromium: a forgotten password reset by the emailed
/// link, then signing in with the new one; and confirming the email address from its link.
@Suite(.enabled(if: BrowserSupport.isAvailable || BrowserSupport.isRequired), .serialized)
struct AccountBrowserTests {
    @Test(.timeLimit(.minutes(3)))
    func aForgottenPasswordIsResetByEmail() async throws {
        try await withServer(.sqlite) { server in
            let reader = try await server.signUp(email: "lost@example.com")
            let base = server.baseURL
            try await Browser.run { browser in
                // Confirm the address from the emailed link: opening it changes nothing, the button does.
                let verify = try #require(try await server.mailedToken("/verify-email", to: "lost@example.com"))
                try await browser.go(base + "/verify-email?token=" + verify)
                try await browser.click("#confirm-email-button")
                _ = try await browser.waitFor("#email-confirmed")

                try await browser.go(base + "/signin")
                try await browser.click("#forgot-password-link")
                _ = try await browser.waitFor("#forgot-password")
                try await browser.type("#email", "lost@example.com")
                try await browser.click("#forgot-submit")
                _ = try await browser.waitFor("#reset-requested")
                try await browser.screenshot(named: "reset-requested-desktop-light")

                let token = try #require(try await server.mailedToken("/reset-password", to: "lost@example.com"))
                try await browser.go(base + "/reset-password?token=" + token)
                try await browser.type("#password", "Brand#New2026")
                try await browser.waitUntil("password rules ticked", "document.querySelectorAll('#password-rules li.ok').length === 5")
                try await browser.screenshot(named: "reset-password-desktop-light")
                try await browser.click("#reset-submit")
                _ = try await browser.waitFor("#password-reset-done")

                // The old password no longer works; the new one does.
                #expect((try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)).status == .unauthorized)
                try await browser.go(base + "/signin")
                try await browser.type("#email", "lost@example.com")
                try await browser.type("#password", "Brand#New2026")
                try await browser.click("#signin-submit")
                try await browser.waitUntil("signed in", "document.body.dataset.signedIn === 'true'")
                #expect(try await !browser.exists("#verify-banner"), "the address was confirmed")
            }
        }
    }
}
