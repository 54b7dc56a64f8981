import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

/// How the listing's rows are read: straight through the engine's driver (the default), or by
/// SQLKit's generic path like every other read. `CASEWORK_ROW_READER=sqlkit` is the way out if a
/// driver release ever breaks the direct path; `RowReadingTests` reads the same rows both ways.
public enum RowReaderChoice: String, Sendable, CaseIterable {
  case driver, sqlkit
}

/// One engine's way to run a statement and decode its rows through its driver, past SQLKit's
/// generic `Decodable` row path (measured worth in `docs/performance.md`). Anything it cannot
/// run it declines, and the statement goes through SQLKit instead.
protocol DriverRows: Sendable {
  /// Whether the listing asks for each row as one composite value (PostgreSQL's `ROW(…)`).
  var readsRecords: Bool { get }

  /// The rows of `text` (placeholders in the engine's form) run with `binds` on `database`,
  /// each decoded by `decode`; nil, having run nothing, when the database is another engine's
  /// or a bind has no direct form. With `recordFields`, each row is one composite value with
  /// those fields.
  func rows<T: Sendable>(
    _ text: String, binds: [any Encodable & Sendable], on database: any SQLDatabase, recordFields: [String]?,
    as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]?
}

/// The row reader a process's database handles share (PostgreSQL's prepared statements are
/// named once per process): made once by `StoreConfiguration.rowReader(_:)`.
public struct RowReader: Sendable {
  let driver: (any DriverRows)?

  /// SQLKit's path only.
  public static let sqlkit = RowReader(driver: nil)

  /// The direct path for the engine, as a handle made without a reader uses.
  static func driver(postgres: Bool) -> RowReader {
    RowReader(driver: postgres ? PostgresDriverRows() : SQLiteDriverRows())
  }
}

extension StoreConfiguration {
  /// The reader `choice` names for this engine.
  public func rowReader(_ choice: RowReaderChoice) -> RowReader {
    choice == .sqlkit ? .sqlkit : .driver(postgres: engineName == "postgres")
  }
}

/// SQLite through SQLiteNIO: rows are decoded on the database's thread as the statement steps.
/// The driver's row-by-row hand-over to the event loop (one scheduled task per row) was a tenth
/// of the CPU of listing a page of cases, and its `Decodable` rows a fifth.
struct SQLiteDriverRows: DriverRows {
  var readsRecords: Bool { false }

  func rows<T: Sendable>(
    _ text: String, binds: [any Encodable & Sendable], on database: any SQLDatabase, recordFields: [String]?,
    as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard let sqlite = database as? any SQLiteDatabase else { return nil }
    let encoder = SQLiteDataEncoder()
    let values = try binds.map { try encoder.encode($0) }
    let decoded = NIOLockedValueBox(DecodedRows<T>())
    try await sqlite.withConnection { connection in
      try await connection.query(text, values) { row in
        decoded.withLockedValue { $0.add { try decode(SQLiteColumnReader(row: row)) } }
      }
    }
    return try decoded.withLockedValue { try $0.result() }
  }
}

/// PostgreSQL through PostgresNIO, reading each cell's bytes as PostgresNIO would
/// (`PostgresColumnReader`) or each row's one composite value (`PostgresRecordReader`), as a
/// statement each connection prepares once (`PostgresStatements`).
struct PostgresDriverRows: DriverRows {
  /// Where each connection's prepared statements are named; nil runs every statement unnamed.
  let statements: PostgresStatements?
  let readsRecords: Bool

  init(statements: PostgresStatements? = PostgresStatements(), readsRecords: Bool = true) {
    self.statements = statements
    self.readsRecords = readsRecords
  }

  func rows<T: Sendable>(
    _ text: String, binds: [any Encodable & Sendable], on database: any SQLDatabase, recordFields: [String]?,
    as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard let postgres = database as? any PostgresDatabase, let bindings = Self.bindings(binds) else { return nil }
    let logger = database.logger
    if let statements,
      let rows = try await statements.read(
        text, bindings: bindings, on: postgres, logger: logger, recordFields: recordFields, as: decode)
    {
      return rows
    }
    let query = PostgresQuery(unsafeSQL: text, binds: bindings)
    let result = try await postgres.withConnection { connection in connection.query(query, logger: logger) }.get()
    let names = PostgresColumnNames(recordFields: recordFields)
    return try result.rows.map { try decode(names.reader(for: $0)) }
  }

  /// PostgreSQL binds for the value types our queries use; nil for anything else, which then
  /// takes SQLKit's path.
  static func bindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
    var bindings = PostgresBindings(capacity: binds.count)
    for bind in binds {
      switch bind {
      case let value as String: bindings.append(value)
      case let value as UUID: bindings.append(value)
      case let value as Date: bindings.append(value)
      case let value as Int: bindings.append(value)
      case let value as Bool: bindings.append(value)
      case let value as Double: bindings.append(value)
      case let value as PostgresColumnArray:
        guard (try? bindings.append(value, context: .default)) != nil else { return nil }
      default: return nil
      }
    }
    return bindings
  }
}

/// Statement text whose placeholders are already in the engine's form, with its binds: how
/// SQLKit runs what the direct paths run.
struct StatementText: SQLExpression {
  let sql: String
  let binds: [any Encodable & Sendable]

  func serialize(to serializer: inout SQLSerializer) {
    serializer.write(sql)
    serializer.binds += binds
  }
}

/// Rows decoded so far, or the first error; once a row fails, the rest are skipped.
struct DecodedRows<T: Sendable>: Sendable {
  private var rows: [T] = []
  private var error: (any Error)?

  mutating func add(_ decode: () throws -> T) {
    guard error == nil else { return }
    do { rows.append(try decode()) } catch { self.error = error }
  }

  func result() throws -> [T] {
    if let error { throw error }
    return rows
  }
}

extension DatabaseHandle {
  /// Runs statement text with its binds on `db` (or, outside a transaction, the pool) and
  /// decodes each row: through the driver when there is a direct path, else through SQLKit.
  /// `recordFields` is for the direct path only: SQLKit's rows are plain columns.
  func readRows<T: Sendable>(
    _ text: String, binds: [any Encodable & Sendable], on db: (any SQLDatabase)? = nil, recordFields: [String]? = nil,
    as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T] {
    let database = db ?? sql
    if let driverRows,
      let rows = try await driverRows.rows(text, binds: binds, on: database, recordFields: recordFields, as: decode)
    {
      return rows
    }
    precondition(recordFields == nil, "a statement of composite rows needs the direct path")
    let decoded = NIOLockedValueBox(DecodedRows<T>())
    try await database.execute(sql: StatementText(sql: text, binds: binds)) { row in
      decoded.withLockedValue { $0.add { try decode(SQLRowColumnReader(row: row)) } }
    }
    return try decoded.withLockedValue { try $0.result() }
  }

  /// Runs an SQLKit expression as `readRows(_:binds:on:recordFields:as:)` does.
  func readRows<T: Sendable>(
    _ query: any SQLExpression, on db: (any SQLDatabase)? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T] {
    let (text, binds) = (db ?? sql).serialize(query)
    return try await readRows(text, binds: binds, on: db, as: decode)
  }
}
