import CaseworkTestSupport
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLKit
import Testing

@testable import CaseworkStore

/// Direct reads on PostgreSQL run as statements each connection prepares once
/// (`PostgresStatements`).
@Suite("PostgreSQL's prepared statements", .enabled(if: TestServers.postgres, "needs CASEWORK_TEST_POSTGRES_URL"))
struct PostgresStatementsTests {
  static let engines = RowReadingTests.engines.filter { $0 == "postgres" }

  /// One connection of the test server, in a schema of its own, and an empty statement cache.
  func withConnection(_ body: @escaping @Sendable (PostgresConnection, PostgresStatements) async throws -> Void) async throws {
    let url = try #require(
      ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"], "run scripts/test, which starts PostgreSQL")
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
    try await withStoreHandle(.postgres(url: url, searchPath: [schema])) { handle in
      try await handle.sql.raw("CREATE SCHEMA \(ident: schema)").run()
      do {
        let postgres = try #require(handle.sql as? any PostgresDatabase)
        try await postgres.withConnection { connection in
          connection.eventLoop.makeFutureWithTask { try await body(connection, PostgresStatements()) }
        }.get()
      } catch {
        try? await handle.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
        throw error
      }
      try await handle.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }
  }

  static func preparedCount(_ connection: PostgresConnection) async throws -> Int {
    let rows = try await connection.query("SELECT count(*)::int8 AS n FROM pg_prepared_statements", logger: connection.logger)
    var count = 0
    for try await (n) in rows.decode(Int.self) { count = n }
    return count
  }

  @Test("a statement is prepared once per connection and run again with new binds", arguments: Self.engines)
  func preparedOnce(engine: String) async throws {
    try await withConnection { connection, statements in
      _ = try await connection.query(
        "CREATE TABLE items (n int8 NOT NULL, label text NOT NULL, at timestamptz)", logger: connection.logger)
      _ = try await connection.query(
        "INSERT INTO items SELECT v, 'item ' || v, now() FROM generate_series(1, 5) v", logger: connection.logger)
      let sql = "SELECT n, label, at FROM items WHERE n > $1 AND label <> $2 ORDER BY n"
      func read(above: Int, except: String) async throws -> [String]? {
        var bindings = PostgresBindings()
        bindings.append(above)
        bindings.append(except)
        return try await statements.read(sql, bindings: bindings, on: connection, logger: connection.logger) { row in
          _ = try row.date("at")
          return "\(try row.int("n")) \(try row.string("label"))"
        }
      }
      #expect(try await read(above: 2, except: "item 4") == ["3 item 3", "5 item 5"])
      #expect(try await read(above: 0, except: "") == ["1 item 1", "2 item 2", "3 item 3", "4 item 4", "5 item 5"])
      #expect(try await Self.preparedCount(connection) == 1)
    }
  }

  @Test("a text keeps its slot for good; past the last slot, other texts get none")
  func slots() {
    let slots = StatementSlots(capacity: 3)
    #expect(slots.slot(for: "SELECT 1") == 0)
    #expect(slots.slot(for: "SELECT 2") == 1)
    #expect(slots.slot(for: "SELECT 1") == 0)
    #expect(slots.slot(for: "SELECT 3") == 2)
    #expect(slots.slot(for: "SELECT 4") == nil)
    #expect(slots.slot(for: "SELECT 2") == 1)
    #expect(slots.text(of: 2) == "SELECT 3")
    #expect(slots.given == 3)
    #expect(StatementSlots.shared.capacity == 256)
  }

  @Test("each slot's statement type runs its own text", arguments: Self.engines)
  func everySlotType(engine: String) async throws {
    try await withConnection { connection, statements in
      // Texts of this run only; every one runs through the slot type its number names.
      let run = UUID().uuidString.prefix(8)
      for n in 0..<20 {
        var bindings = PostgresBindings()
        bindings.append(n)
        let values = try await statements.read(
          "SELECT $1::int8 AS v, '\(run)' AS run, \(n) AS n", bindings: bindings, on: connection, logger: connection.logger
        ) { [try $0.int("v"), try $0.int("n")] }
        #expect(values == [[n, n]])
      }
      #expect(try await Self.preparedCount(connection) == 20)
    }
  }

  @Test(
    "through the database handle: the same rows as unprepared, and a failing statement fails the read", arguments: Self.engines)
  func throughHandle(engine: String) async throws {
    let url = try #require(ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"])
    try await withStoreHandle(.postgres(url: url, searchPath: nil), loops: 2) { plain in
      let prepared = plain.reading(with: PostgresDriverRows(statements: PostgresStatements()))
      let plain = plain.reading(with: PostgresDriverRows(statements: nil))
      let sql = "SELECT v::int8 AS n, 'row ' || v AS label, now() AS at FROM generate_series(1, $1::int8) v"
      for count in [3, 40, 0, 40] {
        let read = { @Sendable (handle: DatabaseHandle) in
          try await handle.readRows(sql, binds: [count]) { row in "\(try row.int("n")) \(try row.string("label"))" }
        }
        let expected = try await read(plain)
        #expect(expected.count == count)
        #expect(try await read(prepared) == expected)
      }
      await #expect(throws: (any Error).self) {
        _ = try await prepared.readRows("SELECT missing FROM nowhere WHERE $1::int8 > 0", binds: [1]) { try $0.int("missing") }
      }
      struct Odd: Error {}
      await #expect(throws: Odd.self) {
        _ = try await prepared.readRows(sql, binds: [5]) { row -> Int in
          if try row.int("n") == 3 { throw Odd() }
          return 0
        }
      }
      #expect(try await prepared.readRows(sql, binds: [2]) { try $0.int("n") } == [1, 2])
    }
  }
}
