import CaseworkCore
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// Which database Casework uses: an SQLite file (the default), SQLite in memory (tests), or
/// PostgreSQL (scale-out).
public enum StoreConfiguration: Sendable, Equatable {
  case sqliteFile(path: String)
  /// SQLite with no file the user sees (tests); connections with the same identifier share it.
  case sqliteMemory(identifier: String)
  case postgres(url: String, searchPath: [String]? = nil)

  /// A fresh private in-memory database.
  public static func inMemory() -> StoreConfiguration { .sqliteMemory(identifier: UUID().uuidString) }

  public var engineName: String {
    switch self {
    case .sqliteFile, .sqliteMemory: "sqlite"
    case .postgres: "postgres"
    }
  }

  /// Registers the database as Fluent's default.
  public func register(on databases: Databases) throws {
    switch self {
    case .sqliteFile(let path):
      databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
    case .sqliteMemory(let identifier):
      // In memory (tests, demos) every transaction waits for the pool's one connection per
      // event loop. In the whole test suite on 2 cores, 36 simultaneous deliveries of email
      // once waited past the pool's default 10 seconds; 30 leaves room without hiding a hang.
      databases.use(
        .sqlite(
          SQLiteConfiguration(storage: .memory(identifier: identifier)), connectionPoolTimeout: .seconds(30), sqlLogLevel: nil),
        as: .sqlite)
    case .postgres(let url, let searchPath):
      databases.use(
        .postgres(
          configuration: try Self.postgresConfiguration(url: url, searchPath: searchPath), maxConnectionsPerEventLoop: 8,
          sqlLogLevel: .debug), as: .psql)
    }
  }

  /// Settings the database needs once. WAL persists in the SQLite file once set.
  public func prepare(_ database: any SQLDatabase) async throws {
    if case .sqliteFile = self {
      try await database.raw("PRAGMA journal_mode=WAL").run()
    }
  }

  /// Sets SQLite's durability on every pooled connection (one per event loop; the driver has
  /// no connection hook and the setting is per connection). NORMAL in WAL mode: a crash of the
  /// process loses nothing committed; a power cut may roll back the last commits. FULL syncs
  /// the log on every commit. A connection the pool opens later runs with SQLite's default,
  /// FULL: slower, never less safe.
  public func primeConnections(_ databases: Databases, on group: any EventLoopGroup, durability: SQLiteDurability, logger: Logger)
    async throws
  {
    guard case .sqliteFile = self else { return }
    for loop in group.makeIterator() {
      let database = databases.database(logger: logger, on: loop)! as! any SQLDatabase
      try await database.raw("PRAGMA synchronous=\(unsafeRaw: durability == .full ? "FULL" : "NORMAL")").run()
      try await database.raw("PRAGMA temp_store=MEMORY").run()  // as on the writer (see there)
    }
  }
}

extension StoreConfiguration {
  /// The connection new cases are written on (see `DedicatedWriter`), or nil for SQLite in
  /// memory, where a second connection to the shared cache would meet table locks that SQLite
  /// reports at once instead of waiting.
  public func dedicatedWriter(durability: SQLiteDurability, logger: Logger) throws -> DedicatedWriter? {
    switch self {
    case .sqliteFile(let path): DedicatedWriter(.sqlite(path: path, durability: durability), logger: logger)
    case .sqliteMemory: nil
    case .postgres(let url, let searchPath):
      DedicatedWriter(.postgres(try Self.postgresConfiguration(url: url, searchPath: searchPath)), logger: logger)
    }
  }

  static func postgresConfiguration(url: String, searchPath: [String]?) throws -> SQLPostgresConfiguration {
    var configuration = try SQLPostgresConfiguration(url: url)
    configuration.searchPath = searchPath
    return configuration
  }
}

public enum SQLiteDurability: String, Sendable, CaseIterable {
  case normal, full
}

/// Hands out the database for a repository call, spreading work over the event loops.
public struct DatabaseHandle: Sendable {
  public let databases: Databases
  public let eventLoopGroup: any EventLoopGroup
  public let logger: Logger

  /// Where transactions go instead of the pool (SQLite's dedicated writer), if anywhere.
  public let writer: DedicatedWriter?

  /// How the listing's rows are read (`DriverRows`); nil for SQLKit's path.
  let driverRows: (any DriverRows)?

  /// With no `rows`, the listing is read through the engine's driver.
  public init(
    databases: Databases, eventLoopGroup: any EventLoopGroup, logger: Logger, writer: DedicatedWriter? = nil,
    rows: RowReader? = nil
  ) {
    self.databases = databases
    self.eventLoopGroup = eventLoopGroup
    self.logger = logger
    self.writer = writer.flatMap { $0.takesAllTransactions ? $0 : nil }
    let isPostgres =
      (databases.database(logger: logger, on: eventLoopGroup.any()) as? any SQLDatabase)?.dialect.name == "postgresql"
    self.isPostgres = isPostgres
    driverRows = (rows ?? .driver(postgres: isPostgres)).driver
  }

  /// Whether the listing asks PostgreSQL for each row as one composite value.
  var readsRecords: Bool { driverRows?.readsRecords ?? false }

  public var fluent: any Database {
    databases.database(logger: logger, on: eventLoopGroup.any())!
  }

  public var sql: any SQLDatabase { fluent as! any SQLDatabase }

  /// Decided once: asking the pool for a database and its dialect was 1% of a listing's CPU.
  public let isPostgres: Bool

  /// Runs the body in one transaction on one connection: the writer's when there is one. On
  /// the pool, SQLite's first statement of a write transaction must be a write, so that the
  /// lock is taken before anything is read.
  public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    if let writer { return try await writer.transaction(body) }
    return try await fluent.transaction { database in
      try await body(database as! any SQLDatabase)
    }
  }
}
