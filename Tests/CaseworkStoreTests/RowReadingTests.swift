import CaseworkCore
import CaseworkTestSupport
import FluentKit
import Foundation
import Logging
import NIOPosix
import SQLKit
import Testing

@testable import CaseworkStore

@Suite("Reading rows straight from the driver, and the same rows through SQLKit")
struct RowReadingTests {
  /// The engines `TestEngines` names, and an SQLite file in WAL mode.
  static var engines: [String] {
    let listed = TestEngines.names
    return listed.contains("sqlite") ? listed + ["sqlite-file"] : listed
  }

  /// A pooled in-memory SQLite database, as the server registers it; an SQLite file in WAL
  /// mode, as the server runs one; or the test PostgreSQL server.
  func withHandle(_ engine: String, _ body: (DatabaseHandle) async throws -> Void) async throws {
    switch engine {
    case "postgres":
      let url = try #require(
        ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"], "run scripts/test, which starts PostgreSQL")
      try await withStoreHandle(.postgres(url: url, searchPath: nil), body)
    case "sqlite-file":
      try await withTemporaryDirectory("rows") { directory in
        let store = StoreConfiguration.sqliteFile(path: directory.appendingPathComponent("rows.sqlite").path)
        try await withStoreHandle(store, body)
      }
    default:
      try await withStoreHandle(.inMemory(), body)
    }
  }

