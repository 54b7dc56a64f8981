import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The column names of one statement's rows, taken from its first row and shared by the rest;
/// or, for a statement whose rows are each one composite value (`SELECT ROW(…)`), the names of
/// that value's fields, which PostgreSQL does not send.
final class PostgresColumnNames: Sendable {
  private let names = NIOLockedValueBox<[String]?>(nil)
  private let recordFields: [String]?

  init(recordFields: [String]? = nil) {
    self.recordFields = recordFields
  }

  func of(_ row: PostgresRow) -> [String] {
    names.withLockedValue { names in
      if let names { return names }
      let found = row.map(\.columnName)
      names = found
      return found
    }
  }

  /// A reader of `row`'s columns, or of its composite value's fields.
  func reader(for row: PostgresRow) throws -> any ColumnReader {
    guard let recordFields else { return PostgresColumnReader(row: row, names: self) }
    return try PostgresRecordReader(row: row, fields: recordFields)
  }
}

/// Reads one PostgreSQL row, walking its cells in order and finding columns by position
/// (`ColumnCursor`). Building every cell of a row up front, and PostgresNIO's generic decoding,
/// were a quarter of the CPU of listing 50 cases; the common types are read here from the
/// cell's bytes, exactly as PostgresNIO reads them, and anything else goes through it.
final class PostgresColumnReader: ColumnReader {
  private let row: PostgresRow
  private let names: [String]
  private var cursor = ColumnCursor()
  /// The cell at `position`, the next one a reader in column order asks for.
  private var index: PostgresRow.Index
  private var position = 0

  init(row: PostgresRow, names: PostgresColumnNames) {
    self.row = row
    self.names = names.of(row)
    index = row.startIndex
  }

  private func cell(_ column: String) throws -> PostgresCell {
    guard let wanted = cursor.position(of: column, count: names.count, name: { names[$0] }) else {
      throw UnreadableColumn(column: column)
    }
    if wanted < position {
      index = row.startIndex
      position = 0
    }
    while position < wanted {
      index = row.index(after: index)
      position += 1
    }
    let cell = row[index]
    index = row.index(after: index)
    position += 1
    return cell
  }

  func optionalString(_ column: String) throws -> String? {
    let cell = try cell(column)
    guard let bytes = cell.bytes else { return nil }
    switch cell.dataType {
    case .text, .varchar, .bpchar, .name: return String(buffer: bytes)
    default: return try cell.decode(String.self)
    }
  }

  func optionalUUID(_ column: String) throws -> UUID? {
    let cell = try cell(column)
    guard let bytes = cell.bytes else { return nil }
    guard cell.format == .binary, cell.dataType == .uuid, let id = bytes.withUnsafeReadableBytes(UUIDText.read) else {
      return try cell.decode(UUID.self)
    }
    return id
  }

  func optionalDate(_ column: String) throws -> Date? {
    let cell = try cell(column)
    guard var bytes = cell.bytes else { return nil }
    guard cell.format == .binary, cell.dataType == .timestamptz || cell.dataType == .timestamp, bytes.readableBytes == 8,
      let microseconds = bytes.readInteger(as: Int64.self)
    else { return try cell.decode(Date.self) }
    return Date(postgresMicroseconds: microseconds)
  }

  func bool(_ column: String) throws -> Bool {
    let cell = try cell(column)
    guard cell.format == .binary, cell.dataType == .bool, let bytes = cell.bytes, bytes.readableBytes == 1,
      let byte = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self), byte <= 1
    else { return try cell.decode(Bool.self) }
    return byte == 1
  }

  func double(_ column: String) throws -> Double { try cell(column).decode(Double.self) }

  func int(_ column: String) throws -> Int {
    let cell = try cell(column)
    guard cell.format == .binary, cell.dataType == .int8, var bytes = cell.bytes, bytes.readableBytes == 8,
      let value = bytes.readInteger(as: Int64.self)
    else { return try cell.decode(Int.self) }
    return Int(value)
  }
}

extension Date {
  /// A PostgreSQL timestamp's binary value: microseconds from 2000-01-01 UTC, which is
  /// 31,622,400 seconds before Foundation's reference date (2001-01-01 UTC).
  init(postgresMicroseconds microseconds: Int64) {
    self.init(timeIntervalSinceReferenceDate: Double(microseconds) / 1_000_000 - 31_622_400)
  }
}
