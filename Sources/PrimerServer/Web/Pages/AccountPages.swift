import Foundation
import PrimerCore

/// The sign-up, sign-in and profile pages: plain forms that work without JavaScript, with
/// each error shown next to the field it concerns.
enum AccountPages {
    /// What the background fields show (a failed submission keeps what was typed).
    struct Background {
        var software = "", programming = "", hardware = "", interests: [String] = [], name = ""
    }

    static let softwareWhy = "So answers use the vocabulary and depth that suit you."
    static let programmingWhy = "So answers show code only when it helps you."
    static let hardwareWhy = "So answers explain as much electronics and mechanics as you need."
    static let interestsWhy = "So examples come from the topics you care about."

    static func signup(frame: PageFrame, email: String, background: Background, topics: [String], errors: [String: String]) -> HTML {
        let rules: [HTML] = zip(["length", "upper", "lower", "digit", "symbol"], PasswordPolicy.rules).map { rule, text in
            "<li data-rule=\"\(rule)\">\(text)</li>"
        }
        return frame.render("""
        <section class="form-page">
        <h1>Sign up</h1>
        <p class="lead">Tell Primer your background once; every answer and chapter can then adapt to it.</p>
        \(formError(errors))
        <form method="post" action="/signup" class="account-form" novalidate>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="\(email)">
        \(fieldError("email", errors))
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required>
        <ul id="password-rules" class="rules" aria-label="Password rules">\(rules)</ul>
        \(fieldError("password", errors))
        <label for="name">Name <span class="optional">(optional)</span></label>
        <input id="name" name="name" type="text" autocomplete="name" maxlength="100" value="\(background.name)">
        \(fieldError("name", errors))
        \(backgroundFields(background, topics: topics, errors: errors))
        <button type="submit" id="signup-submit" class="button primary">Create my account</button>
        </form>
        <p>Already have an account? <a href="/signin">Sign in</a></p>
        </section>
        """)
    }

    /// The background questions, shared by sign-up and the profile page.
    static func backgroundFields(_ background: Background, topics: [String], errors: [String: String]) -> HTML {
        let others = background.interests.filter { interest in !topics.contains { $0.caseInsensitiveCompare(interest) == .orderedSame } }
        let checkboxes: [HTML] = topics.enumerated().map { index, topic in
            let checked = background.interests.contains { $0.caseInsensitiveCompare(topic) == .orderedSame }
            return """
            <label class="topic" for="interest-\(index)"><input type="checkbox" id="interest-\(index)" name="interests[]" value="\(topic)"\(checked ? HTML(" checked") : "")> \(topic)</label>
            """
        }
        return """
        <label for="software_experience">Software experience</label>
        <p class="why">\(softwareWhy)</p>
        \(select("software_experience", SoftwareExperience.allCases.map(\.rawValue), selected: background.software, blank: nil))
        \(fieldError("software_experience", errors))
        <label for="programming_background">Programming background</label>
        <p class="why">\(programmingWhy)</p>
        \(select("programming_background", ProgrammingBackground.allCases.map(\.rawValue), selected: background.programming, blank: "Prefer not to say"))
        \(fieldError("programming_background", errors))
        <label for="hardware_experience">Hardware experience</label>
        <p class="why">\(hardwareWhy)</p>
        \(select("hardware_experience", HardwareExperience.allCases.map(\.rawValue), selected: background.hardware, blank: nil))
        \(fieldError("hardware_experience", errors))
        <fieldset class="interests"><legend>Interests</legend>
        <p class="why">\(interestsWhy)</p>
        <fieldset class="topics"><legend class="visually-hidden">Topics from the book</legend><div class="topics">\(checkboxes)</div></fieldset>
        <label for="interests_other">Other topics <span class="optional">(comma-separated)</span></label>
        <input id="interests_other" name="interests_other" type="text" maxlength="500" value="\(others.joined(separator: ", "))">
        \(fieldError("interests", errors))
        </fieldset>
        """
    }

