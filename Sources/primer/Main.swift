import PrimerServer

/// Entry point of the `primer` executable.
@main
enum Main {
    static func main() async {
        await PrimerApp.main()
    }
}
