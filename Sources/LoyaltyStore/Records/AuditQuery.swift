import Foundation
import LoyaltyCore

/// The filters of `loyalty audit list`. All are optional; the newest entries come first.
public struct AuditQuery: Sendable, Hashable {
    /// A bound of the time range: a day in the programme's time zone, or an instant.
    public enum Bound: Sendable, Hashable {
        case day(CalendarDate)
        case instant(Date)
    }

    /// From the start of this day, or from this instant, on.
    public var since: Bound?
    /// Up to the end of this day, or up to this instant, inclusive.
    public var until: Bound?
    public var actor: String?
    /// An action, matching itself and the actions under it: `terminal` matches `terminal.add` and
    /// `terminal.rotate.finish`, `terminal.rotate` matches `terminal.rotate.finish`.
    public var action: String?
    public var subject: String?
    public var limit: Int

    public init(
        since: Bound? = nil, until: Bound? = nil, actor: String? = nil, action: String? = nil, subject: String? = nil,
        limit: Int = 100
    ) {
        self.since = since
        self.until = until
        self.actor = actor
        self.action = action
        self.subject = subject
        self.limit = limit
    }
}
