import LoyaltyCore

extension RequestParser {
    /// The `GIFT` family: `GIFT BALANCE`, `ACTIVATE`, `LOAD`, `REDEEM`, `REFUND`, `HOLD`, `CAPTURE`, `RELEASE`.
    /// Codes are checked (length, alphabet, check character) here, before any database is asked.
    /// - Throws: `UNKNOWN_COMMAND`, listing the sub-verbs, for `GIFT` alone or with an unknown sub-verb.
    func gift(_ line: TokenizedLine) throws(LoyaltyError) -> Request {
        switch line.verb {
        case "GIFT BALANCE":
            return .giftBalance(try giftBalance(line))
        case "GIFT ACTIVATE":
            return try giftCard(line, keys: ["amount", "currency", "receipt", "member", "phone", "email"]) {
                arguments throws(LoyaltyError) in
                var member: MemberReference?
                if MemberReferenceKey.allCases.contains(where: { arguments.contains($0.rawValue) }) {
                    member = try arguments.memberReference(defaultRegion: defaultRegion)
                }
                return .activate(amount: try arguments.giftAmount(), member: member, receipt: try arguments.receipt())
            }
        case "GIFT LOAD":
            return try giftCard(line, keys: ["amount", "currency", "receipt"]) { arguments throws(LoyaltyError) in
                .load(try arguments.requiredGiftAmount(), receipt: try arguments.receipt())
            }
        case "GIFT REDEEM":
            return try giftCard(line, keys: ["pin", "amount", "currency", "partial", "receipt"]) { arguments throws(LoyaltyError) in
                .redeem(
                    try arguments.requiredGiftAmount(), partial: try arguments.flag("partial") ?? false,
                    receipt: try arguments.receipt())
            }
        case "GIFT REFUND":
            return try giftCard(line, keys: ["amount", "currency", "receipt"]) { arguments throws(LoyaltyError) in
                .refund(try arguments.requiredGiftAmount(), receipt: try arguments.receipt())
            }
        case "GIFT HOLD":
            return try giftCard(line, keys: ["pin", "amount", "currency", "partial", "receipt"]) { arguments throws(LoyaltyError) in
                .hold(
                    try arguments.requiredGiftAmount(), partial: try arguments.flag("partial") ?? false,
                    receipt: try arguments.receipt())
            }
        case "GIFT CAPTURE":
            return try giftCard(line, keys: ["hold", "amount", "currency", "receipt"]) { arguments throws(LoyaltyError) in
                .capture(hold: try arguments.holdID(), amount: try arguments.giftAmount(), receipt: try arguments.receipt())
            }
        case "GIFT RELEASE":
            return try giftCard(line, keys: ["hold"]) { arguments throws(LoyaltyError) in
                .release(hold: try arguments.holdID())
            }
        case "GIFT":
            throw LoyaltyError(.unknownCommand, "GIFT needs one of \(GiftCardOperation.subVerbs.joined(separator: ", "))")
        default:
            throw LoyaltyError(
                .unknownCommand,
                "unknown command \(InputExcerpt.of(line.verb)); GIFT takes \(GiftCardOperation.subVerbs.joined(separator: ", "))")
        }
    }

    /// `GIFT BALANCE code=CODE [pin=PIN]`
    func giftBalance(_ line: TokenizedLine) throws(LoyaltyError) -> GiftBalanceRequest {
        let arguments = try RequestArguments(line, allowed: ["code", "pin"])
        let code = try GiftCardCode(parsing: arguments.required("code"))
        return GiftBalanceRequest(code: code, pin: try arguments.giftCardPIN())
    }

    /// A mutating gift-card request: `req=` and `code=`, then what `action` reads of the verb's `keys`.
    private func giftCard(
        _ line: TokenizedLine, keys: Set<String>, _ action: (RequestArguments) throws(LoyaltyError) -> GiftCardOperation
    ) throws(LoyaltyError) -> Request {
        let arguments = try RequestArguments(line, allowed: keys.union(["req", "code"]))
        let requestID = try arguments.requestID()
        let code = try GiftCardCode(parsing: arguments.required("code"))
        let pin = try arguments.giftCardPIN()
        return .gift(GiftCardRequest(requestID: requestID, code: code, pin: pin, action: try action(arguments)))
    }
}

extension RequestArguments {
    /// The optional `pin=`: 4 to 8 digits.
    fileprivate func giftCardPIN() throws(LoyaltyError) -> GiftCardPIN? {
        guard let text = self["pin"] else { return nil }
        return try GiftCardPIN(parsing: text)
    }

    /// An optional `amount=` with `currency=`; when given, more than zero.
    fileprivate func giftAmount() throws(LoyaltyError) -> Money? {
        guard let money = try money() else { return nil }
        guard money.minorUnits > 0 else { throw .badArgument("amount", "a gift card amount must be more than zero") }
        return money
    }

    /// The required `amount=` with `currency=`, more than zero.
    fileprivate func requiredGiftAmount() throws(LoyaltyError) -> Money {
        guard let money = try giftAmount() else { throw .missingArgument("amount") }
        return money
    }

    /// The required `hold=`: the id a `GIFT HOLD` reply gave.
    fileprivate func holdID() throws(LoyaltyError) -> Int64 {
        guard let hold = try integer("hold", in: 1...Int64.max, expected: "a hold id (a positive number)") else {
            throw .missingArgument("hold")
        }
        return hold
    }
}
