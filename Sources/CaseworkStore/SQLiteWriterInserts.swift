import Foundation
import SQLKit
import SQLiteKit
import SQLiteNIO

extension TableRows {
  /// The INSERT of the rows in `range` as SQLite's text and values, written directly; nil
  /// when a value is anything but a bound value or a NULL. Serializing SQLKit's expression
  /// tree of a batch's inserts, and encoding each value through SQLiteKit's encoder, were a
  /// sixth of the SQLite writer's time in creating cases.
  func sqliteInsert(_ range: Range<Int>) -> (sql: String, values: [SQLiteData])? {
    var values: [SQLiteData] = []
    values.reserveCapacity(range.count * columns.count)
    for row in rows[range] {
      for value in row {
        guard let data = Self.sqliteValue(value) else { return nil }
        values.append(data)
      }
    }
    let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
    sql.reserveCapacity(sql.utf8.count + range.count * (placeholders.utf8.count + 2))
    for index in 0..<range.count {
      if index > 0 { sql += ", " }
      sql += placeholders
    }
    return (sql, values)
  }

  /// A bound value or NULL as SQLite's value, as SQLiteKit's encoder makes it.
  static func sqliteValue(_ value: any SQLExpression) -> SQLiteData? {
    if let bound = value as? SQLBind {
      switch bound.encodable {
      case let text as String: return .text(text)
      case let date as Date: return date.sqliteData
      case let number as Int: return .integer(number)
      case let flag as Bool: return flag.sqliteData
      case let number as Double: return .float(number)
      default: return try? SQLiteDataEncoder().encode(bound.encodable)
      }
    }
    if value is TypedNull { return .null }
    if let literal = value as? SQLLiteral, case .null = literal { return .null }
    return nil
  }
}