    static func signin(frame: PageFrame, email: String, next: String, errors: [String: String]) -> HTML {
        frame.render("""
        <section class="form-page">
        <h1>Sign in</h1>
        \(formError(errors))
        <form method="post" action="/signin" class="account-form" novalidate>
        <input type="hidden" name="next" value="\(next)">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="\(email)">
        \(fieldError("email", errors))
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        \(fieldError("password", errors))
        <button type="submit" id="signin-submit" class="button primary">Sign in</button>
        </form>
        <p><a href="/forgot-password" id="forgot-password-link">Forgot password?</a></p>
        <p>New here? <a href="/signup">Sign up</a> — it takes a minute and makes answers fit your background.</p>
        </section>
        """)
    }

    static func profile(frame: PageFrame, reader: AuthenticatedReader, background: Background, topics: [String],
                        sessions: [SessionResponse], twoFactor: TwoFactorStatus, errors: [String: String], saved: Bool) -> HTML {
        let twoFactorText: HTML = twoFactor.enabled
            ? "Two-factor sign-in is <strong>on</strong>: signing in asks for a code from your authenticator app (\(twoFactor.backupCodesRemaining) backup codes left)."
            : "Two-factor sign-in is <strong>off</strong>. Turn it on so that your password alone can't open your account."
        let twoFactorLink: HTML = twoFactor.enabled ? "Manage two-factor sign-in" : "Set up two-factor sign-in"
        let rows: [HTML] = sessions.map { session in
            let device = session.userAgent.map { String($0.prefix(80)) } ?? "Unknown device"
            let current: HTML = session.current ? "<strong class=\"this-device\">This device</strong>" : ""
            return """
            <tr><td>\(device) \(current)</td><td>\(session.ipAddress ?? "")</td><td>\(Self.date(session.lastUsedAt))</td>
            <td><form method="post" action="/profile/sessions/\(session.id.uuidString)/revoke"><button type="submit" class="button small">Sign out this device</button></form></td></tr>
            """
        }
        let savedNote: HTML? = saved ? "<p id=\"profile-saved\" class=\"notice\" role=\"status\">Saved. Your next answer uses your new background.</p>" : nil
        return frame.render("""
        <section class="form-page">
        <h1>Your profile</h1>
        <p class="lead">Signed in as <strong>\(reader.user.email)</strong>.</p>
        \(savedNote)
        \(formError(errors))
        <form method="post" action="/profile" class="account-form" id="profile-form" novalidate>
        <label for="name">Name <span class="optional">(optional)</span></label>
        <input id="name" name="name" type="text" autocomplete="name" maxlength="100" value="\(background.name)">
        \(fieldError("name", errors))
        \(backgroundFields(background, topics: topics, errors: errors))
        <button type="submit" id="profile-save" class="button primary">Save</button>
        </form>
        <h2>Two-factor sign-in</h2>
        <p id="profile-two-factor">\(twoFactorText)</p>
        <p><a class="button" href="/profile/two-factor" id="profile-two-factor-link">\(twoFactorLink)</a></p>
        <h2>Signed-in devices</h2>
        <table id="sessions"><thead><tr><th>Device</th><th>Address</th><th>Last used</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
        <h2>Delete your account</h2>
        <p>This deletes your account, your background and every question you asked. It cannot be undone.</p>
        <form method="post" action="/profile/delete" id="delete-account" class="account-form danger" novalidate>
        <label for="delete_password">Confirm with your password</label>
        <input id="delete_password" name="delete_password" type="password" autocomplete="current-password" required>
        \(fieldError("delete_password", errors))
        <button type="submit" id="delete-account-button" class="button danger">Delete my account</button>
        </form>
        </section>
        """)
    }

