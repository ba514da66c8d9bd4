import Foundation
import LoyaltyCore

/// A saved segment: a name, what it is for, and its filter.
public struct SegmentRecord: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var filter: SegmentFilter
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(name: String, description: String, filter: SegmentFilter, createdBy: String, createdAt: Date, updatedAt: Date) {
        self.name = name
        self.description = description
        self.filter = filter
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
