import Foundation
import SQLKit
import SQLiteKit
import SQLiteNIO
import Testing

@testable import CaseworkStore

@Suite("Inserts written straight as SQLite's text and values on the writer")
struct SQLiteWriterInsertTests {
  let sqlite = BindDialect(postgres: false)

  @Test("rows go in exactly as SQLKit's statement puts them, value by value and type by type")
  func sameAsSQLKit() async throws {
    let directory = try DedicatedWriterTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let writer = DedicatedWriterTests.sqliteWriter(in: directory)
    let samples = SampleRow.samples(7)
    let again = samples.map { row in
      var copy = row
      copy.id = UUID()
      return copy
    }
    let (direct, viaSQLKit) = try await writer.transaction { db in
      #expect(db is SingleSQLiteConnection, "the writer hands out its own connection")
      try await db.raw(
        """
        CREATE TABLE samples (id TEXT PRIMARY KEY, other_id TEXT, label TEXT NOT NULL, note TEXT, at REAL NOT NULL,
        maybe_at REAL, flag INTEGER NOT NULL, count INTEGER NOT NULL, ratio REAL NOT NULL, short_label TEXT NOT NULL,
        batch TEXT)
        """
      ).run()
      let rows = TableRows(samples, into: "samples", sqlite)
      let (sql, values) = rows.sqliteInsert(0..<rows.rows.count)
      #expect(
        sql.hasPrefix("INSERT INTO samples (id, other_id, label, note, at, maybe_at, flag, count, ratio, short_label) VALUES (?"))
      #expect(values.count == samples.count * SampleRow.columns.count)
      // Through the repository's insert, which takes the direct path on this connection.
      try await SQLCaseRepository.insert(rows, on: db)
      try await db.raw("UPDATE samples SET batch = 'direct'").run()
      let single = try #require(db as? SingleSQLiteConnection)
      try await single.base.execute(sql: TableRows(again, into: "samples", sqlite).insert()) { _ in }
      try await db.raw("UPDATE samples SET batch = 'sqlkit' WHERE batch IS NULL").run()
      // Every stored value and its storage class, as SQLite quotes it.
      func stored(_ batch: String) async throws -> [String] {
        try await db.raw(
          """
          SELECT quote(other_id) || '|' || quote(label) || '|' || quote(note) || '|' || quote(at) || '|' || typeof(at)
            || '|' || quote(maybe_at) || '|' || quote(flag) || '|' || quote(count) || '|' || quote(ratio) || '|'
            || typeof(ratio) || '|' || quote(short_label) AS r
          FROM samples WHERE batch = \(bind: batch) ORDER BY count
          """
        ).all(decodingColumn: "r", as: String.self)
      }
      return (try await stored("direct"), try await stored("sqlkit"))
    }
    #expect(direct.count == 7)
    #expect(direct == viaSQLKit)
    #expect(direct.first?.contains("'label 0 ‘quoted’, {braces} \"and\" \\'") == true)
    #expect(direct.first?.hasPrefix("NULL|") == true)
    await writer.shutdown()
  }

  @Test("each kind of value, NULL or not, is SQLite's value of the bound value SQLKit's statement binds")
  func valuesAsBound() throws {
    let encoder = SQLiteDataEncoder()
    let id = UUID()
    let at = Date(timeIntervalSince1970: 1_763_000_000.123)
    let values: [ColumnValue] = [
      .uuid(id), .uuid(nil), .text("é ‘x’"), .text(nil), .time(at), .time(nil), .flag(true), .flag(false), .flag(nil),
      .integer(-7), .integer(nil), .double(0.25), .double(nil),
    ]
    for value in values {
      let expression = value.expression(sqlite)
      if let bind = expression as? SQLBind {
        #expect(value.sqlite == (try encoder.encode(bind.encodable)), "\(value)")
      } else {
        let literal = try #require(expression as? SQLLiteral, "\(value)")
        guard case .null = literal else {
          Issue.record("\(value) is bound as \(literal)")
          continue
        }
        #expect(value.sqlite == .null, "\(value)")
      }
    }
    #expect(ColumnValue.uuid(id).sqlite == .text(id.uuidString.uppercased()))
  }
}