    /// After sign-up: what Primer now does with the reader's background, with links onward.
    static func welcome(frame: PageFrame, reader: AuthenticatedReader, firstChapter: String?) -> HTML {
        let profile = reader.readerProfile
        let level = profile.softwareExperience
        let answers: String = switch level {
        case .beginner: "Answers start with plain-language passages and examples, explain the jargon they use in a short “Key terms” list, and leave out code and formulas unless you ask for them."
        case .intermediate: "Answers lead with the book’s explanation of what you asked and add a supporting passage when it helps."
        case .advanced: "Answers go straight to the technical passage and include the section’s formulas and code, with less introduction."
        }
        let code: String = switch profile.programmingBackground {
        case .none?, .basic?: "Code appears when you ask for it (“show me the code”)."
        case .intermediate?, .advanced?: "Code from the book is included when the section has it."
        case nil: "Tell Primer your programming background on your profile to decide how much code answers show."
        }
        let hardware: String = profile.hardwareExperience == .none || profile.hardwareExperience == .basic
            ? "Electronics and mechanics terms are explained as they come up."
            : "Electronics and mechanics are not re-explained."
        let interests: String = profile.interests.isEmpty
            ? "Add interests on your profile and examples will come from the topics you care about."
            : "When the book has an example from \(profile.interests.joined(separator: ", ")), answers prefer it."
        let start: HTML? = firstChapter.map { "<a class=\"button primary\" id=\"welcome-start\" href=\"/book/\($0)\">Start reading</a>" }
        return frame.render("""
        <section class="form-page welcome" id="welcome">
        <h1>Welcome\(reader.user.name.map { ", \($0)" } ?? "")!</h1>
        <p class="lead">Primer now knows your background: <strong>\(level.rawValue)</strong> software experience, \
        <strong>\(profile.programmingBackground?.rawValue ?? "unstated")</strong> programming, \
        <strong>\(profile.hardwareExperience.rawValue)</strong> hardware experience.</p>
        <h2>What changes now</h2>
        <ul class="welcome-list">
        <li><strong>Answers in the chat</strong> are labelled “Personalised for you”. \(answers)</li>
        <li>\(code) \(hardware)</li>
        <li>\(interests)</li>
        <li><strong>Chapters</strong>: “Personalise this chapter” on any page rewrites it for your level; “Show the original” brings the book’s text back.</li>
        </ul>
        <p>You can change any of this at any time on <a href="/profile" id="welcome-profile">your profile</a>.</p>
        <p>\(start)</p>
        </section>
        """)
    }

    /// After deleting the account: what was deleted, and that the reader is signed out.
    static func accountDeleted(frame: PageFrame) -> HTML {
        frame.render("""
        <section class="form-page" id="account-deleted">
        <h1>Your account is deleted</h1>
        <p class="lead">Your account, your background and every question you asked are gone, and you are signed out on every device.</p>
        <p>You can keep reading and asking without an account. <a href="/">Back to the book</a> · <a href="/signup">Sign up again</a></p>
        </section>
        """)
    }

    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: date) + " UTC"
    }

    static func select(_ name: String, _ options: [String], selected: String, blank: String?) -> HTML {
        var items: [HTML] = []
        if let blank { items.append("<option value=\"\"\(selected.isEmpty ? HTML(" selected") : "")>\(blank)</option>") }
        for option in options {
            let isSelected = option.caseInsensitiveCompare(selected) == .orderedSame
            items.append("<option value=\"\(option)\"\(isSelected ? HTML(" selected") : "")>\(option)</option>")
        }
        return "<select id=\"\(name)\" name=\"\(name)\">\(items)</select>"
    }

    static func fieldError(_ field: String, _ errors: [String: String]) -> HTML? {
        guard let message = errors[field] else { return nil }
        return "<p class=\"field-error\" id=\"error-\(field)\" role=\"alert\">\(message)</p>"
    }

    static func formError(_ errors: [String: String]) -> HTML? {
        guard let message = errors["form"] else { return nil }
        return "<p class=\"form-error\" id=\"error-form\" role=\"alert\">\(message)</p>"
    }
}
