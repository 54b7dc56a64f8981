import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// A NULL that knows its PostgreSQL type. It is written as `NULL` like `SQLLiteral.null`; the
/// type lets a column of a batch that holds only NULLs still go into a typed array
/// (`PostgresColumnArray`).
struct TypedNull: SQLExpression {
  var type: PostgresDataType

  func serialize(to serializer: inout SQLSerializer) { serializer.write("NULL") }
}

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

  /// The array of `column`'s values, or nil when a value is of a type not listed in `Values`
  /// or when the column holds only untyped NULLs: such a table is inserted as before.
  init?(column: Int, of rows: [[any SQLExpression]]) {
    // The element type comes from the first value that says it: a bound value or a typed NULL.
    guard let type = rows.lazy.compactMap({ Self.elementType(of: $0[column]) }).first else { return nil }
    func gather<T>(_: T.Type) -> [T?]? {
      var out: [T?] = []
      out.reserveCapacity(rows.count)
      for row in rows {
        let value = row[column]
        if let bound = value as? SQLBind {
          guard let typed = bound.encodable as? T else { return nil }
          out.append(typed)
        } else if value is TypedNull {
          out.append(nil)
        } else if let literal = value as? SQLLiteral, case .null = literal {
          out.append(nil)
        } else {
          return nil
        }
      }
      return out
    }
    let gathered: Values? =
      switch type {
      case .uuid: gather(UUID.self).map { .uuid($0) }
      case .text: gather(String.self).map { .text($0) }
      case .timestamptz: gather(Date.self).map { .time($0) }
      case .bool: gather(Bool.self).map { .flag($0) }
      case .int8: gather(Int.self).map { .integer($0) }
      case .float8: gather(Double.self).map { .double($0) }
      default: nil
      }
    guard let gathered else { return nil }
    values = gathered
  }

  /// The array element type `value` stands for; `.null` (no array) for a value of any other
  /// type, and nil for an untyped NULL, which says nothing.
  private static func elementType(of value: any SQLExpression) -> PostgresDataType? {
    if let null = value as? TypedNull { return null.type == .varchar ? .text : null.type }
    guard let bound = (value as? SQLBind)?.encodable else {
      return value is SQLLiteral ? nil : .null
    }
    return switch bound {
    case is UUID: .uuid
    case is String: .text
    case is Date: .timestamptz
    case is Bool: .bool
    case is Int: .int8
    case is Double: .float8
    default: .null
    }
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
