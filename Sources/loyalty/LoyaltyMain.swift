import LoyaltyCLI

/// The `loyalty` executable: everything it does lives in `LoyaltyCLI`.
@main
struct LoyaltyMain {
    static func main() async {
        await LoyaltyCommand.main()
    }
}
