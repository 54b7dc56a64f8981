import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SQLiteNIO
// sqlite-nio's own copy of SQLite, which SQLiteNIO and Fluent use too: with one copy in the
// process, SQLite's record of the file locks this process holds stays whole.
import VaporCSQLite

/// Connections of our own for reading an SQLite file outside transactions, each keeping the
/// statements it has prepared. SQLiteNIO prepares every statement afresh and builds each row
/// as a list of named values before anyone reads it: in profiles of listing 50 cases that was
/// 29% of the CPU (21% building rows, 8% preparing). In WAL mode a reader never waits for the
/// writer, and each read sees every transaction committed before it began.
///
/// A read runs on the application's thread pool, as SQLiteNIO's do: SQLite blocks while it
/// reads the file.
public final class SQLiteReadConnections: Sendable {
  public let path: String
  private let threadPool: NIOThreadPool
  private let idle = NIOLockedValueBox(Idle())

  private struct Idle: Sendable {
    var connections: [SQLiteReadConnection] = []
    var closed = false
  }

  /// Connections kept open between reads; a busier moment opens more and closes them after.
  static let idleLimit = 8

  public init(path: String, threadPool: NIOThreadPool) {
    self.path = path
    self.threadPool = threadPool
  }

  /// Runs one statement (placeholders `?`) with its binds and decodes each row.
  func read<T: Sendable>(
    _ sql: String, binds: [SQLiteData], as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T] {
    try await threadPool.runIfActive { [self] in
      let connection = try checkOut()
      defer { checkIn(connection) }
      return try connection.read(sql, binds: binds, as: decode)
    }
  }

  /// Closes the idle connections; one still reading closes when its read ends.
  public func shutdown() {
    let closing = idle.withLockedValue { idle in
      idle.closed = true
      defer { idle.connections.removeAll() }
      return idle.connections
    }
    for connection in closing { connection.close() }
  }

  private func checkOut() throws -> SQLiteReadConnection {
    let reused = try idle.withLockedValue { idle -> SQLiteReadConnection? in
      guard !idle.closed else { throw StoreError.readersClosed }
      return idle.connections.popLast()
    }
    return try reused ?? SQLiteReadConnection(path: path)
  }

  private func checkIn(_ connection: SQLiteReadConnection) {
    let kept = idle.withLockedValue { idle in
      guard !idle.closed, idle.connections.count < Self.idleLimit else { return false }
      idle.connections.append(connection)
      return true
    }
    if !kept { connection.close() }
  }
}

/// One read connection and the statements it has prepared.
// @unchecked: used by one thread at a time, as SQLite's NOMUTEX mode requires; it is either
// idle in the pool (behind the pool's lock) or checked out for one read.
final class SQLiteReadConnection: @unchecked Sendable {
  private struct Prepared {
    var handle: OpaquePointer
    var names: [String]
  }

  private var handle: OpaquePointer?
  private var statements: [String: Prepared] = [:]

  /// Statements kept per connection. The listing's statement varies with its filters and its
  /// page, so the cache is bounded; when full, one statement makes way.
  static let statementLimit = 64

  /// How long a read waits for a lock (a checkpoint restarting the log, for instance).
  static let busyTimeoutMilliseconds: Int32 = 5_000

  init(path: String) throws {
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
    let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
    guard opened == SQLITE_OK else {
      let error = SQLiteReadError(code: opened, handle: handle, doing: "opening the database for reading")
      sqlite_nio_sqlite3_close_v2(handle)
      handle = nil
      throw error
    }
    sqlite_nio_sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
    // Reads only: a write on this connection fails instead of bypassing the writer.
    try execute("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY")
  }

  deinit { close() }

  func close() {
    for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
    statements.removeAll()
    if let handle { sqlite_nio_sqlite3_close_v2(handle) }
    handle = nil
  }

  private func execute(_ sql: String) throws {
    let code = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
    guard code == SQLITE_OK else { throw SQLiteReadError(code: code, handle: handle, doing: "setting up a read connection") }
  }

  func read<T>(_ sql: String, binds: [SQLiteData], as decode: (any ColumnReader) throws -> T) throws -> [T] {
    let statement = try prepared(sql)
    // Reset at once, not when the statement next runs: a statement left open holds its read
    // transaction, which keeps checkpoints from finishing the log.
    defer {
      sqlite_nio_sqlite3_reset(statement.handle)
      sqlite_nio_sqlite3_clear_bindings(statement.handle)
    }
    try bind(binds, to: statement.handle)
    let reader = SQLiteStatementReader(statement: statement.handle, names: statement.names)
    var rows: [T] = []
    while true {
      let code = sqlite_nio_sqlite3_step(statement.handle)
      if code == SQLITE_DONE { return rows }
      guard code == SQLITE_ROW else { throw SQLiteReadError(code: code, handle: handle, doing: "reading rows") }
      reader.startRow()
      rows.append(try decode(reader))
    }
  }

  private func prepared(_ sql: String) throws -> Prepared {
    if let statement = statements[sql] { return statement }
    var statement: OpaquePointer?
    let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard code == SQLITE_OK, let statement else {
      throw SQLiteReadError(code: code, handle: handle, doing: "preparing a statement")
    }
    let names = (0..<sqlite_nio_sqlite3_column_count(statement)).map {
      String(cString: sqlite_nio_sqlite3_column_name(statement, $0))
    }
    if statements.count >= Self.statementLimit, let evicted = statements.first {
      sqlite_nio_sqlite3_finalize(evicted.value.handle)
      statements.removeValue(forKey: evicted.key)
    }
    let prepared = Prepared(handle: statement, names: names)
    statements[sql] = prepared
    return prepared
  }

  private func bind(_ binds: [SQLiteData], to statement: OpaquePointer) throws {
    for (offset, value) in binds.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .integer(let number): code = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
      case .float(let number): code = sqlite_nio_sqlite3_bind_double(statement, index, number)
      case .null: code = sqlite_nio_sqlite3_bind_null(statement, index)
      case .text(let text):
        code = sqlite_nio_sqlite3_bind_text64(
          statement, index, text, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
      case .blob(let buffer):
        code = buffer.withUnsafeReadableBytes {
          sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
        }
      }
      guard code == SQLITE_OK else { throw SQLiteReadError(code: code, handle: handle, doing: "binding a value") }
    }
  }

  /// SQLite's SQLITE_TRANSIENT: it copies the bound value before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A failed read, with SQLite's code and message (which name the statement's fault, never a
/// value from a row).
struct SQLiteReadError: Error, CustomStringConvertible {
  var code: Int32
  var message: String
  var doing: String

  init(code: Int32, handle: OpaquePointer?, doing: String) {
    self.code = code
    self.doing = doing
    message =
      handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
      ?? String(cString: sqlite_nio_sqlite3_errstr(code))
  }

  var description: String { "SQLite failed \(doing) (code \(code)): \(message)" }
}
