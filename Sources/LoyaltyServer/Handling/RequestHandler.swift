import Foundation
import Logging
import LoyaltyCore
import LoyaltyProtocol
import LoyaltyStore
import NIOCore
import NIOPosix

/// Turns one request line into one reply: parse, check the session, call the store, build the reply.
/// Knows nothing about sockets, so it can be driven by tests and by the connection loop alike.
public struct RequestHandler: Sendable {
    let store: LoyaltyStore
    let parser: RequestParser
    let configuration: ServerConfiguration
    /// Where the request time-outs' timers run.
    let eventLoopGroup: any EventLoopGroup
    let metrics: ServerMetrics

    public init(
        store: LoyaltyStore, configuration: ServerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, metrics: ServerMetrics = ServerMetrics()
    ) {
        self.store = store
        self.parser = RequestParser(defaultRegion: configuration.defaultRegion)
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.metrics = metrics
    }

    /// Handles one line. The session may move to `.closing` (QUIT, revoked terminal): the caller
    /// writes the reply and then closes the connection.
    ///
    /// Every log line of the request carries `verb` and, for requests that have one, the till's `req`
    /// (on top of the caller's metadata: connection, sequence number, terminal). Never the line itself:
    /// it may hold a secret, a gift card code or a PIN.
    public func handle(line: ByteBuffer, session: inout SessionState, logger: Logger) async -> Reply {
        let started = ContinuousClock.now
        let request: Request
        do {
            request = try parser.parse(line)
        } catch {
            logger.debug("request refused", metadata: ["code": "\(error.code)"])
            let reply = Reply.error(error)
            metrics.recordRequest(verb: nil, reply: reply, duration: ContinuousClock.now - started)
            return reply
        }
        var logger = logger
        logger[metadataKey: "verb"] = "\(request.verb)"
        if let requestID = request.tillRequestID { logger[metadataKey: "req"] = "\(requestID.value)" }
        var current = session
        let reply = await RequestLogContext.$metadata.withValue(logger.handler.metadata) {
            await handle(request, session: &current, logger: logger)
        }
        session = current
        metrics.recordRequest(verb: request.verb, reply: reply, duration: ContinuousClock.now - started)
        if case .error(let error) = reply {
            logger.debug("request answered", metadata: ["code": "\(error.code)"])
        } else {
            logger.debug("request answered", metadata: ["code": "OK"])
        }
        return reply
    }

    private func handle(_ request: Request, session: inout SessionState, logger: Logger) async -> Reply {
        switch session.decide(request) {
        case .ignore:
            return .error(LoyaltyError(.unavailable, "connection is closing"))
        case .requireAuth:
            return .error(LoyaltyError(.authRequired, "authenticate with AUTH first"))
        case .handle(let terminalID):
            do {
                try await checkCredential(for: request, session: &session)
                return try await handle(request, terminalID: terminalID, session: &session, logger: logger)
            } catch {
                if error.code == .authFailed, terminalID != nil, request.verb != "AUTH" {
                    // The terminal was revoked while connected: refuse and hang up.
                    session.terminalRevoked()
                }
                if error.code == .internal || error.code == .unavailable {
                    metrics.recordDatabaseError(error.code)
                    logger.warning("request failed", metadata: ["code": "\(error.code)"])
                }
                return .error(error)
            }
        }
    }

    private func handle(_ request: Request, terminalID: Int64?, session: inout SessionState, logger: Logger)
        async throws(LoyaltyError) -> Reply
    {
        switch request {
        case .ping:
            return .ok(["time": Self.timestamp(Date())])
        case .health:
            try await withTimeout { try await store.checkDatabase() }
            return .ok(["db": "ok"])
        case .help:
            return .list([:], HelpText.entries)
        case .quit:
            session.close()
            return .ok(["bye": "1"])
        case .auth(let name, let secret, let claimedStore):
            do throws(LoyaltyError) {
                guard session.certificateAllows(terminal: name) else {
                    logger.notice("AUTH refused: the client certificate names another terminal", metadata: ["terminal": "\(name)"])
                    throw LoyaltyError(.authFailed, "the client certificate is not for this terminal")
                }
                let (terminal, credential) = try await withTimeout {
                    try await store.authenticateCredential(terminal: name, secret: secret)
                }
                if let claimedStore, claimedStore != terminal.storeCode {
                    // Not an AUTH failure: the credentials are right, the till is configured for another store.
                    session.authenticationFailed()
                    throw LoyaltyError(
                        .storeMismatch, "terminal \(terminal.name) belongs to \(terminal.storeCode ?? "no store"), not \(claimedStore)")
                }
                session.authenticated(
                    terminalID: terminal.id, terminal: terminal.name, store: terminal.storeCode, credential: credential)
                var fields: ReplyFields = ["terminal": terminal.name]
                fields.append("store", terminal.storeCode)
                if let expires = credential.expiresAt { fields.append("secret_expires", Self.timestamp(expires)) }
                return .ok(fields)
            } catch {
                // Wrong credentials end this connection's authentication; a database hiccup does not.
                if error.code == .authFailed {
                    session.authenticationFailed()
                    // Every failure at warning, with the terminal name; the peer address is in the logger's metadata.
                    logger.warning("AUTH failed", metadata: ["terminal": "\(name)"])
                }
                throw error
            }
        default:
            guard let terminalID else { throw LoyaltyError(.authRequired, "AUTH first") }
            return try await handleAuthenticated(request, terminalID: terminalID)
        }
    }

