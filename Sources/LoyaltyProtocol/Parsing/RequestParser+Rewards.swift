import LoyaltyCore

extension RequestParser {
    /// `CLAIM req=ID <member> reward=CODE`
    func claim(_ line: TokenizedLine) throws(LoyaltyError) -> ClaimRequest {
        let arguments = try memberArguments(line, extraKeys: ["req", "reward"])
        let requestID = try arguments.requestID()
        let member = try arguments.memberReference(defaultRegion: defaultRegion)
        let reward = try RewardCode(parsing: arguments.required("reward"))
        return ClaimRequest(requestID: requestID, member: member, reward: reward)
    }

    /// `VOUCHER code=CODE`: the code's check character is verified here, before any database is asked.
    func voucher(_ line: TokenizedLine) throws(LoyaltyError) -> RedemptionCode {
        let arguments = try RequestArguments(line, allowed: ["code"])
        return try RedemptionCode(parsing: arguments.required("code"))
    }

    /// `USE req=ID code=CODE receipt=REF`
    func use(_ line: TokenizedLine) throws(LoyaltyError) -> UseRequest {
        let arguments = try RequestArguments(line, allowed: ["req", "code", "receipt"])
        let requestID = try arguments.requestID()
        let code = try RedemptionCode(parsing: arguments.required("code"))
        guard let receipt = try arguments.receipt() else { throw .missingArgument("receipt") }
        return UseRequest(requestID: requestID, code: code, receipt: receipt)
    }
}
