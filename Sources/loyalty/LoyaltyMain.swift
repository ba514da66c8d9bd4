import Foundation
import LoyaltyCLI

/// The `loyalty` executable: everything it does lives in `LoyaltyCLI`.
@main
struct LoyaltyMain {
    static func main() async {
        LoyaltyCommand.prepareExecutor(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
        await LoyaltyCommand.main()
    }
}
