import Foundation
import NIOCore
import PostgresNIO

/// Reads a row that is one composite value (`SELECT ROW(a, b, …)`), field by field, straight
/// from the value's binary form: the number of fields, then for each its type's OID, its
/// length (-1 for NULL) and its bytes. PostgresNIO builds a `PostgresCell` for every cell of a
/// row, and reading the 37 cells of each listed case with its deadline that way was a third of
/// the CPU of listing 50 cases. The common types are read as PostgresNIO reads them; anything
/// else goes through PostgresNIO.
final class PostgresRecordReader: ColumnReader {
  private struct Field {
    var type: PostgresDataType
    /// Where the value's bytes start in `record`.
    var at: Int
    /// How many bytes it has; -1 when it is NULL.
    var length: Int
  }

  private let record: ByteBuffer
  private let fields: [String]
  private let firstOffset: Int
  // One reader is used by one thread at a time and never hands these out; the run-time
  // exclusivity checks on such fields were about a tenth of the cost of reading rows in a
  // profile of the listing.
  @exclusivity(unchecked) private var cursor = ColumnCursor()
  /// Where the field at `position` starts: the one a reader in field order asks for next.
  @exclusivity(unchecked) private var offset: Int
  @exclusivity(unchecked) private var position = 0

  /// Reads the composite value in `row`'s only column; `fields` names its fields in order.
  convenience init(row: PostgresRow, fields: [String]) throws {
    guard row.count == 1, let cell = row.first, cell.dataType == .record, cell.format == .binary,
      let record = cell.bytes
    else { throw UnreadableRecord(detail: "the row is not one composite value") }
    try self.init(record: record, fields: fields)
  }

  init(record: ByteBuffer, fields: [String]) throws {
    guard let count = record.getInteger(at: record.readerIndex, as: Int32.self), count == fields.count else {
      throw UnreadableRecord(detail: "the value does not have \(fields.count) fields")
    }
    self.record = record
    self.fields = fields
    firstOffset = record.readerIndex + 4
    offset = firstOffset
  }

  private func field(_ column: String) throws -> Field {
    guard let wanted = cursor.position(of: column, count: fields.count, name: { fields[$0] }) else {
      throw UnreadableColumn(column: column)
    }
    if wanted < position {
      offset = firstOffset
      position = 0
    }
    while true {
      guard let type = record.getInteger(at: offset, as: UInt32.self),
        let length = record.getInteger(at: offset + 4, as: Int32.self),
        length < 0 || offset + 8 + Int(length) <= record.writerIndex
      else { throw UnreadableRecord(detail: "field \(position + 1) is cut short") }
      let found = Field(type: PostgresDataType(type), at: offset + 8, length: Int(length))
      offset = found.at + max(0, found.length)
      position += 1
      if position > wanted { return found }
    }
  }

  /// A value of a type read here only through PostgresNIO.
  private func decode<T: PostgresDecodable>(_ field: Field, _ column: String, as type: T.Type) throws -> T {
    let bytes = field.length < 0 ? nil : record.getSlice(at: field.at, length: field.length)
    let cell = PostgresCell(bytes: bytes, dataType: field.type, format: .binary, columnName: column, columnIndex: position - 1)
    return try cell.decode(T.self)
  }

  func optionalString(_ column: String) throws -> String? {
    let field = try field(column)
    guard field.length >= 0 else { return nil }
    switch field.type {
    case .text, .varchar, .bpchar, .name: return record.getString(at: field.at, length: field.length)
    default: return try decode(field, column, as: String.self)
    }
  }

  func optionalUUID(_ column: String) throws -> UUID? {
    let field = try field(column)
    guard field.length >= 0 else { return nil }
    guard field.type == .uuid, field.length == 16 else { return try decode(field, column, as: UUID.self) }
    let start = field.at - record.readerIndex
    return record.withUnsafeReadableBytes { UUIDText.read(UnsafeRawBufferPointer(rebasing: $0[start..<start + 16])) }
  }

  func optionalDate(_ column: String) throws -> Date? {
    let field = try field(column)
    guard field.length >= 0 else { return nil }
    guard field.type == .timestamptz || field.type == .timestamp, field.length == 8,
      let microseconds = record.getInteger(at: field.at, as: Int64.self)
    else { return try decode(field, column, as: Date.self) }
    return Date(postgresMicroseconds: microseconds)
  }

  func bool(_ column: String) throws -> Bool {
    let field = try field(column)
    guard field.type == .bool, field.length == 1, let byte = record.getInteger(at: field.at, as: UInt8.self), byte <= 1
    else { return try decode(field, column, as: Bool.self) }
    return byte == 1
  }

  func double(_ column: String) throws -> Double {
    let field = try field(column)
    guard field.type == .float8, field.length == 8, let bits = record.getInteger(at: field.at, as: UInt64.self) else {
      return try decode(field, column, as: Double.self)
    }
    return Double(bitPattern: bits)
  }

  func int(_ column: String) throws -> Int {
    let field = try field(column)
    guard field.type == .int8, field.length == 8, let value = record.getInteger(at: field.at, as: Int64.self) else {
      return try decode(field, column, as: Int.self)
    }
    return Int(value)
  }
}

struct UnreadableRecord: Error, CustomStringConvertible {
  var detail: String
  var description: String { "A composite value from PostgreSQL could not be read: \(detail)." }
}
