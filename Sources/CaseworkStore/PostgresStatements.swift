import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Statements each PostgreSQL connection prepares once and then only binds and runs, through
/// PostgresNIO's public `prepare(query:)`. PostgresNIO otherwise sends every query as an
/// unnamed statement, which the server parses and plans afresh: for the listing of 50 cases
/// with their deadlines that was 0.30 of 0.80 ms of the server's time per statement (pgbench,
/// one client), and preparing is worth a fifth of the listing's rate (performance.md).
///
/// Each connection keeps at most `textLimit` statements; the listing's text varies with its
/// filters and page, and the texts that recur (a polling integration's, the inbox's first page)
/// come first. Any others run unnamed. A connection's statements are forgotten when it closes.
public final class PostgresStatements: Sendable {
  /// The statements prepared on each open connection, by text.
  private let prepared = NIOLockedValueBox<[ObjectIdentifier: [String: PreparedQuery]]>([:])

  /// Distinct statement texts prepared per connection.
  static let textLimit = 64

  public init() {}

  /// How many statements `connection` has prepared through this cache.
  func count(on connection: PostgresConnection) -> Int {
    prepared.withLockedValue { $0[ObjectIdentifier(connection)]?.count ?? 0 }
  }

  /// Runs `sql` (placeholders `$n`) with `binds` on a connection of `database`'s pool as a
  /// prepared statement, decoding each row on the connection's event loop as it arrives; nil,
  /// having run nothing, when a bind has no prepared form or the connection is at the cap.
  func read<T: Sendable>(
    _ sql: String, binds: [any Encodable & Sendable], on database: any PostgresDatabase,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard let values = Self.values(binds) else { return nil }
    return try await database.withConnection { connection in
      self.statement(sql, on: connection).flatMap { statement -> EventLoopFuture<[T]?> in
        guard let statement else { return connection.eventLoop.makeSucceededFuture(nil) }
        let names = PostgresColumnNames(recordFields: recordFields)
        let rows = NIOLockedValueBox(DecodedRows<T>())
        return statement.execute(values) { row in
          rows.withLockedValue { $0.add { try decode(names.reader(for: row)) } }
        }.flatMapThrowing { try rows.withLockedValue { try $0.result() } }
      }
    }.get()
  }

  /// The statement for `sql` on `connection`, prepared now if it is new; nil at the cap.
  private func statement(_ sql: String, on connection: PostgresConnection) -> EventLoopFuture<PreparedQuery?> {
    let key = ObjectIdentifier(connection)
    let (known, full) = prepared.withLockedValue { ($0[key]?[sql], ($0[key]?.count ?? 0) >= Self.textLimit) }
    if let known { return connection.eventLoop.makeSucceededFuture(known) }
    if full { return connection.eventLoop.makeSucceededFuture(nil) }
    return connection.prepare(query: sql).map { statement in
      let first = self.prepared.withLockedValue { prepared -> Bool in
        let first = prepared[key] == nil
        prepared[key, default: [:]][sql] = statement
        return first
      }
      if first {
        // Forget a connection's statements with it (its identity may be reused after).
        connection.closeFuture.whenComplete { _ in self.prepared.withLockedValue { $0[key] = nil } }
      }
      return statement
    }
  }

  /// The binds as PostgresNIO's prepared statements take them; nil for any other type.
  static func values(_ binds: [any Encodable & Sendable]) -> [PostgresData]? {
    var values: [PostgresData] = []
    values.reserveCapacity(binds.count)
    for bind in binds {
      switch bind {
      case let value as String: values.append(PostgresData(string: value))
      case let value as UUID: values.append(PostgresData(uuid: value))
      case let value as Date: values.append(PostgresData(date: value))
      case let value as Int: values.append(PostgresData(int64: Int64(value)))
      case let value as Bool: values.append(PostgresData(bool: value))
      case let value as Double: values.append(PostgresData(double: value))
      default: return nil
      }
    }
    return values
  }
}
