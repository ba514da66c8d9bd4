#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoyaltyCore
import PostgresNIO

/// Where a PostgreSQL server is and how to log in to one of its databases, parsed from a libpq-style URL.
///
/// Accepted forms (`postgresql://` works too):
///
/// - TCP: `postgres://user:password@host:5432/dbname?sslmode=disable`
/// - Unix socket, libpq-style: `postgres://user@/dbname?host=/path/to/socket/dir` (a `host` that starts
///   with `/` names the socket *directory*; the socket file is `<dir>/.s.PGSQL.<port>`, port 5432 unless given)
/// - Unix socket with a percent-encoded host: `postgres://user@%2Ftmp%2Fpg/dbname`
///
/// Query parameters: `host`, `port`, `user`, `password`, `dbname` (they override the URL's parts, as in
/// libpq), `sslmode` (`disable`, `allow` or `prefer`; TLS is not supported yet, so `require` and `verify-*` are
/// refused), `application_name` and `connect_timeout` (seconds). Reserved characters in the user name, password
/// or database name must be percent-encoded.
///
/// The password never appears in ``description``, ``redacted``, `dump` output or in parse errors.
public struct DatabaseURL: Sendable, Hashable {
    /// How to reach the server.
    public enum Endpoint: Sendable, Hashable {
        /// A TCP connection to `host` (a name or an IP address) and `port`.
        case tcp(host: String, port: Int)
        /// A Unix-domain socket `<directory>/.s.PGSQL.<port>`.
        case unixSocket(directory: String, port: Int)
    }

    /// How to reach the server.
    public var endpoint: Endpoint
    /// The PostgreSQL role to log in as.
    public var username: String
    /// The password, if any. Never printed: use ``redacted`` to show a URL.
    public var password: String?
    /// The database to open.
    public var database: String
    /// Sent to the server as `application_name`, if set.
    public var applicationName: String?
    /// How long to wait for a connection to be established; PostgresNIO's default (10 s) when `nil`.
    public var connectTimeout: Duration?

    /// Creates a URL from its parts.
    public init(
        endpoint: Endpoint,
        username: String,
        password: String? = nil,
        database: String,
        applicationName: String? = nil,
        connectTimeout: Duration? = nil
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }

    /// The path of the socket file (`<directory>/.s.PGSQL.<port>`) for a Unix-socket URL, `nil` for TCP.
    public var socketPath: String? {
        guard case .unixSocket(let directory, let port) = endpoint else { return nil }
        return Self.socketPath(directory: directory, port: port)
    }

    /// The socket file PostgreSQL creates in `directory` for `port`.
    public static func socketPath(directory: String, port: Int = 5432) -> String {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return "\(trimmed)/.s.PGSQL.\(port)"
    }

    /// The same server and credentials, another database on it (tests use it to open a per-test database).
    public func withDatabase(_ name: String) -> DatabaseURL {
        var copy = self
        copy.database = name
        return copy
    }
}


extension DatabaseURL {
    /// The query parameters ``init(parsing:)`` understands.
    static let supportedParameters = [
        "host", "port", "user", "password", "dbname", "sslmode", "application_name", "connect_timeout",
    ]

    /// Parses a `postgres://` or `postgresql://` URL (see ``DatabaseURL`` for the accepted forms).
    ///
    /// - Throws: ``LoyaltyError`` with code `.configuration` and a message that names what is wrong. The
    ///   message never contains the password.
    public init(parsing text: String) throws(LoyaltyError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw Self.invalid("expected postgres://user@host:5432/dbname or postgres://user@/dbname?host=/socket/dir")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw Self.invalid("unsupported scheme '\(scheme)'; use postgres:// or postgresql://")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        guard !rest.contains("#") else {
            throw Self.invalid("a '#' must be percent-encoded as %23 (URL fragments are not supported)")
        }
        var queryText: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }

