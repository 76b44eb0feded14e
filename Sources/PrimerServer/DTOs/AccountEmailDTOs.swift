import PrimerCore
import Vapor

/// Body of `POST /auth/verify-email`.
struct VerifyEmailRequest: Content {
    var token: String?

    func validated() throws(ValidationFailure) -> String {
        var failure = ValidationFailure()
        let token = failure.check("token") { () throws(FieldProblem) in
            let value = try required(self.token).trimmingWhitespace()
            try TextLimit(200).check(value)
            return value
        }
        try failure.throwIfAny()
        return token!
    }
}

/// Answer of `POST /auth/verify-email`.
struct VerifyEmailResponse: Content {
    let emailVerified: Bool
    let message: String

    enum CodingKeys: String, CodingKey {
        case emailVerified = "email_verified", message
    }
}

/// Body of `POST /auth/forgot-password`.
struct ForgotPasswordRequest: Content {
    var email: String?

    /// The normalised email key (an address that can't exist is still answered the same way).
    func validated() throws(ValidationFailure) -> String {
        var failure = ValidationFailure()
        let email = failure.check("email") { () throws(FieldProblem) in
            let value = try required(self.email).trimmingWhitespace()
            try TextLimit(EmailAddress.maxLength).check(value)
            return value.lowercased()
        }
        try failure.throwIfAny()
        return email!
    }
}

/// Body of `POST /auth/reset-password`.
struct ResetPasswordRequest: Content {
    var token: String?
    var password: String?

    func validated() throws(ValidationFailure) -> (token: String, password: String) {
        var failure = ValidationFailure()
        let token = failure.check("token") { () throws(FieldProblem) in
            let value = try required(self.token).trimmingWhitespace()
            try TextLimit(200).check(value)
            return value
        }
        let password = failure.check("password") { () throws(FieldProblem) in
            let value = try required(self.password)
            try PasswordPolicy.check(value)
            return value
        }
        try failure.throwIfAny()
        return (token!, password!)
    }
}

/// Body of `POST /auth/change-password`.
struct ChangePasswordRequest: Content {
    var current_password: String?
    var new_password: String?

    func validated() throws(ValidationFailure) -> (current: String, new: String) {
        var failure = ValidationFailure()
        let current = failure.check("current_password") { () throws(FieldProblem) in try enteredPassword(self.current_password) }
        let new = failure.check("new_password") { () throws(FieldProblem) in
            let value = try required(self.new_password)
            try PasswordPolicy.check(value)
            return value
        }
        try failure.throwIfAny()
        return (current!, new!)
    }
}
