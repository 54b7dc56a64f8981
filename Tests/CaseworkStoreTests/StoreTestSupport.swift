import FluentKit
import Foundation
import Logging
import NIOPosix
import SQLKit
import Testing

@testable import CaseworkStore

/// A database handle on `store` as the server builds one (reading the listing through `rows`:
/// the engine's driver unless told), on an event loop group and thread pool of its own.
/// Everything is shut down after `body`, whatever it throws.
func withStoreHandle(
  _ store: StoreConfiguration, loops: Int = 1, rows: RowReaderChoice = .driver, _ body: (DatabaseHandle) async throws -> Void
) async throws {
  let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
  let pool = NIOThreadPool(numberOfThreads: 2)
  pool.start()
  let databases = Databases(threadPool: pool, on: group)
  var failure: (any Error)?
  do {
    try store.register(on: databases)
    let handle = DatabaseHandle(
      databases: databases, eventLoopGroup: group, logger: Logger(label: "test"), rows: store.rowReader(rows))
    try await store.prepare(handle.sql)
    try await body(handle)
  } catch { failure = error }
  await databases.shutdownAsync()
  try await pool.shutdownGracefully()
  try await group.shutdownGracefully()
  if let failure { throw failure }
}

/// A new directory under the temporary directory, removed after `body`.
func withTemporaryDirectory(_ name: String, _ body: (URL) async throws -> Void) async throws {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casework-\(name)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  try await body(directory)
}

/// A handle on the test PostgreSQL server in a schema of its own with every migration applied,
/// dropped after `body`, whatever it throws.
func withMigratedPostgresSchema(_ body: (DatabaseHandle) async throws -> Void) async throws {
  let url = try #require(
    ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"], "run scripts/test, which starts PostgreSQL")
  let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
  try await withStoreHandle(.postgres(url: url, searchPath: nil)) { handle in
    try await handle.sql.raw("CREATE SCHEMA \(ident: schema)").run()
  }
  var failure: (any Error)?
  do {
    try await withStoreHandle(.postgres(url: url, searchPath: [schema])) { handle in
      for migration in StoreMigrations.all { try await migration.prepare(on: handle.fluent).get() }
      try await body(handle)
    }
  } catch { failure = error }
  try await withStoreHandle(.postgres(url: url, searchPath: nil)) { handle in
    try await handle.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
  }
  if let failure { throw failure }
}

extension DatabaseHandle {
  /// The same databases, with the listing read through `driver`.
  func reading(with driver: any DriverRows) -> DatabaseHandle {
    DatabaseHandle(
      databases: databases, eventLoopGroup: eventLoopGroup, logger: logger, writer: writer, rows: RowReader(driver: driver))
  }
}