        // The user information ends at the last '@', so that a password never leaks into the host or path.
        var userInfo: Substring? = nil
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var hostPort = rest
        var pathText: Substring? = nil
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            pathText = rest[rest.index(after: slash)...]
        }

        var username: String? = nil
        var password: String? = nil
        if let userInfo {
            let userPart = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = try Self.decode(userPart[0], what: "user name")
            if userPart.count == 2 {
                password = try Self.decode(userPart[1], what: "password")
            }
        }

        var (host, port) = try Self.parseHostPort(hostPort)
        var database: String? = nil
        if let pathText { database = try Self.decode(pathText, what: "database name") }
        var sslMode: String? = nil
        var applicationName: String? = nil
        var connectTimeout: Duration? = nil

        for pair in queryText.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(keyValue[0], what: "parameter name")
            let what = key == "password" ? "password" : "parameter \(key)"
            let value = keyValue.count == 2 ? try Self.decode(keyValue[1], what: what) : ""
            switch key {
            case "host": host = value.isEmpty ? nil : value
            case "port": port = try Self.parsePort(value)
            case "user": username = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode": sslMode = value
            case "application_name": applicationName = value
            case "connect_timeout": connectTimeout = try Self.parseTimeout(value)
            default:
                throw Self.invalid(
                    "unsupported parameter '\(key)' (supported: \(Self.supportedParameters.joined(separator: ", ")))"
                )
            }
        }

        try Self.checkSSLMode(sslMode)
        guard let host, !host.isEmpty else {
            throw Self.invalid(
                "no host; use postgres://user@host:5432/dbname for TCP or postgres://user@/dbname?host=/socket/dir for a Unix socket"
            )
        }
        let user = (username?.isEmpty ?? true) ? Self.currentUserName() : (username ?? "")
        let resolvedPort = port ?? 5432
        self.init(
            endpoint: host.hasPrefix("/")
                ? .unixSocket(directory: host, port: resolvedPort) : .tcp(host: host, port: resolvedPort),
            username: user,
            password: password,
            database: (database?.isEmpty ?? true) ? user : (database ?? user),
            applicationName: applicationName,
            connectTimeout: connectTimeout
        )
    }

    // MARK: - Parts

    private static func parseHostPort(_ text: Substring) throws(LoyaltyError) -> (String?, Int?) {
        guard !text.isEmpty else { return (nil, nil) }
        guard !text.contains(",") else {
            throw invalid("several hosts are not supported; give one host")
        }
        var hostText = text
        var portText: Substring? = nil
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw invalid("an IPv6 address must be closed with ']'")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        let host = try decode(hostText, what: "host")
        var port: Int? = nil
        if let portText { port = try parsePort(String(portText)) }
        return (host.isEmpty ? nil : host, port)
    }

    private static func parsePort(_ text: String) throws(LoyaltyError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw invalid("invalid port '\(text)'; expected a number from 1 to 65535")
        }
        return port
    }

    private static func parseTimeout(_ text: String) throws(LoyaltyError) -> Duration? {
        guard let seconds = Int(text), seconds >= 0 else {
            throw invalid("invalid connect_timeout '\(text)'; expected whole seconds")
        }
        return seconds == 0 ? nil : .seconds(seconds)
    }

    private static func checkSSLMode(_ mode: String?) throws(LoyaltyError) {
        switch mode {
        case nil, "disable", "allow", "prefer":
            return
        case "require", "verify-ca", "verify-full":
            throw LoyaltyError(
                .configuration,
                "database URL asks for sslmode=\(mode ?? ""), but TLS to PostgreSQL is not supported yet; "
                    + "connect over a Unix socket or a trusted network with sslmode=disable"
            )
        case let mode?:
            throw invalid("invalid sslmode '\(mode)'; expected disable, allow, prefer, require, verify-ca or verify-full")
        }
    }

    /// Decodes `%XX` escapes. Reports *what* was malformed, never the text itself (it may be a password).
    static func decode(_ text: Substring, what: String) throws(LoyaltyError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("malformed percent-encoding in the \(what)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid("the \(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalid(_ reason: String) -> LoyaltyError {
        LoyaltyError(.configuration, "invalid database URL: \(reason)")
    }

    /// libpq's default user name: the operating-system user running the process.
    private static func currentUserName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}

// MARK: - Showing a URL without its password

extension DatabaseURL: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The URL with the password replaced by `***`, safe for logs and error messages.
    public var redacted: String {
        var text = "postgres://" + Self.encode(username)
        if password != nil { text += ":***" }
        text += "@"
        var parameters: [String] = []
        switch endpoint {
        case .tcp(let host, let port):
            text += host.contains(":") ? "[\(host)]" : Self.encode(host)
            if port != 5432 { text += ":\(port)" }
        case .unixSocket(let directory, let port):
            parameters.append("host=" + Self.encode(directory, keeping: "/"))
            if port != 5432 { parameters.append("port=\(port)") }
        }
        text += "/" + Self.encode(database)
        if let applicationName { parameters.append("application_name=" + Self.encode(applicationName)) }
        if let connectTimeout { parameters.append("connect_timeout=\(connectTimeout.components.seconds)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// The redacted URL.
    public var description: String { redacted }
    /// The redacted URL.
    public var debugDescription: String { "DatabaseURL(\(redacted))" }
    /// Reflection (`dump`, debuggers) shows the redacted URL only.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    private static func encode(_ text: String, keeping extra: Unicode.Scalar? = nil) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            let unreserved =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || "-._~".unicodeScalars.contains(scalar) || scalar == extra
            if unreserved {
                result.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return result
    }
}

// MARK: - PostgresNIO configurations

extension DatabaseURL {
    /// A configuration for a ``PostgresClient`` pool of at most `poolSize` connections. TLS is disabled.
    public func clientConfiguration(poolSize: Int) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database, tls: .disable
            )
        case .unixSocket:
            configuration = .init(
                unixSocketPath: socketPath ?? "", username: username, password: password, database: database
            )
        }
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = 0
        if let connectTimeout { configuration.options.connectTimeout = connectTimeout }
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        }
        return configuration
    }

    /// A configuration for one ``PostgresConnection`` (one-off administrative work). TLS is disabled.
    public func connectionConfiguration() -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: username, password: password, database: database, tls: .disable
            )
        case .unixSocket:
            configuration = .init(
                unixSocketPath: socketPath ?? "", username: username, password: password, database: database
            )
        }
        if let connectTimeout { configuration.options.connectTimeout = .seconds(connectTimeout.components.seconds) }
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        }
        return configuration
    }
}
