import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit

/// Statements each PostgreSQL connection prepares once and then only binds and runs.
/// PostgresNIO otherwise sends every query as an unnamed statement, which the server parses and
/// plans afresh: for the listing of 50 cases with their deadlines that was 0.30 of 0.80 ms of
/// the server's time per statement (pgbench, one client, extended against prepared protocol).
///
/// PostgresNIO keeps each connection's prepared statements by name for the connection's life,
/// with no way to close one, so the number of statement texts is capped: the first
/// `textLimit` texts the process runs are prepared, and any others run unnamed as before. The
/// listing's text varies with its filters and page, and the texts that recur (a polling
/// integration's, the inbox's first page) come first.
public final class PostgresStatements: Sendable {
  /// The name each statement text is prepared under.
  private let statementNames = NIOLockedValueBox<[String: String]>([:])

  /// Distinct statement texts prepared per process (and so at most per connection).
  static let textLimit = 64

  public init() {}

  /// The name `sql` is prepared under, or nil once `textLimit` other texts have names.
  func name(for sql: String) -> String? {
    statementNames.withLockedValue { names in
      if let name = names[sql] { return name }
      guard names.count < Self.textLimit else { return nil }
      let name = "casework_\(names.count + 1)"
      names[sql] = name
      return name
    }
  }

  /// Runs `sql` on a connection of `database`'s pool as `read(_:bindings:on:logger:as:)` does,
  /// as a task on the connection's own event loop, where its answers arrive: each row and the
  /// statement's end resume the read without changing thread. From the global executor this
  /// cost more CPU than the unnamed statement it replaces.
  func read<T: Sendable>(
    _ sql: String, bindings: PostgresBindings, on database: any PostgresDatabase, logger: Logger,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard name(for: sql) != nil else { return nil }
    return try await database.withConnection { connection in
      let promise = connection.eventLoop.makePromise(of: [T]?.self)
      Task(executorPreference: EventLoopTaskExecutor(connection.eventLoop)) {
        do {
          promise.succeed(
            try await self.read(
              sql, bindings: bindings, on: connection, logger: logger, recordFields: recordFields, as: decode))
        } catch { promise.fail(error) }
      }
      return promise.futureResult
    }.get()
  }

  /// Runs `sql` (placeholders `$n`) with `bindings` on `connection` as a prepared statement,
  /// decoding each row as it arrives; nil when the text is past the cap. With `recordFields`,
  /// each row is one composite value with those fields (`PostgresRecordReader`).
  func read<T: Sendable>(
    _ sql: String, bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard let name = name(for: sql) else { return nil }
    let names = PostgresColumnNames(recordFields: recordFields)
    let statement = NamedStatement(bindings: bindings, names: names, decode: decode)
    return try await NamedStatementText.$current.withValue(NamedStatementText(name: name, sql: sql)) {
      var rows: [T] = []
      for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
      return rows
    }
  }
}

extension PostgresStatements {
  /// Runs `statement` as a prepared statement on the writer's connection
  /// (`SinglePostgresConnection`), where it is called, with no hop; false, having run nothing,
  /// on any other database, when a bind has no direct path, or when the text is past the cap.
  func run(_ statement: any SQLExpression, on db: any SQLDatabase) async throws -> Bool {
    guard let single = db as? SinglePostgresConnection else { return false }
    let (sql, binds) = db.serialize(statement)
    guard let bindings = DatabaseHandle.postgresBindings(binds) else { return false }
    return try await read(sql, bindings: bindings, on: single.connection, logger: db.logger, as: { _ in () }) != nil
  }
}

/// The name and text `NamedStatement` reports. PostgresNIO reads a prepared statement's name
/// and text from static properties, as if each statement were a type of its own; ours are
/// made at run time, so the one call that reads them runs with them set here.
struct NamedStatementText: Sendable {
  var name: String
  var sql: String

  @TaskLocal static var current: NamedStatementText?
}

private struct NamedStatement<T: Sendable>: PostgresPreparedStatement {
  let bindings: PostgresBindings
  let names: PostgresColumnNames
  let decode: @Sendable (any ColumnReader) throws -> T

  static var name: String { NamedStatementText.current?.name ?? "" }
  static var sql: String { NamedStatementText.current?.sql ?? "" }

  func makeBindings() throws -> PostgresBindings { bindings }

  func decodeRow(_ row: PostgresRow) throws -> T { try decode(names.reader(for: row)) }
}
