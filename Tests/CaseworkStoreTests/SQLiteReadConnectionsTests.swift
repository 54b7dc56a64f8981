import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Testing

@testable import CaseworkStore

/// Reads outside transactions on an SQLite file go through connections of our own, which keep
/// their prepared statements (`SQLiteReadConnections`).
@Suite("SQLite's read connections")
struct SQLiteReadConnectionsTests {
  struct Fixture {
    var handle: DatabaseHandle
    var readers: SQLiteReadConnections
    /// A pooled connection, as the rest of the store writes.
    var pool: any SQLDatabase { handle.sql }
  }

  /// An SQLite file in WAL mode with a table `items (n, label, id, at)` of `rows` rows.
  func withFile(rows: Int = 0, _ body: (Fixture) async throws -> Void) async throws {
    try await withTemporaryDirectory("readers") { directory in
      try await withStoreHandle(.sqliteFile(path: directory.appendingPathComponent("read.sqlite").path)) { handle in
        let readers = try #require(handle.readers)
        try await handle.sql.raw("CREATE TABLE items (n INTEGER NOT NULL, label TEXT, id BLOB, at REAL)").run()
        for n in 0..<rows {
          try await handle.sql.raw("INSERT INTO items (n, label) VALUES (\(bind: n), \(bind: "item \(n)"))").run()
        }
        try await body(Fixture(handle: handle, readers: readers))
      }
    }
  }

  func labels(_ fixture: Fixture, above: Int) async throws -> [String] {
    try await fixture.handle.readRows("SELECT label FROM items WHERE n > ? ORDER BY n", binds: [above]) {
      try $0.string("label")
    } ?? []
  }

  @Test("a kept statement reads again with new binds, and each read sees what was committed before it")
  func keptStatements() async throws {
    try await withFile(rows: 5) { fixture in
      #expect(try await labels(fixture, above: 2) == ["item 3", "item 4"])
      #expect(try await labels(fixture, above: 0) == ["item 1", "item 2", "item 3", "item 4"])
      try await fixture.pool.raw("INSERT INTO items (n, label) VALUES (5, 'item 5')").run()
      #expect(try await labels(fixture, above: 3) == ["item 4", "item 5"])
      // Written but not yet committed on another connection: not seen until it is.
      let sqlite = try #require(fixture.pool as? any SQLiteDatabase)
      try await sqlite.withConnection { connection in
        _ = try await connection.query("BEGIN IMMEDIATE")
        _ = try await connection.query("INSERT INTO items (n, label) VALUES (6, 'item 6')")
        #expect(try await labels(fixture, above: 4) == ["item 5"])
        _ = try await connection.query("COMMIT")
      }
      #expect(try await labels(fixture, above: 4) == ["item 5", "item 6"])
    }
  }

  @Test("more statements than a connection keeps still read correctly")
  func manyStatements() async throws {
    try await withFile { fixture in
      let count = SQLiteReadConnection.statementLimit * 2 + 3
      for round in 0..<2 {
        for n in 0..<count {
          let values = try await fixture.readers.read("SELECT \(n) AS v, ? AS round", binds: [.integer(round)]) {
            [try $0.int("v"), try $0.int("round")]
          }
          #expect(values == [[n, round]])
        }
      }
    }
  }

  @Test("ids as text or 16 bytes, times as numbers or text, and nulls")
  func values() async throws {
    try await withFile { fixture in
      let id = UUID()
      let bytes = withUnsafeBytes(of: id.uuid) { ByteBufferAllocator().buffer(bytes: $0) }
      let rows = try await fixture.readers.read(
        "SELECT ? AS blob_id, ? AS text_id, NULL AS no_id, 1795255200.5 AS real_at, 1795255200 AS int_at, ? AS text_at",
        binds: [.blob(bytes), .text(id.uuidString.lowercased()), .text("2026-11-21T10:00:00Z")]
      ) { row in
        [
          try row.uuid("blob_id"), try row.uuid("text_id"), try row.optionalUUID("no_id") ?? id,
        ].map(\.uuidString)
          + [try row.date("real_at"), try row.date("int_at"), try row.date("text_at")].map {
            String($0.timeIntervalSince1970)
          }
      }
      #expect(
        rows == [[id.uuidString, id.uuidString, id.uuidString, "1795255200.5", "1795255200.0", "1795255200.0"]])
      await #expect(throws: UnreadableColumn.self) {
        _ = try await fixture.readers.read("SELECT 'not an id' AS id", binds: []) { try $0.uuid("id") }
      }
    }
  }

  @Test("a read connection refuses to write, and a bad statement names what failed; the connection reads on")
  func refusals() async throws {
    try await withFile(rows: 2) { fixture in
      let write = await #expect(throws: SQLiteReadError.self) {
        _ = try await fixture.readers.read("INSERT INTO items (n) VALUES (9)", binds: []) { _ in 0 }
      }
      #expect(write?.description.contains("readonly") == true || write?.description.contains("read only") == true)
      let malformed = await #expect(throws: SQLiteReadError.self) {
        _ = try await fixture.readers.read("SELECT FROM nowhere", binds: []) { _ in 0 }
      }
      #expect(malformed?.description.contains("preparing") == true)
      #expect(try await labels(fixture, above: -1) == ["item 0", "item 1"])
      let count = try await fixture.pool.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self)
      #expect(count == 2)
    }
  }

  @Test("a read that stops part-way lets go of the log, so a checkpoint can empty it")
  func stoppedRead() async throws {
    try await withFile(rows: 50) { fixture in
      struct Stop: Error {}
      await #expect(throws: Stop.self) {
        _ = try await fixture.readers.read("SELECT n FROM items ORDER BY n", binds: []) { row -> Int in
          if try row.int("n") == 3 { throw Stop() }
          return 0
        }
      }
      // A reader still in its transaction would keep the checkpoint from copying what is
      // written after it began.
      try await fixture.pool.raw("INSERT INTO items (n, label) VALUES (50, 'item 50')").run()
      let checkpoint = try #require(try await fixture.pool.raw("PRAGMA wal_checkpoint(PASSIVE)").first())
      let logged = try checkpoint.decode(column: "log", as: Int.self)
      #expect(logged > 0)
      #expect(try checkpoint.decode(column: "checkpointed", as: Int.self) == logged)
    }
  }

  @Test("after shutdown a read fails saying so")
  func afterShutdown() async throws {
    try await withFile { fixture in
      fixture.readers.shutdown()
      await #expect(throws: StoreError.self) {
        _ = try await fixture.readers.read("SELECT 1 AS v", binds: []) { try $0.int("v") }
      }
    }
  }
}
