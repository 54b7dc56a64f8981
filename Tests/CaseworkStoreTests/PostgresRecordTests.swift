import CaseworkTestSupport
import Foundation
import NIOCore
import PostgresNIO
import SQLKit
import Testing

@testable import CaseworkStore

/// Rows sent as one composite value each (`SELECT ROW(…)`) and read field by field
/// (`PostgresRecordReader`), as PostgreSQL's listing of cases is read.
@Suite("PostgreSQL rows as one composite value", .enabled(if: TestServers.postgres, "needs CASEWORK_TEST_POSTGRES_URL"))
struct PostgresRecordTests {
  static let engines = RowReadingTests.engines.filter { $0 == "postgres" }

  /// Columns of every type the store reads, NULLs of each, and types read through PostgresNIO.
  static let columns: [(name: String, value: String)] = [
    ("id", "'ABCDEF01-2345-6789-ABCD-EF0123456789'::uuid"), ("no_id", "NULL::uuid"),
    ("at", "'2026-11-21 10:00:00.123456+00'::timestamptz"), ("before_2000", "'1999-12-31 23:59:59.5+00'::timestamptz"),
    ("plain_at", "'2026-03-29 01:30:00'::timestamp"), ("no_at", "NULL::timestamptz"), ("yes", "true"), ("no", "false"),
    ("big", "9007199254740993::int8"), ("small", "-7::int4"), ("real", "-2.25::float8"), ("short_real", "0.5::float4"),
    ("label", "'text é, \"quoted\" (and) ''single'''::text"), ("long_label", "repeat('x', 300)"), ("empty", "''::text"),
    ("varchar", "'vc'::varchar"), ("padded", "'ab'::char(4)"), ("no_label", "NULL::text"),
  ]

  struct Values: Equatable, Sendable {
    var ids: [UUID?]
    var dates: [Date?]
    var flags: [Bool]
    var numbers: [Int]
    var reals: [Double]
    var texts: [String?]
  }

  /// Reads the columns in an order of its own: back and forth, and one of them twice.
  static let read: @Sendable (any ColumnReader) throws -> Values = { row in
    let label = try row.string("label")
    let ids = [try row.uuid("id"), try row.optionalUUID("no_id")]
    return Values(
      ids: ids,
      dates: [try row.date("at"), try row.date("before_2000"), try row.date("plain_at"), try row.optionalDate("no_at")],
      flags: [try row.bool("yes"), try row.bool("no")], numbers: [try row.int("big"), try row.int("small")],
      reals: [try row.double("real"), try row.double("short_real")],
      texts: [
        label, try row.string("long_label"), try row.string("empty"), try row.string("varchar"), try row.string("padded"),
        try row.optionalString("no_label"), try row.string("label"),
      ])
  }

  /// The test server through a handle that runs direct reads unprepared and one that prepares
  /// them (`PostgresStatements`).
  func withHandles(_ body: (DatabaseHandle, DatabaseHandle) async throws -> Void) async throws {
    let url = try #require(
      ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"], "run scripts/test, which starts PostgreSQL")
    try await withStoreHandle(.postgres(url: url, searchPath: nil)) { plain in
      let prepared = plain.reading(with: PostgresDriverRows(statements: PostgresStatements()))
      let plain = plain.reading(with: PostgresDriverRows(statements: nil))
      try await body(plain, prepared)
    }
  }

  @Test("every type reads as the same columns read one by one, prepared or not", arguments: Self.engines)
  func sameAsColumns(engine: String) async throws {
    try await withHandles { plain, prepared in
      let names = Self.columns.map(\.name)
      let separate = "SELECT " + Self.columns.map { "\($0.value) AS \($0.name)" }.joined(separator: ", ")
      let record = "SELECT ROW(" + Self.columns.map(\.value).joined(separator: ", ") + ")"
      let expected = try await plain.readRows(separate, binds: []) { try Self.read($0) }
      #expect(expected.count == 1)
      #expect(expected.first?.ids == [UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789"), nil])
      #expect(expected.first?.numbers == [9_007_199_254_740_993, -7])
      #expect(expected.first?.texts.first == "text é, \"quoted\" (and) 'single'")
      for handle in [plain, prepared] {
        let fromRecord = try await handle.readRows(record, binds: [], recordFields: names) { try Self.read($0) }
        #expect(fromRecord == expected)
      }
    }
  }

  @Test("many rows with binds, in the statement's order; NULL fields skipped", arguments: Self.engines)
  func manyRows(engine: String) async throws {
    try await withHandles { plain, prepared in
      let sql =
        "SELECT ROW(v::int8, CASE WHEN v % 2 = 0 THEN NULL ELSE v * 0.5 END::float8, 'row ' || v) FROM generate_series(1, $1::int8) v"
      for handle in [plain, prepared] {
        let rows = try await handle.readRows(sql, binds: [300], recordFields: ["n", "half", "label"]) { row in
          "\(try row.int("n")) \(try row.string("label"))"
        }
        #expect(rows == (1...300).map { "\($0) row \($0)" })
      }
    }
  }

  @Test("a value that is not the composite named, or a field not in it, is an error", arguments: Self.engines)
  func mismatches(engine: String) async throws {
    let url = try #require(ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"])
    try await withStoreHandle(.postgres(url: url, searchPath: nil)) { handle in
      await #expect(throws: UnreadableRecord.self) {
        _ = try await handle.readRows("SELECT ROW(1::int8, 'a')", binds: [], recordFields: ["n"]) { try $0.int("n") }
      }
      await #expect(throws: UnreadableRecord.self) {
        _ = try await handle.readRows("SELECT 1::int8 AS n", binds: [], recordFields: ["n"]) { try $0.int("n") }
      }
      await #expect(throws: UnreadableRecord.self) {
        _ = try await handle.readRows("SELECT NULL::record", binds: [], recordFields: ["n"]) { try $0.int("n") }
      }
      await #expect(throws: UnreadableColumn.self) {
        _ = try await handle.readRows("SELECT ROW(1::int8, 'a')", binds: [], recordFields: ["n", "label"]) {
          try $0.string("other")
        }
      }
      // A NULL where a value is required.
      await #expect(throws: UnreadableColumn.self) {
        _ = try await handle.readRows("SELECT ROW(NULL::text, 'a')", binds: [], recordFields: ["n", "label"]) {
          try $0.string("n")
        }
      }
    }
  }

  @Test("a value cut short is an error, not a read past its end")
  func cutShort() throws {
    var record = ByteBuffer()
    record.writeInteger(Int32(2))
    record.writeInteger(PostgresDataType.text.rawValue)
    record.writeInteger(Int32(3))
    record.writeString("abc")
    record.writeInteger(PostgresDataType.text.rawValue)
    record.writeInteger(Int32(10))
    record.writeString("short")
    let reader = try PostgresRecordReader(record: record, fields: ["first", "second"])
    #expect(try reader.string("first") == "abc")
    #expect(throws: UnreadableRecord.self) { try reader.string("second") }
    // A buffer read from part-way, as PostgresNIO hands out a cell's bytes.
    var prefixed = ByteBuffer(string: "junk")
    prefixed.writeImmutableBuffer(record)
    prefixed.moveReaderIndex(forwardBy: 4)
    #expect(try PostgresRecordReader(record: prefixed, fields: ["first", "second"]).string("first") == "abc")
    #expect(throws: UnreadableRecord.self) { try PostgresRecordReader(record: record, fields: ["first"]) }
  }
}
