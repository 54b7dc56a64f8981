import Foundation
import SQLKit
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
      let (sql, values) = try #require(rows.sqliteInsert(0..<rows.rows.count))
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

  @Test("a value that is not a bound value or a NULL leaves the table to SQLKit's statement")
  func otherExpressions() {
    #expect(TableRows.sqliteValue(SQLRaw("CURRENT_TIMESTAMP")) == nil)
    #expect(TableRows.sqliteValue(SQLLiteral.null) == .null)
    #expect(TableRows.sqliteValue(sqlite.uuid(nil as UUID?)) == .null)
    #expect(TableRows.sqliteValue(SQLBind(true)) == .integer(1))
    #expect(TableRows.sqliteValue(SQLBind(Float(0.5))) == .float(0.5))
    var rows = TableRows(SampleRow.samples(2), into: "samples", sqlite)
    rows.rows[1][2] = SQLRaw("'raw'")
    #expect(rows.sqliteInsert(0..<2) == nil)
    #expect(rows.sqliteInsert(0..<1) != nil)
  }
}