    private func handleAuthenticated(_ request: Request, terminalID: Int64) async throws(LoyaltyError) -> Reply {
        switch request {
        case .member(let reference):
            let card = try await withTimeout { try await store.memberCard(reference, terminal: terminalID) }
            var fields: ReplyFields = [
                "member": card.number, "first_name": card.firstName, "last_name": card.lastName,
                "status": card.status.rawValue, "points": String(card.points), "pending": String(card.pending),
                "spendable": String(card.spendable), "since": card.since,
            ]
            Self.appendTier(card.tier, card.nextTier, card.toNext, to: &fields)
            return .ok(fields)
        case .balance(let reference):
            let card = try await withTimeout { try await store.memberCard(reference, terminal: terminalID) }
            var fields: ReplyFields = [
                "member": card.number, "points": String(card.points), "pending": String(card.pending),
                "spendable": String(card.spendable), "status": card.status.rawValue,
            ]
            Self.appendTier(card.tier, card.nextTier, card.toNext, to: &fields)
            return .ok(fields)
        case .history(let reference, let limit):
            let history = try await withTimeout { try await store.history(reference, limit: limit, terminal: terminalID) }
            return .list(["member": history.member], history.entries.map(Self.historyFields))
        case .enroll(let enroll):
            let member = NewMember(
                firstName: enroll.firstName, lastName: enroll.lastName, email: enroll.email, phone: enroll.phone,
                birthDate: enroll.birthDate, emailConsent: enroll.emailConsent, smsConsent: enroll.smsConsent)
            let origin = try origin(terminalID, enroll.requestID, request)
            let result = try await withTimeout { try await store.enroll(member, origin: origin) }
            return .ok(["member": result.member, "status": result.status, "points": String(result.points)])
        case .earn(let earn):
            let origin = try origin(terminalID, earn.requestID, request)
            let (points, purchase): (Int64, Money?) =
                switch earn.basis {
                case .purchase(let amount): (try configuration.earnRates.points(for: amount), amount)
                case .points(let points): (points, nil)
                }
            let result = try await withTimeout {
                try await store.earn(earn.member, points: points, purchase: purchase, receipt: earn.receipt, origin: origin)
            }
            var fields = Self.ledgerFields(result, ("earned", result.earned))
            fields.append("available_on", result.availableOn)
            Self.appendItems(result, to: &fields)
            Self.appendTier(result.tier, result.nextTier, result.toNext, to: &fields)
            return .ok(fields)
        case .redeem(let redeem):
            let origin = try origin(terminalID, redeem.requestID, request)
            let result = try await withTimeout {
                try await store.redeem(redeem.member, points: redeem.points, receipt: redeem.receipt, origin: origin)
            }
            return .ok(Self.ledgerFields(result, ("redeemed", result.redeemed)))
        case .reverse(let reverse):
            let origin = try origin(terminalID, reverse.requestID, request)
            let result = try await withTimeout {
                try await store.reverse(earn: reverse.original, extent: reverse.extent, origin: origin)
            }
            var fields: ReplyFields = ["member": result.member, "reversed": String(result.reversed ?? 0)]
            fields.append("shortfall", String(result.shortfall ?? 0))
            // No `pending=`: a replayed REVERSE must repeat its reply, and pending points change with time.
            fields.append("points", String(result.points))
            fields.append("entry", result.entry.map(String.init))
            Self.appendItems(result, to: &fields)
            return .ok(fields)
        case .rewards(let reference):
            let claimable = try await withTimeout { try await store.claimableRewards(reference, terminal: terminalID) }
            return .list(
                ["member": claimable.member, "points": String(claimable.points)], claimable.rewards.map(Self.rewardFields))
        case .claim(let claim):
            let origin = try origin(terminalID, claim.requestID, request)
            let result = try await withTimeout { try await store.claim(claim.member, reward: claim.reward, origin: origin) }
            return .ok([
                "member": result.member, "voucher": result.code.grouped, "reward": result.reward, "name": result.name,
                "spent": String(result.spent), "points": String(result.points), "entry": String(result.entry),
                "expires": result.expires,
            ])
        case .voucher(let code):
            let voucher = try await withTimeout { try await store.voucher(code, terminal: terminalID) }
            var fields: ReplyFields = [
                "status": voucher.status, "reward": voucher.reward, "name": voucher.rewardName, "member": voucher.member,
                "expires": voucher.expiresOn,
            ]
            fields.append("used_at", voucher.usedAt.map(Self.timestamp))
            fields.append("receipt", voucher.receipt)
            return .ok(fields)
        case .use(let use):
            let origin = try origin(terminalID, use.requestID, request)
            let result = try await withTimeout { try await store.useVoucher(use.code, receipt: use.receipt, origin: origin) }
            return .ok([
                "status": "used", "reward": result.reward, "name": result.name, "member": result.member,
                "used_at": result.usedAt, "receipt": result.receipt,
            ])
        case .giftBalance(let balance):
            return try await giftBalance(balance, terminalID: terminalID)
        case .gift(let gift):
            return try await giftCard(gift, terminalID: terminalID, request: request)
        case .ping, .health, .help, .quit, .auth:
            throw LoyaltyError(.internal, "connection verb routed as a member verb")
        }
    }

