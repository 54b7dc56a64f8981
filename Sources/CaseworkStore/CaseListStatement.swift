import CaseworkCore
import Foundation
import SQLKit

/// The listing's statements as text and binds, written directly for the engine. Building them
/// as SQLKit expression trees and serializing those took about 4% of the CPU of listing fifty
/// cases, and the listing is the busiest read there is.
struct CaseListStatement {
  private(set) var sql = ""
  private(set) var binds: [any Encodable & Sendable] = []
  /// On PostgreSQL, the page's rows are each one composite value with these fields.
  private(set) var recordFields: [String]?
  private let postgres: Bool
  private var conditions = 0

  init(postgres: Bool) {
    self.postgres = postgres
  }

  /// Appends a placeholder for `value`: `?` on SQLite, `$n` on PostgreSQL.
  private mutating func bind(_ value: any Encodable & Sendable) {
    binds.append(value)
    if postgres {
      sql += "$"
      sql += String(binds.count)
    } else {
      sql += "?"
    }
  }

  /// Starts the next condition: ` WHERE ` before the first, ` AND ` before the others.
  private mutating func and() {
    sql += conditions == 0 ? " WHERE " : " AND "
    conditions += 1
  }

  /// The page of cases, its rows in any order: `CaseListing.precedes` puts them in the query's.
  /// With deadlines, each case comes once per deadline (once, with nulls, when it has none).
  /// With `records` (PostgreSQL read through the driver), each row is one composite value.
  static func page(_ query: CaseQuery, limit: Int, postgres: Bool, records: Bool = false) -> CaseListStatement {
    var statement = CaseListStatement(postgres: postgres)
    statement.sql.reserveCapacity(1024)
    let caseColumns = CaseRow.listedColumns.joined(separator: ", ")
    if query.includeDeadlines {
      if postgres && records {
        // One composite value a row (`PostgresRecordReader`): PostgresNIO's cell for each of
        // a row's 37 columns cost a third of the server's CPU for the page.
        statement.sql += "SELECT ROW("
        statement.sql += CaseRow.listedColumns.map { "c." + $0 }.joined(separator: ", ")
        for column in DeadlineRow.columns { statement.sql += ", d." + column }
        statement.sql += ")"
        statement.recordFields = CaseRow.listedColumns + DeadlineRow.joinedColumns
      } else {
        statement.sql += "SELECT c.*"
        for (column, alias) in zip(DeadlineRow.columns, DeadlineRow.joinedColumns) {
          statement.sql += ", d.\(column) AS \(alias)"
        }
      }
      statement.sql += " FROM (SELECT \(caseColumns) FROM cases"
    } else if postgres && records {
      statement.sql += "SELECT ROW(\(caseColumns)) FROM cases"
      statement.recordFields = CaseRow.listedColumns
    } else {
      statement.sql += "SELECT \(caseColumns) FROM cases"
    }
    statement.filters(query)
    if query.sort == .newest, let after = query.after {
      statement.and()
      statement.sql += "(created_at < "
      statement.bind(after.createdAt)
      statement.sql += " OR (created_at = "
      statement.bind(after.createdAt)
      statement.sql += " AND id < "
      statement.bind(after.id)
      statement.sql += "))"
    }
    statement.sql += " ORDER BY "
    statement.sql += orderBy(query.sort)
    // Numbers, not binds: SQLite compiles a statement again on its first step when a bound
    // LIMIT's value is set, which doubled the cost of preparing this one.
    statement.sql += " LIMIT \(limit + 1) OFFSET \(query.after == nil ? max(0, query.offset) : 0)"
    if query.includeDeadlines {
      statement.sql += ") c LEFT JOIN deadlines d ON d.case_id = c.id"
    }
    return statement
  }

  /// How many cases match the filters, as column `n`.
  static func count(_ query: CaseQuery, postgres: Bool) -> CaseListStatement {
    var statement = CaseListStatement(postgres: postgres)
    statement.sql += "SELECT COUNT(*) AS n FROM cases"
    statement.filters(query)
    return statement
  }

