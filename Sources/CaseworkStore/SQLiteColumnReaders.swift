import Foundation
import NIOCore
import SQLiteKit
import SQLiteNIO

/// Reads a column's value from an SQLite row as SQLiteKit's decoding would, without its
/// `Decodable` machinery.
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
    // Rounded to whole microseconds from 2001 as SQLiteNIO rounds them, so that a date reads
    // the same on either path (found by `RowReadingTests.listingSameBothWays`).
    case .float(let seconds): return Date(sqliteSeconds: seconds)
    case .integer(let seconds): return Date(sqliteSeconds: Double(seconds))
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

extension Date {
  /// Seconds from 1970 as SQLite holds them, rounded to the microsecond from 2001 as SQLiteNIO
  /// rounds them.
  init(sqliteSeconds seconds: Double) {
    self.init(
      timeIntervalSinceReferenceDate: ((seconds - Date.timeIntervalBetween1970AndReferenceDate) * 1e6).rounded() / 1e6)
  }
}
