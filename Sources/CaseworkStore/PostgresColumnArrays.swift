import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// One column of a batch's rows as a PostgreSQL array, NULLs included, in the binary format.
/// `INSERT … SELECT * FROM unnest($1, $2, …)` then takes every row of a table in one bind per
/// column, so the statement's text is the same for a batch of one case or of a hundred: the
/// server parses and plans a few dozen parameters instead of a few thousand.
struct PostgresColumnArray: PostgresThrowingDynamicTypeEncodable, Encodable, Sendable {
  enum Values: Sendable {
    case uuid([UUID?])
    case text([String?])
    case time([Date?])
    case flag([Bool?])
    case integer([Int?])
    case double([Double?])
  }

  var values: Values

  /// The array of `column`'s values, NULLs included; nil when the rows disagree on the
  /// column's type (the table is then inserted as multi-row VALUES).
  init?(column: Int, of rows: [[ColumnValue]]) {
    guard let first = rows.first?[column] else { return nil }
    func gather<T>(_ element: (ColumnValue) -> T??) -> [T?]? {
      var out: [T?] = []
      out.reserveCapacity(rows.count)
      for row in rows {
        guard let value = element(row[column]) else { return nil }
        out.append(value)
      }
      return out
    }
    let gathered: Values? =
      switch first {
      case .uuid: gather { if case .uuid(let v) = $0 { v } else { nil } }.map { .uuid($0) }
      case .text: gather { if case .text(let v) = $0 { v } else { nil } }.map { .text($0) }
      case .time: gather { if case .time(let v) = $0 { v } else { nil } }.map { .time($0) }
      case .flag: gather { if case .flag(let v) = $0 { v } else { nil } }.map { .flag($0) }
      case .integer: gather { if case .integer(let v) = $0 { v } else { nil } }.map { .integer($0) }
      case .double: gather { if case .double(let v) = $0 { v } else { nil } }.map { .double($0) }
      }
    guard let gathered else { return nil }
    values = gathered
  }

  var psqlType: PostgresDataType {
    switch values {
    case .uuid: UUID.psqlArrayType
    case .text: String.psqlArrayType
    case .time: Date.psqlArrayType
    case .flag: Bool.psqlArrayType
    case .integer: Int.psqlArrayType
    case .double: Double.psqlArrayType
    }
  }

  var psqlFormat: PostgresFormat { .binary }

  /// The array's type in SQL, written as a cast after its placeholder: a statement prepared
  /// without parameter types (as PostgresNIO prepares them) cannot tell which array `unnest`
  /// is given.
  var sqlType: String {
    switch values {
    case .uuid: "uuid[]"
    case .text: "text[]"
    case .time: "timestamptz[]"
    case .flag: "boolean[]"
    case .integer: "bigint[]"
    case .double: "double precision[]"
    }
  }

  func encode<JSONEncoder: PostgresJSONEncoder>(
    into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
  ) throws {
    switch values {
    case .uuid(let values): try Self.write(values, into: &buffer, context: context)
    case .text(let values): try Self.write(values, into: &buffer, context: context)
    case .time(let values): try Self.write(values, into: &buffer, context: context)
    case .flag(let values): try Self.write(values, into: &buffer, context: context)
    case .integer(let values): try Self.write(values, into: &buffer, context: context)
    case .double(let values): try Self.write(values, into: &buffer, context: context)
    }
  }

  /// PostgreSQL's binary array: dimensions, whether there are NULLs, the element type, then
  /// the one dimension's length and lower bound, then each element as its length (-1 for
  /// NULL) and its bytes, each encoded as PostgresNIO encodes a value of its own.
  private static func write<T: PostgresArrayEncodable, JSONEncoder: PostgresJSONEncoder>(
    _ values: [T?], into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
  ) throws {
    buffer.writeInteger(values.isEmpty ? 0 : 1, as: Int32.self)
    buffer.writeInteger(values.contains { $0 == nil } ? 1 : 0, as: Int32.self)
    buffer.writeInteger(T.psqlType.rawValue)
    guard !values.isEmpty else { return }
    buffer.writeInteger(Int32(values.count))
    buffer.writeInteger(1, as: Int32.self)
    for value in values {
      guard let value else {
        buffer.writeInteger(-1, as: Int32.self)
        continue
      }
      let lengthAt = buffer.writerIndex
      buffer.writeInteger(0, as: Int32.self)
      try value.encode(into: &buffer, context: context)
      buffer.setInteger(Int32(buffer.writerIndex - lengthAt - 4), at: lengthAt)
    }
  }

  /// Only PostgresNIO's binary path encodes these; Codable never should.
  func encode(to encoder: any Encoder) throws {
    throw EncodingError.invalidValue(
      self, .init(codingPath: encoder.codingPath, debugDescription: "A column array binds only as a PostgreSQL array."))
  }
}

extension TableRows {
  /// The rows as `INSERT INTO table (columns) SELECT * FROM unnest($1, …)`, one array per
  /// column; nil when a column cannot be an array (see `PostgresColumnArray`).
  func unnestInsert() -> (any SQLExpression)? {
    var arrays: [PostgresColumnArray] = []
    arrays.reserveCapacity(columns.count)
    for column in columns.indices {
      guard let array = PostgresColumnArray(column: column, of: rows) else { return nil }
      arrays.append(array)
    }
    return UnnestInsert(table: table, columns: columns, arrays: arrays)
  }
}

private struct UnnestInsert: SQLExpression {
  var table: String
  var columns: [String]
  var arrays: [PostgresColumnArray]

  func serialize(to serializer: inout SQLSerializer) {
    serializer.write("INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT * FROM unnest(")
    for (index, array) in arrays.enumerated() {
      if index > 0 { serializer.write(", ") }
      SQLBind(array).serialize(to: &serializer)
      serializer.write("::\(array.sqlType)")
    }
    serializer.write(")")
  }
}