  static func orderBy(_ sort: CaseSort) -> String {
    switch sort {
    case .newest: "created_at DESC, id DESC"
    case .oldest: "created_at ASC, id ASC"
    case .updated: "updated_at DESC, id DESC"
    // Most urgent first; cases with no open deadline last, oldest first among them.
    case .deadline: "CASE WHEN next_due_at IS NULL THEN 1 ELSE 0 END ASC, next_due_at ASC, created_at ASC, id ASC"
    }
  }

  /// The query's filters as conditions, binds in the order they appear.
  private mutating func filters(_ query: CaseQuery) {
    if !query.statuses.isEmpty {
      and()
      sql += "status IN ("
      for (index, status) in query.statuses.enumerated() {
        if index > 0 { sql += ", " }
        bind(status.rawValue)
      }
      sql += ")"
    }
    if let kind = query.kind {
      and()
      sql += "kind = "
      bind(kind.rawValue)
    }
    if !query.excludedKinds.isEmpty {
      and()
      sql += "kind NOT IN ("
      for (index, kind) in query.excludedKinds.enumerated() {
        if index > 0 { sql += ", " }
        bind(kind.rawValue)
      }
      sql += ")"
    }
    if let tag = query.withoutTag {
      and()
      sql += "id NOT IN (SELECT case_id FROM case_tags WHERE tag = "
      bind(tag)
      sql += ")"
    }
    switch query.assignee {
    case .anyone: break
    case .unassigned:
      and()
      sql += "assignee_id IS NULL"
    case .user(let id):
      and()
      sql += "assignee_id = "
      bind(id)
    }
    if let tag = query.tag {
      and()
      sql += "id IN (SELECT case_id FROM case_tags WHERE tag = "
      bind(tag)
      sql += ")"
    }
    if let text = query.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
      let escaped = text.lowercased().replacingOccurrences(of: "!", with: "!!")
        .replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
      let pattern = "%\(escaped)%"
      and()
      sql += "("
      for (index, column) in ["subject", "requester_name", "requester_email", "reference"].enumerated() {
        if index > 0 { sql += " OR " }
        sql += "LOWER(\(column)) LIKE "
        bind(pattern)
        sql += " ESCAPE '!'"
      }
      sql += ")"
    }
  }
}

/// Puts a page's rows in the query's order. The statement leaves the order of its outer join
/// unspecified: sorting fifty rows here is cheaper than SQLite's temporary b-tree for them.
enum CaseListing {
  /// True when `a` comes before `b` in `sort`'s order; ids compare as the engines compare them
  /// (PostgreSQL's `uuid` bytewise, SQLite's upper-case hex text alike).
  static func precedes(_ a: CaseRow, _ b: CaseRow, in sort: CaseSort) -> Bool {
    switch sort {
    case .newest:
      if a.created_at != b.created_at { return a.created_at > b.created_at }
      return idLess(b.id, a.id)
    case .oldest:
      if a.created_at != b.created_at { return a.created_at < b.created_at }
      return idLess(a.id, b.id)
    case .updated:
      if a.updated_at != b.updated_at { return a.updated_at > b.updated_at }
      return idLess(b.id, a.id)
    case .deadline:
      switch (a.next_due_at, b.next_due_at) {
      case (nil, .some): return false
      case (.some, nil): return true
      case (.some(let x), .some(let y)) where x != y: return x < y
      default:
        if a.created_at != b.created_at { return a.created_at < b.created_at }
        return idLess(a.id, b.id)
      }
    }
  }

  static func idLess(_ a: UUID, _ b: UUID) -> Bool {
    withUnsafeBytes(of: a.uuid) { x in
      withUnsafeBytes(of: b.uuid) { y in x.lexicographicallyPrecedes(y) }
    }
  }

  /// Deadlines in the order the case page shows them: by start, then name.
  static func precedes(_ a: Deadline, _ b: Deadline) -> Bool {
    a.startAt != b.startAt ? a.startAt < b.startAt : a.name < b.name
  }
}

extension DatabaseHandle {
  /// Runs a listing statement, through the driver when the handle reads that way.
  func readRows<T: Sendable>(
    _ statement: CaseListStatement, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T] {
    try await readRows(statement.sql, binds: statement.binds, recordFields: statement.recordFields, as: decode)
  }
}
