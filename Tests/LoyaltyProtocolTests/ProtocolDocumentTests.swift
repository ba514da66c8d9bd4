import Foundation
import LoyaltyCore
import LoyaltyProtocol
import Testing

/// Keeps the examples in docs/protocol.md honest: every `C:` line must parse (or fail with the code
/// the following `S:` line shows), and every `S:` line must be a readable reply line.
@Suite("docs/protocol.md examples")
struct ProtocolDocumentTests {
    static let parser = RequestParser(defaultRegion: try! PhoneNumber.Region(code: "DE"))
    static let parseErrorCodes: Set<String> = ["BAD_REQUEST", "UNKNOWN_COMMAND", "MISSING_ARGUMENT", "BAD_ARGUMENT"]

    static func exampleLines() throws -> [(client: Bool, text: String)] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/protocol.md")
        let document = try String(contentsOf: url, encoding: .utf8)
        return document.split(separator: "\n").compactMap { line in
            if line.hasPrefix("C: ") { return (true, String(line.dropFirst(3))) }
            if line.hasPrefix("S: ") && line != "S: ..." { return (false, String(line.dropFirst(3))) }
            return nil
        }
    }

    @Test("the example requests parse, or fail as the document says")
    func requests() throws {
        let lines = try Self.exampleLines()
        #expect(lines.filter(\.client).count >= 10)
        for (index, line) in lines.enumerated() where line.client {
            let reply = lines.dropFirst(index + 1).first { !$0.client }?.text ?? ""
            let expectedCode = reply.hasPrefix("ERR ") ? reply.split(separator: " ")[1] : ""
            do {
                _ = try Self.parser.parse(line.text)
                #expect(!Self.parseErrorCodes.contains(String(expectedCode)), "\(line.text) should fail with \(expectedCode)")
            } catch {
                #expect(error.code.rawValue == expectedCode, "\(line.text): \(error)")
            }
        }
    }

    @Test("the example replies are well-formed")
    func replies() throws {
        for line in try Self.exampleLines() where !line.client {
            if line.text.hasPrefix("OK") || line.text.hasPrefix("ERR") {
                #expect(throws: Never.self, "\(line.text)") { _ = try ReplyLine.parse(line.text) }
            } else {
                #expect(throws: Never.self, "\(line.text)") { _ = try ReplyLine.parseFields(line.text) }
            }
        }
    }

    @Test("the HELP example matches HelpText")
    func help() throws {
        let items = try Self.exampleLines().filter { !$0.client && $0.text.hasPrefix("verb=") }
        #expect(!items.isEmpty)
        for item in items {
            #expect(HelpText.entries.contains(try ReplyLine.parseFields(item.text)), "\(item.text)")
        }
    }
}
