import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The databases every storage and HTTP test runs on.
enum Engine: String, CustomTestStringConvertible, Sendable {
  /// SQLite as the tests' default: SQLiteKit's "in memory" (a temporary file, rollback journal).
  case sqlite
  case postgres
  /// An SQLite file as `casework serve` runs one: WAL, the dedicated writer, and the read
  /// connections (`SQLiteReadConnections`). For the suites that read through those.
  case sqliteFile = "sqlite-file"

  var testDescription: String { rawValue }

  /// The engines `TestEngines` names: SQLite always, PostgreSQL when a server is configured
  /// (the test command sets both; there a PostgreSQL test with no server fails, never skips).
  static var all: [Engine] { TestEngines.names.compactMap(Engine.init(rawValue:)) }

  /// `all`, and an SQLite file beside SQLite in memory.
  static var withSQLiteFile: [Engine] { all.contains(.sqlite) ? all + [.sqliteFile] : all }
}

struct TestSetupError: Error, CustomStringConvertible {
  var description: String
}

/// 21 Nov 2026 10:00 UTC.
let testStart = Date(timeIntervalSince1970: 1_795_255_200)

func testConfig(_ changes: (inout AppConfig) -> Void = { _ in }) -> AppConfig {
  var config = AppConfig(bcryptCost: 4, publicSubmissionsPerHour: 1000, adminEmail: "admin@casework.test", logLevel: "warning")
  // As a deployment whose receiving mail server stamps Authentication-Results.
  config.mailAuthservID = "mx.casework.test"
  changes(&config)
  return config
}

/// Builds the real application (the same composition root as `casework serve`) on a fresh
/// database: SQLite in memory or in a temporary file, or a new schema in the test PostgreSQL
/// server.
func withApp<T>(
  _ engine: Engine, config: AppConfig = testConfig(), clock: any WallClock = SteppingWallClock(start: testStart),
  _ body: (Application) async throws -> T
) async throws -> T {
  var schema: String?
  var directory: URL?
  defer { if let directory { try? FileManager.default.removeItem(at: directory) } }
  let store: StoreConfiguration
  switch engine {
  case .sqlite:
    store = .inMemory()
  case .sqliteFile:
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casework-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    directory = folder
    store = .sqliteFile(path: folder.appendingPathComponent("casework.sqlite").path)
  case .postgres:
    guard let url = ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"] else {
      throw TestSetupError(
        description: "PostgreSQL tests need CASEWORK_TEST_POSTGRES_URL: run scripts/test, which starts a server.")
    }
    let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
    schema = name
    store = .postgres(url: url, searchPath: [name])
  }
  let app = try await Application.make(.testing)
  do {
    try await CaseworkApp.configure(app, config: config, store: store, clock: clock)
    if let schema { try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run() }
    try await app.autoMigrate()
    let result = try await body(app)
    if let schema { try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    try await app.asyncShutdown()
    return result
  } catch {
    if let schema { try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    try? await app.asyncShutdown()
    throw error
  }
}

extension Application {
  @discardableResult
  func makeStaff(
    _ email: String = "agent@casework.test", role: StaffRole = .supportSpecialist, password: String = "correct horse battery"
  ) async throws -> StaffUser {
    try await casework.staffAccounts.create(
      email: email, name: email.components(separatedBy: "@")[0].capitalized, role: role.rawValue, password: password
    ).0
  }

  /// A staff user and a bearer token for them.
  func makeToken(role: StaffRole = .supportSpecialist, email: String = "integrator@casework.test") async throws -> (
    StaffUser, String
  ) {
    let user = try await makeStaff(email, role: role)
    return (user, try await casework.staffAccounts.createToken(for: user, name: "test").1)
  }

  /// The emails queued for a case, oldest first: address, subject and text.
  func outboxEmails(of caseID: CaseID) async throws -> [(to: String, subject: String, body: String)] {
    try await (db as! any SQLDatabase).raw(
      "SELECT to_address, subject, body FROM outbox WHERE case_id = \(bind: caseID) ORDER BY created_at, id"
    ).all().map {
      (
        try $0.decode(column: "to_address", as: String.self), try $0.decode(column: "subject", as: String.self),
        try $0.decode(column: "body", as: String.self)
      )
    }
  }

  func openCase(
    subject: String = "Cannot log in", description: String = "The app says my password is wrong",
    email: String = "ann@example.com", channel: CaseworkCore.Channel = .web
  ) async throws -> OpenedCase {
    try await casework.cases.open(
      NewCaseInput(
        channel: channel, subject: subject, description: description, requesterName: "Ann Example", requesterEmail: email),
      by: .requester)
  }
}

extension HTTPHeaders {
  static func bearer(_ token: String) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    headers.contentType = .json
    return headers
  }
}

/// JSON helpers for API tests.
func jsonBody(_ object: Any) throws -> ByteBuffer {
  ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
}

func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
  let data = Data(buffer: response.body)
  guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
    throw TestSetupError(description: "Not a JSON object: \(response.body.string)")
  }
  return object
}
