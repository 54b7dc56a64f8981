import CaseworkCore
import CaseworkTestSupport
import Foundation
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Testing

@testable import CaseworkStore

/// A row with a column of every type the batch inserts use, nullable where the schema allows.
struct SampleRow: InsertableRow {
  static let columns = ["id", "other_id", "label", "note", "at", "maybe_at", "flag", "count", "ratio", "short_label"]
  var id: UUID
  var otherID: UUID?
  var label: String
  var note: String?
  var at: Date
  var maybeAt: Date?
  var flag: Bool
  var count: Int
  var ratio: Double
  var shortLabel: String

  var values: [ColumnValue] {
    [
      .uuid(id), .uuid(otherID), .text(label), .text(note), .time(at), .time(maybeAt), .flag(flag), .integer(count),
      .double(ratio), .text(shortLabel),
    ]
  }

  static func samples(_ count: Int) -> [SampleRow] {
    (0..<count).map(sample)
  }

  static func sample(_ index: Int) -> SampleRow {
    let start: Double = 1_763_000_000.123456
    let even = index % 2 == 0
    let note: String? = index % 3 == 0 ? nil : "note \(index)"
    let maybeAt: Date? = even ? Date(timeIntervalSince1970: 915_148_800.5) : nil
    return SampleRow(
      id: UUID(), otherID: even ? nil : UUID(), label: "label \(index) ‘quoted’, {braces} \"and\" \\", note: note,
      at: Date(timeIntervalSince1970: start + Double(index)), maybeAt: maybeAt, flag: even,
      count: Int(Int32.max) + index, ratio: 0.75 + Double(index), shortLabel: "s\(index)")
  }
}

@Suite("Batch inserts as column arrays on PostgreSQL", .enabled(if: TestServers.postgres, "needs CASEWORK_TEST_POSTGRES_URL"))
struct ColumnArrayTests {
  let postgres = BindDialect(postgres: true)

  @Test("a column of values, NULLs or both becomes an array of its type; a column whose rows disagree on the type does not")
  func columnKinds() throws {
    let allNulls: [[ColumnValue]] = [[.uuid(nil)], [.uuid(nil)]]
    #expect(PostgresColumnArray(column: 0, of: allNulls)?.psqlType == .uuidArray)
    #expect(PostgresColumnArray(column: 0, of: [[.text(nil)], [.text("x")]])?.psqlType == .textArray)
    #expect(PostgresColumnArray(column: 0, of: [[.time(nil)]])?.sqlType == "timestamptz[]")
    #expect(PostgresColumnArray(column: 0, of: [[.flag(true)], [.flag(nil)]])?.psqlType == .boolArray)
    #expect(PostgresColumnArray(column: 0, of: [[.integer(1)]])?.sqlType == "bigint[]")
    #expect(PostgresColumnArray(column: 0, of: [[.double(nil)]])?.sqlType == "double precision[]")
    #expect(PostgresColumnArray(column: 0, of: [[.text("x")], [.integer(1)]]) == nil)
    #expect(PostgresColumnArray(column: 0, of: []) == nil)
    // A table with a column that cannot be an array is inserted as multi-row VALUES.
    var rows = TableRows(SampleRow.samples(2), into: "samples", postgres)
    #expect(rows.unnestInsert() != nil)
    rows.rows[1][3] = .integer(3)
    #expect(rows.unnestInsert() == nil)
  }

