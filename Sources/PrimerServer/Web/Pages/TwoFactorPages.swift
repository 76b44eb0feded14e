import Foundation
import PrimerCore

/// The two-factor pages: the code step of signing in, and `/profile/two-factor` (set up with a
/// QR code, confirm with a code, backup codes, switch off). Plain forms, no JavaScript needed.
enum TwoFactorPages {
    /// After a correct password: the code from the app, or a backup code.
    static func signinCode(frame: PageFrame, challenge: String, next: String, errors: [String: String]) -> HTML {
        frame.render("""
        <section class="form-page" id="signin-code">
        <h1>Enter your code</h1>
        <p class="lead">Open your authenticator app and enter the 6-digit code it shows for \(frame.bookTitle).</p>
        \(AccountPages.formError(errors))
        <form method="post" action="/signin/code" class="account-form" novalidate>
        <input type="hidden" name="mfa_token" value="\(challenge)">
        <input type="hidden" name="next" value="\(next)">
        <label for="code">Code</label>
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="32" required autofocus \
        aria-describedby="code-help">
        <p class="why" id="code-help">No phone with you? Enter one of your backup codes (like <code>k3m9-x2pq</code>) instead.</p>
        \(AccountPages.fieldError("code", errors))
        <button type="submit" id="signin-code-submit" class="button primary">Sign in</button>
        </form>
        <p>The code step lasts 5 minutes. <a href="/signin">Start again</a></p>
        </section>
        """)
    }

    /// `/profile/two-factor` while two-factor sign-in is off: what it is and how to start.
    static func off(frame: PageFrame) -> HTML {
        frame.render("""
        <section class="form-page" id="two-factor">
        <h1>Two-factor sign-in</h1>
        <p class="lead">With two-factor sign-in, signing in needs your password <em>and</em> a 6-digit code from an \
        authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 1Password, Aegis, …). \
        Someone who learns your password still can't get in.</p>
        <p id="two-factor-status">Two-factor sign-in is <strong>off</strong>.</p>
        <form method="post" action="/profile/two-factor/setup" class="account-form">
        <button type="submit" id="two-factor-start" class="button primary">Set up two-factor sign-in</button>
        </form>
        <p><a href="/profile">Back to your profile</a></p>
        </section>
        """)
    }

    /// Set-up: scan the QR code (or type the secret), then confirm with the first code.
    static func setUp(frame: PageFrame, setup: TwoFactorSetup, qrSVG: String, errors: [String: String]) -> HTML {
        let grouped = stride(from: 0, to: setup.secret.count, by: 4).map { start -> String in
            let from = setup.secret.index(setup.secret.startIndex, offsetBy: start)
            let to = setup.secret.index(from, offsetBy: min(4, setup.secret.count - start))
            return String(setup.secret[from..<to])
        }.joined(separator: " ")
        return frame.render("""
        <section class="form-page" id="two-factor-setup">
        <h1>Set up two-factor sign-in</h1>
        <ol class="steps">
        <li><p>In your authenticator app, add an account and scan this QR code:</p>
        <figure class="qr-code" id="two-factor-qr">\(HTML.trusted(qrSVG))</figure>
        <p>Can't scan it? Enter this key instead (time-based, 6 digits):</p>
        <p><code class="secret" id="two-factor-secret" data-secret="\(setup.secret)">\(grouped)</code></p></li>
        <li><p>Enter the 6-digit code the app now shows, to prove it works:</p>
        \(AccountPages.formError(errors))
        <form method="post" action="/profile/two-factor/enable" class="account-form" novalidate>
        <label for="code">Code from the app</label>
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="32" required>
        \(AccountPages.fieldError("code", errors))
        <button type="submit" id="two-factor-enable" class="button primary">Turn on two-factor sign-in</button>
        </form></li>
        </ol>
        <p><a href="/profile">Cancel</a></p>
        </section>
        """)
    }

    /// The backup codes, shown once (after switching on, or regenerating).
    static func backupCodes(frame: PageFrame, codes: [String], justEnabled: Bool) -> HTML {
        let items: [HTML] = codes.map { "<li><code>\($0)</code></li>" }
        let heading = justEnabled ? "Two-factor sign-in is on" : "Your new backup codes"
        let lead = justEnabled
            ? "From now on, signing in asks for a code from your authenticator app. If you lose your phone, a backup code gets you in instead."
            : "Your previous backup codes no longer work."
        return frame.render("""
        <section class="form-page" id="backup-codes">
        <h1>\(heading)</h1>
        <p class="lead">\(lead)</p>
        <h2>Backup codes</h2>
        <p>Each code works once. Save them now (print them, or keep them in a password manager): this page won't show them again.</p>
        <ul class="backup-codes" id="backup-code-list">\(items)</ul>
        <p><a class="button primary" href="/profile/two-factor" id="backup-codes-done">I've saved them</a></p>
        </section>
        """)
    }

    /// `/profile/two-factor` while on: status, new backup codes, switch off.
    static func on(frame: PageFrame, status: TwoFactorStatus, errors: [String: String], form: String?) -> HTML {
        let since = status.enabledAt.map { " since " + AccountPages.date($0) } ?? ""
        let remaining = status.backupCodesRemaining
        let warning: HTML? = remaining <= 3
            ? "<p class=\"form-error\" role=\"status\">Only \(remaining) backup code\(remaining == 1 ? "" : "s") left: make new ones below.</p>" : nil
        let codesErrors = form == "codes" ? errors : [:], offErrors = form == "off" ? errors : [:]
        return frame.render("""
        <section class="form-page" id="two-factor">
        <h1>Two-factor sign-in</h1>
        <p class="lead" id="two-factor-status">Two-factor sign-in is <strong>on</strong>\(since). \
        You have <strong>\(remaining)</strong> unused backup code\(remaining == 1 ? "" : "s").</p>
        \(warning)
        <h2>New backup codes</h2>
        <p>Lost your codes or used most of them? Make a new set; the old ones stop working.</p>
        \(AccountPages.formError(codesErrors))
        <form method="post" action="/profile/two-factor/backup-codes" class="account-form" novalidate>
        <label for="codes_password">Confirm with your password</label>
        <input id="codes_password" name="password" type="password" autocomplete="current-password" required>
        \(AccountPages.fieldError("password", codesErrors))
        <button type="submit" id="two-factor-new-codes" class="button">Make new backup codes</button>
        </form>
        <h2>Turn off two-factor sign-in</h2>
        \(AccountPages.formError(offErrors))
        <form method="post" action="/profile/two-factor/disable" class="account-form danger" novalidate>
        <label for="off_password">Your password</label>
        <input id="off_password" name="password" type="password" autocomplete="current-password" required>
        \(AccountPages.fieldError("password", offErrors))
        <label for="off_code">A code from your app (or a backup code)</label>
        <input id="off_code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="32" required>
        \(AccountPages.fieldError("code", offErrors))
        <button type="submit" id="two-factor-disable" class="button danger">Turn off</button>
        </form>
        <p><a href="/profile">Back to your profile</a></p>
        </section>
        """)
    }
}
