import Foundation
import SQLiteNIO

extension TableRows {
  /// The INSERT of the rows in `range` as SQLite's text and values, written directly.
  /// Serializing SQLKit's expression tree of a batch's inserts, and encoding each value
  /// through SQLiteKit's encoder, were a sixth of the SQLite writer's time in creating cases.
  func sqliteInsert(_ range: Range<Int>) -> (sql: String, values: [SQLiteData]) {
    var values: [SQLiteData] = []
    values.reserveCapacity(range.count * columns.count)
    for row in rows[range] {
      for value in row { values.append(value.sqlite) }
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
}

extension ColumnValue {
  /// The value as SQLite stores it, as SQLiteKit's encoder makes it from the bound value
  /// (`BindDialect`): ids as upper-case text, times as seconds, flags as 0 or 1.
  var sqlite: SQLiteData {
    switch self {
    case .uuid(let value): value.map { .text($0.uppercaseString) } ?? .null
    case .text(let value): value.map { .text($0) } ?? .null
    case .time(let value): value.map { .float($0.timeIntervalSince1970) } ?? .null
    case .flag(let value): value.map { .integer($0 ? 1 : 0) } ?? .null
    case .integer(let value): value.map { .integer($0) } ?? .null
    case .double(let value): value.map { .float($0) } ?? .null
    }
  }
}
