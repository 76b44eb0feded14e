import PrimerCore
import Vapor

/// `/api/v1/auth/profile`: the reader's background as the second plan's frontend reads and
/// writes it (nested `background`, `expert`, `hardware_knowledge`, `profile_complete`), on the
/// same `AccountService` as `/api/v1/profile`.
struct PlanProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("auth", "profile").grouped(ReaderAuthMiddleware())
        profile.get(use: show)
        profile.put(use: update)
    }

    @Sendable
    func show(req: Request) throws -> PlanProfileResponse {
        PlanProfileResponse(user: try req.reader.user)
    }

    @Sendable
    func update(req: Request) async throws -> PlanProfileResponse {
        let change = try req.decodeJSON(UpdatePlanProfileRequest.self).validated()
        let account = try await req.accounts.updateProfile(userID: try req.reader.userID, change)
        return PlanProfileResponse(user: UserResponse(account: account))
    }
}
