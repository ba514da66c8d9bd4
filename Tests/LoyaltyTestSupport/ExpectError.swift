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

/// Expects the asynchronous call to fail with a `LoyaltyError` with `code`; returns the error.
@discardableResult
public func expectStoreError(
    _ code: LoyaltyError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> LoyaltyError? {
    do {
        try await body()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
        return nil
    } catch let error as LoyaltyError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
