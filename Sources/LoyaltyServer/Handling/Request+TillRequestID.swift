import LoyaltyCore
import LoyaltyProtocol

extension Request {
    /// The till's `req=` of a mutating request, for the logs; nil for requests that take none.
    var tillRequestID: RequestID? {
        switch self {
        case .enroll(let request): request.requestID
        case .earn(let request): request.requestID
        case .redeem(let request): request.requestID
        case .reverse(let request): request.requestID
        case .claim(let request): request.requestID
        case .use(let request): request.requestID
        case .gift(let request): request.requestID
        case .ping, .health, .help, .quit, .auth, .member, .balance, .history, .rewards, .voucher, .giftBalance: nil
        }
    }
}
