import LoyaltyCore

extension RequestParser {
    /// `EARN req=ID <member> (amount=DEC currency=ISO | points=N) [receipt=REF]`
    func earn(_ line: TokenizedLine) throws(LoyaltyError) -> EarnRequest {
        let arguments = try memberArguments(line, extraKeys: ["req", "amount", "currency", "points", "receipt"])
        let requestID = try arguments.requestID()
        let member = try arguments.memberReference(defaultRegion: defaultRegion)
        let basis: EarnBasis
        switch try arguments.pointsOrMoney() {
        case .points(let points): basis = .points(points)
        case .money(let money): basis = .purchase(money)
        case nil: throw .missingArgument("amount")
        }
        return EarnRequest(requestID: requestID, member: member, basis: basis, receipt: try arguments.receipt())
    }

    /// `REDEEM req=ID <member> points=N [receipt=REF]`
    func redeem(_ line: TokenizedLine) throws(LoyaltyError) -> RedeemRequest {
        let arguments = try memberArguments(line, extraKeys: ["req", "points", "receipt"])
        let requestID = try arguments.requestID()
        let member = try arguments.memberReference(defaultRegion: defaultRegion)
        let points = try PointsQuantity.parse(arguments.required("points"))
        return RedeemRequest(requestID: requestID, member: member, points: points, receipt: try arguments.receipt())
    }

    /// `REVERSE req=ID (of=REQ | entry=ID) [amount=DEC currency=ISO | points=N]`
    func reverse(_ line: TokenizedLine) throws(LoyaltyError) -> ReverseRequest {
        let arguments = try RequestArguments(line, allowed: ["req", "of", "entry", "amount", "currency", "points"])
        let requestID = try arguments.requestID()
        let original: EarnReference
        switch (arguments["of"], arguments.contains("entry")) {
        case (.some, true):
            throw .badArgument("of", "give either of= or entry=, not both")
        case (.some(let of), false):
            original = .request(try RequestID(parsing: of, argument: "of"))
        case (.none, true):
            let entry = try arguments.integer("entry", in: 1...Int64.max, expected: "a ledger entry id (a positive number)")
            guard let entry else { throw .missingArgument("entry") }
            original = .entry(entry)
        case (.none, false):
            throw .missingArgument("of")
        }
        let extent: ReversalExtent
        switch try arguments.pointsOrMoney() {
        case .points(let points):
            extent = .points(points)
        case .money(let money):
            guard money.minorUnits > 0 else { throw .badArgument("amount", "a refund must be more than zero") }
            extent = .amount(money)
        case nil:
            extent = .full
        }
        return ReverseRequest(requestID: requestID, original: original, extent: extent)
    }
}
