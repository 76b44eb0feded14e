import Vapor

/// Registers every route: the website, `/health`, `/openapi.json` and the `/api/v1` API.
func routes(_ app: Application) throws {
    try app.register(collection: SiteController(assets: try StaticAssets.load()))
    try app.register(collection: HealthController())
    try app.register(collection: OpenAPIController.load())
    try app.register(collection: WidgetController())
    try app.register(collection: RecoveryController())
    try app.register(collection: TwoFactorSiteController())
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthController())
    try api.register(collection: AccountEmailController())
    try api.register(collection: TwoFactorController())
    try api.register(collection: SessionsController())
    try api.register(collection: ProfileController())
    try api.register(collection: PlanProfileController())
    try api.register(collection: AccountController())
    try api.register(collection: BookController())
    try api.register(collection: QueryController())
}
