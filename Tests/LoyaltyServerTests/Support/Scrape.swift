import Foundation
import LoyaltyTesting
import Testing

/// One scrape of a metrics endpoint over real HTTP/1.1, parsed as the Prometheus text format.
struct Scrape {
    /// `name{label="value",…}` → sample value.
    var samples: [String: Double] = [:]
    /// `# TYPE name kind`.
    var types: [String: String] = [:]

    /// The sample with exactly these labels; nil when there is none.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples[Self.key(name, labels)]
    }

    static func key(_ name: String, _ labels: [String: String]) -> String {
        labels.isEmpty ? name : name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    /// GETs /metrics and parses it; a line that is not valid exposition format fails the test.
    static func get(port: Int) async throws -> Scrape {
        let response = try await raw(port: port, "GET /metrics HTTP/1.1")
        #expect(response.status == 200)
        return try parse(response.body)
    }

    static func parse(_ text: String) throws -> Scrape {
        var scrape = Scrape()
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/
        let label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4, "bad TYPE line: \(line)")
                if parts.count == 4 { scrape.types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let match = try sample.wholeMatch(in: String(line)) else {
                Issue.record("not Prometheus text format: \(line)")
                continue
            }
            var labels: [String: String] = [:]
            if let body = match.3 {
                for pair in String(body).matches(of: label) { labels[String(pair.1)] = String(pair.2) }
            }
            scrape.samples[key(String(match.1), labels)] = Double(String(match.4))
        }
        return scrape
    }

    /// Sends one request with `Connection: close` and reads the whole response.
    static func raw(port: Int, _ requestLine: String) async throws -> (status: Int, headers: [String], body: String) {
        let client = try await LineClient.connect(port: port)
        try await client.sendRaw(Array("\(requestLine)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        var lines: [String] = []
        while let line = try await client.readLine() { lines.append(line) }
        await client.close()
        let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        let blank = lines.firstIndex { $0 == "\r" } ?? lines.count
        let headers = lines[1..<blank].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let body = lines.dropFirst(blank + 1).joined(separator: "\n")
        return (status, headers, body)
    }
}
