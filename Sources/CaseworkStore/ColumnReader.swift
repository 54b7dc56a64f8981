import CaseworkCore
import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO

/// Reads a row's columns by name, straight from the driver: SQLiteKit's and PostgresKit's
/// generic `Decodable` paths were the largest cost of listing cases with their deadlines
/// (about a fifth of the CPU on SQLite and 45% on PostgreSQL in profiles of
/// `GET /api/v1/cases?limit=50`). Anything else goes through SQLKit's `SQLRow`.
protocol ColumnReader {
  func string(_ column: String) throws -> String
  func optionalString(_ column: String) throws -> String?
  func uuid(_ column: String) throws -> UUID
  func optionalUUID(_ column: String) throws -> UUID?
  func date(_ column: String) throws -> Date
  func optionalDate(_ column: String) throws -> Date?
  func bool(_ column: String) throws -> Bool
  func double(_ column: String) throws -> Double
  func int(_ column: String) throws -> Int
}

extension ColumnReader {
  /// A value that must be there, read as its optional form: NULL is an error.
  func string(_ column: String) throws -> String { try required(optionalString(column), column) }
  func uuid(_ column: String) throws -> UUID { try required(optionalUUID(column), column) }
  func date(_ column: String) throws -> Date { try required(optionalDate(column), column) }

  private func required<T>(_ value: T?, _ column: String) throws -> T {
    guard let value else { throw UnreadableColumn(column: column) }
    return value
  }
}

struct UnreadableColumn: Error, CustomStringConvertible {
  var column: String
  var description: String { "The column \(column) holds a value of an unexpected type." }
}

/// Finds a row's columns by name without hashing it: each search first tries the column after
/// the last one found, so a reader that asks in the statement's order never searches. The
/// drivers' lookups by name hashed the name for every value of every row.
struct ColumnCursor {
  private var next = 0

  /// The position of `column` among `count` columns named by `name`, or nil.
  mutating func position(of column: String, count: Int, name: (Int) -> String) -> Int? {
    let found = next < count && name(next) == column ? next : (0..<count).first { name($0) == column }
    if let found { next = found + 1 }
    return found
  }
}

struct SQLRowColumnReader: ColumnReader {
  let row: any SQLRow

  func string(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
  func optionalString(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
  func uuid(_ column: String) throws -> UUID { try row.decode(column: column, as: UUID.self) }
  func optionalUUID(_ column: String) throws -> UUID? { try row.decode(column: column, as: UUID?.self) }
  func date(_ column: String) throws -> Date { try row.decode(column: column, as: Date.self) }
  func optionalDate(_ column: String) throws -> Date? { try row.decode(column: column, as: Date?.self) }
  func bool(_ column: String) throws -> Bool { try row.decode(column: column, as: Bool.self) }
  func double(_ column: String) throws -> Double { try row.decode(column: column, as: Double.self) }
  func int(_ column: String) throws -> Int { try row.decode(column: column, as: Int.self) }
}

extension DatabaseHandle {
  /// Runs a query and decodes each row with `decode`, reading straight from the driver. On
  /// SQLite the rows are decoded on the database's thread as the statement steps: the driver's
  /// row-by-row hand-over to the event loop (one scheduled task per row) was a tenth of the
  /// CPU of listing a page of cases. With no `db` (no transaction) an SQLite file is read on
  /// the read connections.
  func readRows<T: Sendable>(
    _ query: any SQLExpression, on db: (any SQLDatabase)? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T] {
    let database = db ?? sql
    if database is any SQLiteDatabase || database is any PostgresDatabase {
      let (text, binds) = database.serialize(query)
      if let rows = try await readRows(text, binds: binds, on: db, as: decode) { return rows }
    }
    return try await database.raw("\(query)").all().map { try decode(SQLRowColumnReader(row: $0)) }
  }

  /// Runs statement text with its binds (placeholders already in the engine's form) straight
  /// through the driver; nil when the engine or a bind's type has no direct path. With
  /// `recordFields`, a PostgreSQL statement's rows are each one composite value with those
  /// fields (`SELECT ROW(…)`).
  func readRows<T: Sendable>(
    _ text: String, binds: [any Encodable & Sendable], on db: (any SQLDatabase)? = nil,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    if db == nil, let readers {
      return try await readers.read(text, binds: try Self.sqliteValues(binds), as: decode)
    }
    let database = db ?? sql
    if let sqlite = database as? any SQLiteDatabase {
      let values = try Self.sqliteValues(binds)
      let decoded = NIOLockedValueBox(DecodedRows<T>())
      try await sqlite.withConnection { connection in
        try await connection.query(text, values) { row in
          decoded.withLockedValue { $0.add { try decode(SQLiteColumnReader(row: row)) } }
        }
      }
      return try decoded.withLockedValue { try $0.result() }
    }
    if let postgres = database as? any PostgresDatabase, let bindings = Self.postgresBindings(binds) {
      let logger = self.logger
      if let statements = postgresStatements,
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
    return nil
  }

  static func sqliteValues(_ binds: [any Encodable & Sendable]) throws -> [SQLiteData] {
    let encoder = SQLiteDataEncoder()
    return try binds.map { try encoder.encode($0) }
  }

  /// PostgreSQL binds for the value types our queries use; nil for anything else, which then
  /// takes the generic path.
  static func postgresBindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
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
