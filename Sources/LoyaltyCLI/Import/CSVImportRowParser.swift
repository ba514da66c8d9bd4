import LoyaltyCore

/// Turns the records of an import file after its header into rows, or into the problem that refuses one.
protocol CSVImportRowParser {
    associatedtype Row
    associatedtype Problem: Error

    func parse(_ record: CSVRecord) -> Result<Row, Problem>
}

extension MemberImportParser: CSVImportRowParser {}
extension PurchaseLineParser: CSVImportRowParser {}
