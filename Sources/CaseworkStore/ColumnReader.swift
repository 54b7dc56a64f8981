import CaseworkCore
import FluentKit
import Foundation
import SQLKit

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
