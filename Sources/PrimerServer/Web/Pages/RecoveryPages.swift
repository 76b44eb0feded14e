import PrimerCore

/// The pages behind the account emails: confirming an address, asking for a reset link and
/// choosing a new password. Plain forms that work without JavaScript; a link in an email
/// only opens a page — the change happens when the reader presses the button (a POST).
enum RecoveryPages {
    static func confirmEmail(frame: PageFrame, token: String) -> HTML {
        frame.render("""
        <section class="form-page" id="confirm-email">
        <h1>Confirm your email address</h1>
        <p class="lead">One click and Primer knows this address is yours, so you can always get back into your account.</p>
        <form method="post" action="/verify-email" class="account-form">
        <input type="hidden" name="token" value="\(token)">
        <button type="submit" id="confirm-email-button" class="button primary">Confirm my email</button>
        </form>
        </section>
        """)
    }

    static func message(frame: PageFrame, id: String, title: String, text: String, links: HTML) -> HTML {
        frame.render("""
        <section class="form-page" id="\(id)">
        <h1>\(title)</h1>
        <p class="lead">\(text)</p>
        <p>\(links)</p>
        </section>
        """)
    }

    static func forgotPassword(frame: PageFrame, email: String, errors: [String: String]) -> HTML {
        frame.render("""
        <section class="form-page" id="forgot-password">
        <h1>Forgot your password?</h1>
        <p class="lead">Enter the email address of your account and we'll send you a link to choose a new password.</p>
        \(AccountPages.formError(errors))
        <form method="post" action="/forgot-password" class="account-form" novalidate>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="\(email)">
        \(AccountPages.fieldError("email", errors))
        <button type="submit" id="forgot-submit" class="button primary">Send me a link</button>
        </form>
        <p><a href="/signin">Back to sign in</a></p>
        </section>
        """)
    }

    static func resetPassword(frame: PageFrame, token: String, errors: [String: String]) -> HTML {
        let rules: [HTML] = zip(["length", "upper", "lower", "digit", "symbol"], PasswordPolicy.rules).map { rule, text in
            "<li data-rule=\"\(rule)\">\(text)</li>"
        }
        return frame.render("""
        <section class="form-page" id="reset-password">
        <h1>Choose a new password</h1>
        \(AccountPages.formError(errors))
        <form method="post" action="/reset-password" class="account-form" novalidate>
        <input type="hidden" name="token" value="\(token)">
        <label for="password">New password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required>
        <ul id="password-rules" class="rules" aria-label="Password rules">\(rules)</ul>
        \(AccountPages.fieldError("password", errors))
        <button type="submit" id="reset-submit" class="button primary">Change my password</button>
        </form>
        </section>
        """)
    }
}