    /// Re-reads the terminal's secrets when the session's last check is too old or its secret's grace has
    /// ended: a revoked terminal, or one whose old secret expired, gets `AUTH_FAILED` (and the connection closes).
    private func checkCredential(for request: Request, session: inout SessionState) async throws(LoyaltyError) {
        let now = Date()
        guard session.needsCredentialCheck(for: request, at: now, interval: configuration.credentialCheckInterval),
            case .authenticated(let terminalID, _, _) = session.phase, let credential = session.credential
        else { return }
        let expires = try await withTimeout { try await store.confirmCredential(terminal: terminalID, credential) }
        session.credentialConfirmed(expiresAt: expires, at: now)
    }

    /// The origin of a mutating request for the store: the terminal, the `req` and the request's fingerprint.
    func origin(_ terminalID: Int64, _ requestID: RequestID, _ request: Request) throws(LoyaltyError) -> Origin {
        guard let fingerprint = request.fingerprint else {
            throw LoyaltyError(.internal, "mutating request without fingerprint")
        }
        return .terminal(id: terminalID, request: requestID, fingerprint: fingerprint)
    }

    /// Runs a store call with the request time-out. A call that times out may still commit; the
    /// terminal's retry with the same `req` then gets the stored reply, so nothing is counted twice.
    func withTimeout<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T)
        async throws(LoyaltyError) -> T
    {
        let inFlight = metrics.databaseCallsInFlight
        // Counted inside the operation: a call that outlives its time-out still holds a pooled connection.
        return try await Deadline.run(within: configuration.requestTimeout, timerLoop: eventLoopGroup.any()) {
            inFlight.increment()
            defer { inFlight.decrement() }
            return try await operation()
        }.get()
    }

    static func ledgerFields(_ result: LedgerResult, _ amount: (String, Int64?)) -> ReplyFields {
        var fields: ReplyFields = ["member": result.member]
        fields.append(amount.0, String(amount.1 ?? 0))
        fields.append("points", String(result.points))
        fields.append("pending", result.pending.map(String.init))
        fields.append("entry", result.entry.map(String.init))
        return fields
    }

    /// `base=`, `tier_bonus=` and `promos=code:points,...`: what a purchase earned, or what its reversal took back.
    static func appendItems(_ result: LedgerResult, to fields: inout ReplyFields) {
        fields.append("base", result.base.map(String.init))
        fields.append("tier_bonus", result.tierBonus.map(String.init))
        if let promotions = result.promotions, !promotions.isEmpty {
            fields.append("promos", promotions.map { "\($0.code):\($0.points)" }.joined(separator: ","))
        }
    }

    /// `tier=`, and `next_tier=` with `to_next=` (qualifying points still needed) below the top tier.
    static func appendTier(_ tier: String?, _ next: String?, _ toNext: Int64?, to fields: inout ReplyFields) {
        fields.append("tier", tier)
        fields.append("next_tier", next)
        fields.append("to_next", toNext.map(String.init))
    }

    /// One line of a `REWARDS` list: `reward=CODE name=… cost=C [stock=N] [until=YYYY-MM-DD]`.
    static func rewardFields(_ reward: ClaimableRewards.Reward) -> ReplyFields {
        var fields: ReplyFields = ["reward": reward.code, "name": reward.name, "cost": String(reward.cost)]
        fields.append("stock", reward.stock.map(String.init))
        fields.append("until", reward.validUntil)
        return fields
    }

    static func historyFields(_ entry: LedgerEntry) -> ReplyFields {
        var fields: ReplyFields = [
            "entry": String(entry.entry), "at": timestamp(entry.at), "kind": entry.kind, "points": String(entry.points),
            "balance": String(entry.balance),
        ]
        fields.append("receipt", entry.receipt)
        fields.append("reason", entry.reason)
        if entry.shortfall > 0 { fields.append("shortfall", String(entry.shortfall)) }
        return fields
    }

    /// UTC, ISO 8601 with seconds: `2026-11-23T10:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