  @Test(
    "columns read in any order, by name; a missing column is an error; nulls read as nil", arguments: Self.engines)
  func anyOrder(engine: String) async throws {
    try await withHandle(engine) { handle in
      let statement =
        engine == "postgres"
        ? "SELECT 'a' AS first, 2.5::float8 AS second, NULL::text AS third, 'ABCDEF01-2345-6789-ABCD-EF0123456789'::uuid AS fourth, 7::int8 AS fifth"
        : "SELECT 'a' AS first, 2.5 AS second, NULL AS third, 'ABCDEF01-2345-6789-ABCD-EF0123456789' AS fourth, 7 AS fifth"
      let rows = try await handle.readRows(SQLQueryString(stringLiteral: statement)) { row in
        (
          try row.optionalUUID("fourth"), try row.string("first"), try row.optionalString("third"), try row.double("second"),
          try row.string("first"), try row.int("fifth")
        )
      }
      #expect(rows.count == 1)
      #expect(rows[0].0 == UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789"))
      #expect(rows[0].1 == "a" && rows[0].4 == "a")
      #expect(rows[0].2 == nil)
      #expect(rows[0].3 == 2.5)
      #expect(rows[0].5 == 7)
      await #expect(throws: UnreadableColumn.self) {
        _ = try await handle.readRows(SQLQueryString("SELECT 1 AS present")) { try $0.string("absent") }
      }
    }
  }

  @Test("every row comes back, in the statement's order; a row that fails to decode fails the read", arguments: Self.engines)
  func manyRows(engine: String) async throws {
    try await withHandle(engine) { handle in
      let numbers = try await handle.readRows(
        SQLQueryString(
          "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 500) SELECT CAST(v AS TEXT) AS v FROM n")
      ) { try $0.string("v") }
      #expect(numbers == (1...500).map(String.init))
      struct Odd: Error {}
      await #expect(throws: Odd.self) {
        _ = try await handle.readRows(
          SQLQueryString("SELECT 'x' AS v UNION ALL SELECT 'odd' UNION ALL SELECT 'y'")
        ) { row in
          let value = try row.string("v")
          if value == "odd" { throw Odd() }
          return value
        }
      }
    }
  }

  @Test("each type reads as the drivers' own decoding reads it", arguments: Self.engines)
  func sameAsDriver(engine: String) async throws {
    try await withHandle(engine) { handle in
      let statement =
        engine == "postgres"
        ? """
        SELECT 'ABCDEF01-2345-6789-ABCD-EF0123456789'::uuid AS id, NULL::uuid AS no_id,
          '2026-11-21 10:00:00.123456+00'::timestamptz AS at, '1999-12-31 23:59:59.5+00'::timestamptz AS before_2000,
          NULL::timestamptz AS no_at, true AS yes, false AS no, 9007199254740993::int8 AS big, 7::int4 AS small,
          -2.25::float8 AS real, 'text é'::text AS label, 'vc'::varchar AS short, NULL::text AS no_label
        """
        : """
        SELECT 'ABCDEF01-2345-6789-ABCD-EF0123456789' AS id, NULL AS no_id, 1795255200.123456 AS at,
          946684799.5 AS before_2000, NULL AS no_at, 1 AS yes, 0 AS no, 9007199254740993 AS big, 7 AS small,
          -2.25 AS real, 'text é' AS label, 'vc' AS short, NULL AS no_label
        """
      struct Values: Equatable, Sendable {
        var ids: [UUID?]
        var dates: [Date?]
        var flags: [Bool]
        var numbers: [Int]
        var real: Double
        var texts: [String?]
      }
      let read: @Sendable (any ColumnReader) throws -> Values = { row in
        Values(
          ids: [try row.uuid("id"), try row.optionalUUID("no_id")],
          dates: [try row.date("at"), try row.date("before_2000"), try row.optionalDate("no_at")],
          flags: [try row.bool("yes"), try row.bool("no")], numbers: [try row.int("big"), try row.int("small")],
          real: try row.double("real"),
          texts: [try row.string("label"), try row.string("short"), try row.optionalString("no_label")])
      }
      #expect(handle.driverRows != nil)
      let direct = try await handle.readRows(statement, binds: []) { try read($0) }
      let generic = try await handle.sql.raw(SQLQueryString(stringLiteral: statement)).all().map {
        try read(SQLRowColumnReader(row: $0))
      }
      #expect(direct.count == 1)
      #expect(direct == generic)
      #expect(direct.first?.numbers == [9_007_199_254_740_993, 7])
      #expect(direct.first?.ids == [UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789"), nil])
    }
  }

  /// A migrated database on `engine`, through a handle that reads the listing through the
  /// driver and one that reads it through SQLKit.
  func withMigrated(_ engine: String, _ body: (_ driver: DatabaseHandle, _ sqlkit: DatabaseHandle) async throws -> Void)
    async throws
  {
    if engine == "postgres" {
      try await withMigratedPostgresSchema { handle in
        try await body(
          handle,
          DatabaseHandle(databases: handle.databases, eventLoopGroup: handle.eventLoopGroup, logger: handle.logger, rows: .sqlkit)
        )
      }
      return
    }
    try await withHandle(engine) { handle in
      for migration in StoreMigrations.all { try await migration.prepare(on: handle.fluent).get() }
      try await body(
        handle,
        DatabaseHandle(databases: handle.databases, eventLoopGroup: handle.eventLoopGroup, logger: handle.logger, rows: .sqlkit))
    }
  }

  @Test("every listing reads the same cases and deadlines through the driver as through SQLKit", arguments: Self.engines)
  func listingSameBothWays(engine: String) async throws {
    try await withMigrated(engine) { driver, sqlkit in
      #expect(driver.driverRows != nil && sqlkit.driverRows == nil)
      struct Digest: SecretHasher { func digest(_ secret: String) -> String { String(secret.reversed()) } }
      let service = CaseService(cases: SQLCaseRepository(handle: driver), clock: SystemWallClock(), hasher: Digest())
      for index in 0..<45 {
        _ = try await service.open(
          NewCaseInput(
            channel: index % 3 == 0 ? .email : .web, subject: "Case \(index) about the app",
            description: "The app will not open", requesterName: "Ann Example", requesterEmail: "p\(index)@example.com",
            tags: index % 2 == 0 ? ["even"] : []),
          by: .requester, autoReply: false)
      }
      func query(_ base: CaseQuery, deadlines: Bool) -> CaseQuery {
        var query = base
        query.includeDeadlines = deadlines
        return query
      }
      let queries = [
        query(CaseQuery(limit: 20, includeTotal: true), deadlines: true),
        query(CaseQuery(limit: 200), deadlines: true),
        query(CaseQuery(sort: .deadline, limit: 10, includeTotal: true), deadlines: true),
        query(CaseQuery(tag: "even", sort: .oldest, limit: 7, includeTotal: true), deadlines: false),
        query(CaseQuery(text: "case 1", sort: .updated, limit: 50), deadlines: false),
      ]
      for query in queries {
        let direct = try await SQLCaseRepository(handle: driver).list(query)
        let generic = try await SQLCaseRepository(handle: sqlkit).list(query)
        #expect(!direct.cases.isEmpty)
        #expect(direct.cases.map(\.id) == generic.cases.map(\.id))
        #expect(direct.cases == generic.cases, "\(Self.differences(direct.cases, generic.cases))")
        for (id, list) in direct.deadlines where generic.deadlines[id] != list {
          Issue.record("deadlines of \(id) differ: \(Self.differences(list, generic.deadlines[id] ?? []))")
        }
        #expect(direct.deadlines.keys.sorted() == generic.deadlines.keys.sorted())
        #expect(direct.total == generic.total)
        #expect(direct.nextCursor == generic.nextCursor)
      }
      let withDeadlines = try await SQLCaseRepository(handle: driver).list(query(CaseQuery(limit: 200), deadlines: true))
      #expect(withDeadlines.deadlines.values.contains { !$0.isEmpty })
    }
  }

  /// The fields that differ between two lists of values, for a readable failure.
  static func differences<T>(_ a: [T], _ b: [T]) -> [String] {
    func text(_ value: Any) -> String {
      if let date = value as? Date { return String(date.timeIntervalSince1970) }
      if let date = value as? Date? { return date.map { String($0.timeIntervalSince1970) } ?? "nil" }
      return "\(value)"
    }
    guard a.count == b.count else { return ["\(a.count) against \(b.count)"] }
    return zip(a, b).flatMap { x, y in
      let other = Dictionary(
        Mirror(reflecting: y).children.map { ($0.label ?? "", text($0.value)) }, uniquingKeysWith: { f, _ in f })
      return Mirror(reflecting: x).children.compactMap { child -> String? in
        let label = child.label ?? ""
        return text(child.value) == other[label] ? nil : "\(label): \(text(child.value)) against \(other[label] ?? "")"
      }
    }
  }
}
