import LoyaltyCore
import LoyaltyStore
import Testing

@Suite("DatabaseURL")
struct DatabaseURLTests {
    @Test func parsesATCPURL() throws {
        let url = try DatabaseURL(parsing: "postgres://alice:s3cret@db.example.com:6543/loyalty?sslmode=disable")
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(url.username == "alice")
        #expect(url.password == "s3cret")
        #expect(url.database == "loyalty")
        #expect(url.socketPath == nil)

        let configuration = url.clientConfiguration(poolSize: 7)
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "alice")
        #expect(configuration.password == "s3cret")
        #expect(configuration.database == "loyalty")
        #expect(configuration.options.maximumConnections == 7)
    }

    @Test func defaultsThePortAndAcceptsThePostgresqlScheme() throws {
        let url = try DatabaseURL(parsing: "postgresql://bob@localhost/shop")
        #expect(url.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(url.password == nil)
        #expect(url.database == "shop")
    }

    @Test func theDatabaseDefaultsToTheUserName() throws {
        let url = try DatabaseURL(parsing: "postgres://carol@localhost")
        #expect(url.database == "carol")
    }

    @Test func parsesIPv6Hosts() throws {
        let url = try DatabaseURL(parsing: "postgres://u@[::1]:5433/db")
        #expect(url.endpoint == .tcp(host: "::1", port: 5433))
        #expect(url.redacted == "postgres://u@[::1]:5433/db")
    }

    @Test func parsesASocketDirectoryInTheHostParameter() throws {
        let url = try DatabaseURL(parsing: "postgres://loyalty@/loyalty?host=/var/run/postgresql")
        #expect(url.endpoint == .unixSocket(directory: "/var/run/postgresql", port: 5432))
        #expect(url.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(url.clientConfiguration(poolSize: 2).unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(url.clientConfiguration(poolSize: 2).host == nil)
    }

    @Test func theSocketFileIsNamedAfterThePort() throws {
        let url = try DatabaseURL(parsing: "postgres://loyalty@/loyalty?host=/tmp/pg/&port=6000")
        #expect(url.socketPath == "/tmp/pg/.s.PGSQL.6000")
    }

    @Test func parsesAPercentEncodedSocketHost() throws {
        let url = try DatabaseURL(parsing: "postgres://user@%2Ftmp%2Fpg/db")
        #expect(url.endpoint == .unixSocket(directory: "/tmp/pg", port: 5432))
        #expect(url.database == "db")
    }

    @Test func decodesPercentEncodedCredentials() throws {
        let url = try DatabaseURL(parsing: "postgres://us%40er:p%3Aa%2Fss%40word@host/d%20b")
        #expect(url.username == "us@er")
        #expect(url.password == "p:a/ss@word")
        #expect(url.database == "d b")
    }

    @Test func anUnencodedAtSignInThePasswordStillEndsUpInThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://u:pa@ss@host/db")
        #expect(url.password == "pa@ss")
        #expect(url.endpoint == .tcp(host: "host", port: 5432))
    }

    @Test func queryParametersOverrideTheURL() throws {
        let url = try DatabaseURL(
            parsing: "postgres://a:b@host/db?user=other&password=pw&dbname=elsewhere&application_name=till&connect_timeout=3"
        )
        #expect(url.username == "other")
        #expect(url.password == "pw")
        #expect(url.database == "elsewhere")
        #expect(url.applicationName == "till")
        #expect(url.connectTimeout == .seconds(3))
        #expect(url.clientConfiguration(poolSize: 1).options.connectTimeout == .seconds(3))
    }

    @Test func redactsThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://alice:hunter2@db:5432/loyalty")
        #expect(url.redacted == "postgres://alice:***@db/loyalty")
        #expect(url.description == url.redacted)
        #expect(!"\(url)".contains("hunter2"))
        #expect(!String(reflecting: url).contains("hunter2"))
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }

    @Test func redactedSocketURLsRoundTrip() throws {
        let url = try DatabaseURL(parsing: "postgres://loyalty@/my%20db?host=/tmp/pg%20dir&port=6000")
        #expect(url.redacted == "postgres://loyalty@/my%20db?host=/tmp/pg%20dir&port=6000")
        #expect(try DatabaseURL(parsing: url.redacted) == url)
    }

    @Test func withDatabaseKeepsEverythingElse() throws {
        let url = try DatabaseURL(parsing: "postgres://alice:pw@db:6000/loyalty")
        let other = url.withDatabase("t_123")
        #expect(other.database == "t_123")
        #expect(other.endpoint == url.endpoint)
        #expect(other.username == url.username)
        #expect(other.password == url.password)
    }

    @Test func refusesTLSModes() throws {
        for mode in ["require", "verify-ca", "verify-full"] {
            let error = #expect(throws: LoyaltyError.self) {
                try DatabaseURL(parsing: "postgres://a:pw@host/db?sslmode=\(mode)")
            }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("TLS to PostgreSQL is not supported yet") == true)
        }
        for mode in ["disable", "allow", "prefer"] {
            #expect(throws: Never.self) { try DatabaseURL(parsing: "postgres://a@host/db?sslmode=\(mode)") }
        }
    }

    @Test(arguments: [
        ("mysql://a:topsecret@host/db", "unsupported scheme"),
        ("localhost:5432/db", "expected postgres://"),
        ("postgres://a:topsecret@host:99999/db", "invalid port"),
        ("postgres://a:topsecret@host:abc/db", "invalid port"),
        ("postgres://a:topsecret@/db", "no host"),
        ("postgres://a:topsecret@h1,h2/db", "several hosts"),
        ("postgres://a:topsecret@host/db?sslmode=sometimes", "invalid sslmode"),
        ("postgres://a:topsecret@host/db?options=-c%20x", "unsupported parameter 'options'"),
        ("postgres://a:top%ZZsecret@host/db", "malformed percent-encoding in the password"),
        ("postgres://a:top#secret@host/db", "'#'"),
        ("postgres://a:topsecret@[::1/db", "IPv6"),
    ])
    func rejectsBadURLsWithoutShowingThePassword(text: String, expected: String) throws {
        let error = #expect(throws: LoyaltyError.self) { try DatabaseURL(parsing: text) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.description.contains("secret") == false)
    }
}
