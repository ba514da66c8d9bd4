// The migrations in sql/migrations, embedded into the binary so that `loyalty` needs no files beside it.
// Add a new migration here too: the list is the order they are applied in, and a test checks that it
// names every file in the folder.

/// One migration file: its name (`0001_foundation.sql`) and its SQL text.
public struct SchemaFile: Sendable, Hashable {
    public let name: String
    public let sql: String
}

/// The schema's migrations, in the order they are applied.
public enum LoyaltySchema {
    public static let migrations: [SchemaFile] = [
        SchemaFile(
            name: "0001_foundation.sql",
            sql: String(decoding: PackageResources._001_foundation_sql, as: UTF8.self)),
        SchemaFile(
            name: "0002_ledger_functions.sql",
            sql: String(decoding: PackageResources._002_ledger_functions_sql, as: UTF8.self)),
        SchemaFile(name: "0003_tiers.sql", sql: String(decoding: PackageResources._003_tiers_sql, as: UTF8.self)),
        SchemaFile(
            name: "0004_points_lifecycle.sql",
            sql: String(decoding: PackageResources._004_points_lifecycle_sql, as: UTF8.self)),
        SchemaFile(name: "0005_rewards.sql", sql: String(decoding: PackageResources._005_rewards_sql, as: UTF8.self)),
        SchemaFile(
            name: "0006_tier_evaluation.sql",
            sql: String(decoding: PackageResources._006_tier_evaluation_sql, as: UTF8.self)),
        SchemaFile(
            name: "0007_gift_cards.sql",
            sql: String(decoding: PackageResources._007_gift_cards_sql, as: UTF8.self)),
        SchemaFile(
            name: "0008_gift_card_administration.sql",
            sql: String(decoding: PackageResources._008_gift_card_administration_sql, as: UTF8.self)),
        SchemaFile(
            name: "0009_repeat_purchases.sql",
            sql: String(decoding: PackageResources._009_repeat_purchases_sql, as: UTF8.self)),
        SchemaFile(
            name: "0010_crm_records.sql",
            sql: String(decoding: PackageResources._010_crm_records_sql, as: UTF8.self)),
        SchemaFile(
            name: "0011_interactions.sql",
            sql: String(decoding: PackageResources._011_interactions_sql, as: UTF8.self)),
        SchemaFile(
            name: "0012_campaigns.sql",
            sql: String(decoding: PackageResources._012_campaigns_sql, as: UTF8.self)),
        SchemaFile(name: "0013_privacy.sql", sql: String(decoding: PackageResources._013_privacy_sql, as: UTF8.self)),
        SchemaFile(
            name: "0014_member_merge.sql",
            sql: String(decoding: PackageResources._014_member_merge_sql, as: UTF8.self)),
        SchemaFile(
            name: "0015_member_import.sql",
            sql: String(decoding: PackageResources._015_member_import_sql, as: UTF8.self)),
        SchemaFile(
            name: "0016_merged_members.sql",
            sql: String(decoding: PackageResources._016_merged_members_sql, as: UTF8.self)),
        SchemaFile(
            name: "0017_till_fast_path.sql",
            sql: String(decoding: PackageResources._017_till_fast_path_sql, as: UTF8.self)),
        SchemaFile(
            name: "0018_import_speed.sql",
            sql: String(decoding: PackageResources._018_import_speed_sql, as: UTF8.self)),
        SchemaFile(
            name: "0019_consistency_check.sql",
            sql: String(decoding: PackageResources._019_consistency_check_sql, as: UTF8.self)),
        SchemaFile(
            name: "0021_terminal_security.sql",
            sql: String(decoding: PackageResources._021_terminal_security_sql, as: UTF8.self)),
        SchemaFile(
            name: "0023_database_roles.sql",
            sql: String(decoding: PackageResources._023_database_roles_sql, as: UTF8.self)),
        SchemaFile(name: "0024_events.sql", sql: String(decoding: PackageResources._024_events_sql, as: UTF8.self)),
        SchemaFile(
            name: "0025_point_transfers.sql",
            sql: String(decoding: PackageResources._025_point_transfers_sql, as: UTF8.self)),
        SchemaFile(name: "0026_webhooks.sql", sql: String(decoding: PackageResources._026_webhooks_sql, as: UTF8.self)),
    ]
}
