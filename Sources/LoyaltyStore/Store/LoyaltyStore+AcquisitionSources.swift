import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// A source as JSON, with its member count (decoded into ``AcquisitionSourceRecord``).
    static let sourceJSON = """
        jsonb_build_object(
            'code', s.code, 'name', s.name, 'channel', s.channel, 'starts_on', s.starts_on::text, 'ends_on', s.ends_on::text,
            'cost_minor', s.cost_minor, 'currency', s.currency,
            'members', (select count(*) from members m where m.source_id = s.id and m.merged_into is null),
            'created_at', to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'updated_at', to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
        """

    /// Records an acquisition source; its code is unique. Audited.
    public func addSource(_ source: AcquisitionSourceDefinition, actor: String) async throws(LoyaltyError) -> AcquisitionSourceRecord {
        let records = try await run {
            try await Self.sources(
                from: client.query(
                    """
                    with added as (
                        insert into acquisition_sources (code, name, channel, starts_on, ends_on, cost_minor, currency)
                        values (\(source.code.value), \(source.name), \(source.channel), \(source.startsOn?.description)::date,
                                \(source.endsOn?.description)::date, \(source.cost.minorUnits), \(source.cost.currency.code))
                        on conflict (code) do nothing
                        returning *
                    ), audit as (
                        insert into audit_log (actor, action, subject, details)
                        select \(actor), 'source.add', code, to_jsonb(added) - 'id' - 'created_at' - 'updated_at' from added
                    )
                    select (\(unescaped: Self.sourceJSON))::text from added s
                    """,
                    logger: logger))
        }
        guard let record = records.first else {
            throw LoyaltyError(.alreadyExists, "an acquisition source \(source.code) exists")
        }
        return record
    }

    /// Every acquisition source, by code.
    public func sources() async throws(LoyaltyError) -> [AcquisitionSourceRecord] {
        try await run {
            try await Self.sources(
                from: client.query(
                    "select (\(unescaped: Self.sourceJSON))::text from acquisition_sources s order by s.code", logger: logger))
        }
    }

    /// The acquisition source `code`, or `NOT_FOUND`.
    public func source(_ code: RecordCode) async throws(LoyaltyError) -> AcquisitionSourceRecord {
        let records = try await run {
            try await Self.sources(
                from: client.query(
                    "select (\(unescaped: Self.sourceJSON))::text from acquisition_sources s where s.code = \(code.value)",
                    logger: logger))
        }
        guard let record = records.first else { throw LoyaltyError(.notFound, "no acquisition source \(code)") }
        return record
    }

    /// Changes a source's name, channel, days or cost in one audited statement. The days must stay in
    /// order (the table's CHECK).
    public func updateSource(_ code: RecordCode, _ update: AcquisitionSourceUpdate, actor: String)
        async throws(LoyaltyError) -> AcquisitionSourceRecord
    {
        guard !update.isEmpty else { throw LoyaltyError(.missingArgument, "nothing to update") }
        let records = try await run {
            try await Self.sources(
                from: client.query(
                    """
                    with changed as (
                        update acquisition_sources set
                            name = coalesce(\(update.name)::text, name),
                            channel = coalesce(\(update.channel)::text, channel),
                            starts_on = coalesce(\(update.startsOn?.description)::date, starts_on),
                            ends_on = coalesce(\(update.endsOn?.description)::date, ends_on),
                            cost_minor = coalesce(\(update.cost?.minorUnits)::bigint, cost_minor),
                            currency = coalesce(\(update.cost?.currency.code)::text, currency),
                            updated_at = now()
                         where code = \(code.value)
                        returning *
                    ), audit as (
                        insert into audit_log (actor, action, subject, details)
                        select \(actor), 'source.update', code, jsonb_build_object('changed', \(update.fields)::text[]) from changed
                    )
                    select (\(unescaped: Self.sourceJSON))::text from changed s
                    """,
                    logger: logger))
        }
        guard let record = records.first else { throw LoyaltyError(.notFound, "no acquisition source \(code)") }
        return record
    }

    static func sources(from rows: PostgresRowSequence) async throws -> [AcquisitionSourceRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var records: [AcquisitionSourceRecord] = []
        for try await text in rows.decode(String.self) {
            records.append(try decoder.decode(AcquisitionSourceRecord.self, from: Data(text.utf8)))
        }
        return records
    }
}
