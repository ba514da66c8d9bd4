import LoyaltyCore
import Testing

/// Expects `body` to throw a `LoyaltyError` with `code`, and returns that error for further checks.
@discardableResult
public func expectError<T>(
    _ code: LoyaltyError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(LoyaltyError) -> T
) -> LoyaltyError? {
    do {
        let value = try body()
        Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}