  @Test("without NULLs the bytes are PostgresNIO's own array encoding")
  func sameBytesAsDriver() throws {
    let ids = [UUID(), UUID(), UUID()]
    let texts = ["a", "", "ünïcode"]
    let times = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_763_000_000.654321)]
    func bytes(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> ByteBuffer {
      var buffer = ByteBuffer()
      try value.encode(into: &buffer, context: .default)
      return buffer
    }
    func array(_ values: [ColumnValue]) throws -> PostgresColumnArray {
      try #require(PostgresColumnArray(column: 0, of: values.map { [$0] }))
    }
    #expect(try bytes(array(ids.map { .uuid($0) })) == bytes(ids))
    #expect(try bytes(array(texts.map { .text($0) })) == bytes(texts))
    #expect(try bytes(array(times.map { .time($0) })) == bytes(times))
    #expect(try bytes(array([.flag(true), .flag(false)])) == bytes([true, false]))
    #expect(try bytes(array([1, -2, Int.max].map { .integer($0) })) == bytes([1, -2, Int.max]))
    #expect(try bytes(array([0.5, -1e300].map { .double($0) })) == bytes([0.5, -1e300]))
  }

  @Test("rows inserted as arrays read back as the same rows inserted as VALUES do; the text does not vary with the rows")
  func roundTrip() async throws {
    guard let url = ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"] else {
      Issue.record("PostgreSQL tests need CASEWORK_TEST_POSTGRES_URL: run scripts/test, which starts a server.")
      return
    }
    try await withStoreHandle(.postgres(url: url, searchPath: nil)) { handle in
      let db = handle.sql
      let table = "column_array_samples_\(UInt32.random(in: 0...UInt32.max))"
      try await db.raw(
        """
        CREATE TABLE \(unsafeRaw: table) (id uuid PRIMARY KEY, other_id uuid, label text NOT NULL, note text,
        at timestamptz NOT NULL, maybe_at timestamptz, flag boolean NOT NULL, count bigint NOT NULL,
        ratio double precision NOT NULL, short_label varchar(20) NOT NULL, batch text)
        """
      ).run()
      do {
        // One bind per column, whatever the number of rows: the text is the same for one row or many.
        func statement(_ count: Int) throws -> (sql: String, binds: Int) {
          let serialized = db.serialize(try #require(TableRows(SampleRow.samples(count), into: table, postgres).unnestInsert()))
          return (serialized.sql, serialized.binds.count)
        }
        #expect(try statement(1).sql == statement(40).sql)
        #expect(try statement(40).binds == SampleRow.columns.count)
        let samples = SampleRow.samples(7)
        let arrays = TableRows(samples, into: table, postgres)
        let insert = try #require(arrays.unnestInsert())
        try await db.execute(sql: insert) { _ in }
        try await db.raw("UPDATE \(unsafeRaw: table) SET batch = 'arrays'").run()
        // The same rows again, with new ids, as multi-row VALUES.
        let again = samples.map { row in
          var copy = row
          copy.id = UUID()
          return copy
        }
        try await db.execute(sql: TableRows(again, into: table, postgres).insert()) { _ in }
        try await db.raw("UPDATE \(unsafeRaw: table) SET batch = 'values' WHERE batch IS NULL").run()

        // Every column, as PostgreSQL prints it, is the same for both ways in.
        func printed(_ batch: String) async throws -> [String] {
          try await db.raw(
            """
            SELECT row(other_id, label, note, at, maybe_at, flag, count, ratio, short_label)::text AS r
            FROM \(unsafeRaw: table) WHERE batch = \(bind: batch) ORDER BY count
            """
          ).all(decodingColumn: "r", as: String.self)
        }
        let fromArrays = try await printed("arrays")
        #expect(fromArrays.count == 7)
        #expect(try await printed("values") == fromArrays)
        // And each value is the one bound, NULLs included.
        func column<T: Decodable>(_ name: String, as type: T.Type) async throws -> [T] {
          try await db.raw(
            "SELECT \(ident: name) FROM \(unsafeRaw: table) WHERE batch = 'arrays' ORDER BY count"
          ).all(decodingColumn: name, as: T.self)
        }
        #expect(try await column("other_id", as: UUID?.self) == samples.map(\.otherID))
        #expect(try await column("note", as: String?.self) == samples.map(\.note))
        #expect(try await column("label", as: String.self) == samples.map(\.label))
        #expect(try await column("at", as: Date.self) == samples.map(\.at))
        #expect(try await column("maybe_at", as: Date?.self) == samples.map(\.maybeAt))
        #expect(try await column("flag", as: Bool.self) == samples.map(\.flag))
        #expect(try await column("count", as: Int.self) == samples.map(\.count))
        #expect(try await column("ratio", as: Double.self) == samples.map(\.ratio))
      } catch {
        try? await db.raw("DROP TABLE \(unsafeRaw: table)").run()
        throw error
      }
      try await db.raw("DROP TABLE \(unsafeRaw: table)").run()
    }
  }

  @Test("a batch of new cases goes in whole, whatever the batch's size")
  func batchInOneStatement() async throws {
    try await withMigratedPostgresSchema { handle in
      struct Digest: SecretHasher { func digest(_ secret: String) -> String { String(secret.reversed()) } }
      let service = CaseService(cases: SQLCaseRepository(handle: handle), clock: SystemWallClock(), hasher: Digest())
      @Sendable func drafts(_ count: Int) throws -> [CaseDraft] {
        try (0..<count).map { index in
          try service.draft(
            NewCaseInput(
              channel: .api, subject: "Batch case \(index)", description: "The app will not open",
              requesterName: "Ann Example", requesterEmail: "p\(index)@example.com", tags: ["batch"]), by: .requester
          ).0
        }
      }
      let postgres = try #require(handle.sql as? any PostgresDatabase)
      try await postgres.withConnection { connection in
        connection.eventLoop.makeFutureWithTask {
          let db = SinglePostgresConnection(connection: connection, base: connection.sql())
          var written = 0
          for size in [1, 7, 30] {
            let batch = try drafts(size)
            let created = try await SQLCaseRepository.insert(batch, on: db, inTransaction: false)
            written += size
            #expect(created.map(\.id) == batch.map(\.id))
          }
          let stored = try await db.raw("SELECT count(*) AS n FROM cases").first(decodingColumn: "n", as: Int.self)
          #expect(stored == written)
          let tags = try await db.raw("SELECT count(*) AS n FROM case_tags WHERE tag = 'batch'").first(
            decodingColumn: "n", as: Int.self)
          #expect(tags == written)
        }
      }.get()
    }
  }
}
