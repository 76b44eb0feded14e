import Foundation
import PrimerCore
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

    @Test(.timeLimit(.minutes(3)))
    func twoFactorIsSetUpWithTheQRCodeAndSignInAsksForACode() async throws {
        try await withServer(.sqlite) { server in
            let reader = try await server.signUp(email: "second@example.com")
            let base = server.baseURL
            try await Browser.run { browser in
                try await browser.go(base + "/signin?next=/profile")
                try await browser.type("#email", reader.email)
                try await browser.type("#password", reader.password)
                try await browser.click("#signin-submit")
                _ = try await browser.waitFor("#profile-form")
                #expect(try await browser.text("#profile-two-factor").contains("off"))
                try await browser.click("#profile-two-factor-link")
                try await browser.click("#two-factor-start")
                _ = try await browser.waitFor("#two-factor-setup")
                // The QR code is drawn inline and laid out at a scannable size.
                let side = try await browser.execute("return document.querySelector('#two-factor-qr svg').getBoundingClientRect().width") as? Double
                #expect((side ?? 0) >= 150)
                let secret = try #require(try await browser.attribute("#two-factor-secret", "data-secret"))
                let app = try #require(TOTP(base32: secret))
                try await browser.screenshot(named: "two-factor-setup-desktop-light")
                let setupViolations = try await browser.seriousAccessibilityViolations()
                #expect(setupViolations.isEmpty, "\(setupViolations)")
                // A wrong code keeps the same secret on screen.
                try await browser.type("#code", app.code(at: Date()) == "000000" ? "111111" : "000000")
                try await browser.click("#two-factor-enable")
                _ = try await browser.waitFor("#error-code")
                #expect(try await browser.attribute("#two-factor-secret", "data-secret") == secret)
                try await browser.type("#code", app.code(at: Date()))
                try await browser.click("#two-factor-enable")
                _ = try await browser.waitFor("#backup-codes")
                let codes = try await browser.findAll("#backup-code-list li")
                #expect(codes.count == 10)
                try await browser.screenshot(named: "two-factor-backup-codes-desktop-light")
                try await browser.click("#backup-codes-done")
                #expect(try await browser.text("#two-factor-status").contains("on"))

                // Sign out, then in: the password leads to the code step, the code signs in.
                try await browser.click("#signout-button")
                try await browser.waitUntil("signed out", "document.body.dataset.signedIn !== 'true'")
                try await browser.go(base + "/signin?next=/profile")
                try await browser.type("#email", reader.email)
                try await browser.type("#password", reader.password)
                try await browser.click("#signin-submit")
                _ = try await browser.waitFor("#signin-code")
                #expect(try await browser.execute("return document.body.dataset.signedIn") as? String != "true")
                try await browser.screenshot(named: "signin-code-desktop-light")
                try await browser.type("#code", "999 999" == app.code(at: Date().addingTimeInterval(30)) ? "000 000" : "999 999")
                try await browser.click("#signin-code-submit")
                _ = try await browser.waitFor("#error-code")
                let next = app.code(at: Date().addingTimeInterval(30))
                try await browser.type("#code", String(next.prefix(3)) + " " + String(next.suffix(3)))
                try await browser.click("#signin-code-submit")
                try await browser.waitUntil("signed in", "document.body.dataset.signedIn === 'true'")
                _ = try await browser.waitFor("#profile-form")
                #expect(try await browser.text("#profile-two-factor").contains("on"))
                _ = try await browser.execute("document.getElementById('profile-two-factor').scrollIntoView({block: 'center'}); return true")
                try await browser.screenshot(named: "profile-two-factor-desktop-light")
                let violations = try await browser.seriousAccessibilityViolations()
                #expect(violations.isEmpty, "\(violations)")
            }
        }
    }
}
