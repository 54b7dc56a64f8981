import Foundation
import NIOCore
import SQLiteKit
import SQLiteNIO
import VaporCSQLite  // sqlite-nio's own copy of SQLite (see `SQLiteReadConnections`)

/// What both SQLite readers share: each finds a column's value; the types are read from it
/// here, the same way for a row SQLiteNIO built and for a statement of our own.
protocol SQLiteValueReader: ColumnReader {
  /// The column's value; nil when it is NULL or the row has no such column.
  func value(_ column: String) -> SQLiteData?
}

extension SQLiteValueReader {
  func optionalString(_ column: String) throws -> String? {
    guard let data = value(column) else { return nil }
    guard case .text(let text) = data else { throw UnreadableColumn(column: column) }
    return text
  }

  /// An id stored as its text or as its 16 bytes.
  func uuid(from data: SQLiteData, column: String) throws -> UUID {
    switch data {
    case .text(let text):
      guard let id = UUIDText.parse(text) else { throw UnreadableColumn(column: column) }
      return id
    case .blob(let buffer):
      guard let id = buffer.withUnsafeReadableBytes(UUIDText.read) else { throw UnreadableColumn(column: column) }
      return id
    default:
      throw UnreadableColumn(column: column)
    }
  }

  func optionalDate(_ column: String) throws -> Date? {
    guard let data = value(column) else { return nil }
    switch data {
    case .float(let seconds): return Date(timeIntervalSince1970: seconds)
    case .integer(let seconds): return Date(timeIntervalSince1970: Double(seconds))
    default:
      guard let date = Date(sqliteData: data) else { throw UnreadableColumn(column: column) }
      return date
    }
  }

  func bool(_ column: String) throws -> Bool {
    guard let data = value(column) else { throw UnreadableColumn(column: column) }
    switch data {
    case .integer(let value): return value != 0
    default:
      guard let flag = Bool(sqliteData: data) else { throw UnreadableColumn(column: column) }
      return flag
    }
  }

  func double(_ column: String) throws -> Double {
    guard let data = value(column) else { throw UnreadableColumn(column: column) }
    switch data {
    case .float(let value): return value
    case .integer(let value): return Double(value)
    default: throw UnreadableColumn(column: column)
    }
  }

  func int(_ column: String) throws -> Int {
    guard let data = value(column), case .integer(let value) = data else { throw UnreadableColumn(column: column) }
    return value
  }
}

/// Reads one row SQLiteNIO built, finding its columns by position (`ColumnCursor`).
final class SQLiteColumnReader: SQLiteValueReader {
  private let columns: [SQLiteColumn]
  private var cursor = ColumnCursor()

  init(row: SQLiteRow) {
    columns = row.columns
  }

  func value(_ column: String) -> SQLiteData? {
    guard let position = cursor.position(of: column, count: columns.count, name: { columns[$0].name }) else { return nil }
    let data = columns[position].data
    if case .null = data { return nil }
    return data
  }

  func optionalUUID(_ column: String) throws -> UUID? {
    guard let data = value(column) else { return nil }
    return try uuid(from: data, column: column)
  }
}

/// Reads the current row of one of our own prepared statements (`SQLiteReadConnections`)
/// straight from SQLite's buffers: one reader serves every row of a read, and an id's text is
/// parsed where SQLite holds it, without a string in between.
final class SQLiteStatementReader: SQLiteValueReader {
  private let statement: OpaquePointer
  private let names: [String]
  private var cursor = ColumnCursor()

  init(statement: OpaquePointer, names: [String]) {
    self.statement = statement
    self.names = names
  }

  /// Called before each row: the columns are asked for in the same order on every row.
  func startRow() {
    cursor = ColumnCursor()
  }

  private func position(_ column: String) -> Int32? {
    cursor.position(of: column, count: names.count, name: { names[$0] }).map(Int32.init)
  }

  private func text(at position: Int32) -> UnsafeBufferPointer<UInt8> {
    // `column_text` first: it sets the length `column_bytes` then reports.
    let start = sqlite_nio_sqlite3_column_text(statement, position)
    return UnsafeBufferPointer(start: start, count: Int(sqlite_nio_sqlite3_column_bytes(statement, position)))
  }

  func value(_ column: String) -> SQLiteData? {
    position(column).flatMap(value(at:))
  }

  private func value(at position: Int32) -> SQLiteData? {
    switch sqlite_nio_sqlite3_column_type(statement, position) {
    case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, position)))
    case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, position))
    case SQLITE_TEXT: return .text(String(decoding: text(at: position), as: UTF8.self))
    case SQLITE_BLOB:
      let start = sqlite_nio_sqlite3_column_blob(statement, position)
      let count = Int(sqlite_nio_sqlite3_column_bytes(statement, position))
      return .blob(ByteBufferAllocator().buffer(bytes: UnsafeRawBufferPointer(start: start, count: count)))
    default: return nil
    }
  }

  func optionalUUID(_ column: String) throws -> UUID? {
    guard let position = position(column) else { return nil }
    switch sqlite_nio_sqlite3_column_type(statement, position) {
    case SQLITE_NULL: return nil
    case SQLITE_TEXT:
      guard let id = UUIDText.parse(text(at: position)) else { throw UnreadableColumn(column: column) }
      return id
    default:
      guard let data = value(at: position) else { return nil }
      return try uuid(from: data, column: column)
    }
  }
}
