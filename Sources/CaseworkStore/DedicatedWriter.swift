import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit

/// One database connection of its own, on a thread of its own, for writes. A batch of new cases
/// (`GroupCommit`) is a handful of statements in a row; on the pooled connections every
/// statement's answer came back on an event loop that is also serving HTTP, so under load each
/// one queued behind requests and a batch spent most of its time waiting. Here every await of
/// a write resumes on the writer's own thread, which does nothing else: on SQLite the thread
/// its statements run on, on PostgreSQL the loop its socket is served on.
///
/// On SQLite every transaction of the process comes here (`DatabaseHandle.transaction`), one
/// after another in the order they asked: SQLite has one writer at a time anyway, and its
/// busy handler spins until the lock is free, so a pooled connection waiting for it could lose
/// every race to back-to-back batches. On PostgreSQL only case creation uses it.
public final class DedicatedWriter: Sendable {
  public enum Engine: Sendable {
    case sqlite(path: String, durability: SQLiteDurability)
    case postgres(SQLPostgresConfiguration)
  }

  private struct Open: Sendable {
    var database: any SQLDatabase
    var isClosed: @Sendable () -> Bool
    var close: @Sendable () async -> Void
  }

  /// The writer's name in `pg_stat_activity`, with the schema it writes to when one is set.
  public static func postgresApplicationName(searchPath: [String]?) -> String {
    String((["casework-case-writer"] + (searchPath?.prefix(1) ?? [])).joined(separator: " ").prefix(63))
  }

  /// How often the SQLite log is copied back into the database file (see `startCheckpoints`).
  /// At 2,500 cases a second the log grows by 1,000 pages in about 150 ms; copying more often
  /// than that keeps the copying off the writer.
  static let checkpointInterval = TimeAmount.milliseconds(50)

  /// The log's size, in pages, at which the writer's own commit checkpoints (SQLite's default
  /// is 1,000). Large enough that the checkpoints beside it come first; the writer's, finding
  /// little left to copy, is what lets the log start again from its beginning.
  static let writerAutocheckpointPages = 4_000

  let engine: Engine
  let logger: Logger
  private let group: MultiThreadedEventLoopGroup
  private let loop: any EventLoop
  /// The writer's statements (SQLite); one thread, so that they run in order.
  private let threadPool: NIOThreadPool
  /// The checkpoints' statements (SQLite), which wait on `fsync` and must not hold up a write.
  private let checkpointPool: NIOThreadPool
  private let executor: any TaskExecutor
  /// Where the writer's Swift code runs; work that feeds the writer can run there too.
  public var taskExecutor: any TaskExecutor { executor }
  private let connection = NIOLockedValueBox<Open?>(nil)
  private let stopped = NIOLockedValueBox(false)
  private let turns = Turns()

  /// Whether every transaction should come here rather than only case creation.
  public var takesAllTransactions: Bool {
    if case .sqlite = engine { true } else { false }
  }

  public init(_ engine: Engine, logger: Logger) {
    self.engine = engine
    self.logger = logger
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    loop = group.next()
    threadPool = NIOThreadPool(numberOfThreads: 1)
    threadPool.start()
    checkpointPool = NIOThreadPool(numberOfThreads: 1)
    checkpointPool.start()
    // On SQLite the writer's Swift code runs on the thread its statements run on, so a batch of
    // a dozen statements never changes thread; on PostgreSQL, on the loop its socket is served on.
    executor =
      if case .sqlite = engine { ThreadPoolTaskExecutor(threadPool) } else { EventLoopTaskExecutor(loop) }
  }

  /// Runs the body in one transaction on the writer's connection, opening (or reopening, after
  /// a lost PostgreSQL connection) it first. SQLite takes the write lock at `BEGIN IMMEDIATE`,
  /// so a batch never fails half-way for want of it.
  public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    try await inTurn { try await self.run(body) }
  }

  /// Runs `work` on the writer's thread when its turn comes.
  private func inTurn<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    // Its threads are gone once it has stopped: nothing may be sent to them.
    if stopped.withLockedValue({ $0 }) { throw StoreError.writerStopped }
    // Everything from waiting for the turn onwards resumes on the writer's thread.
    return try await withTaskExecutorPreference(executor) {
      await self.turns.wait()
      defer { self.turns.next() }
      return try await work()
    }
  }

  /// Runs `body` on the writer's connection, in turn, with no transaction around it: each of
  /// its statements commits by itself, so it suits work whose statements are each whole on
  /// their own. A connection found dead at the first statement is replaced and the body run
  /// again, as `transaction` begins again.
  public func autocommit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    try await inTurn {
      do {
        return try await body(try await self.connect())
      } catch  where self.connection.withLockedValue({ $0?.isClosed() ?? true }) {
        return try await body(try await self.connect())
      }
    }
  }

  private func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    let beginText = if case .sqlite = engine { "BEGIN IMMEDIATE" } else { "BEGIN" }
    let begin = SQLQueryString(beginText)
    var database = try await connect()
    do {
      try await database.raw(begin).run()
    } catch  where connection.withLockedValue({ $0?.isClosed() ?? true }) {
      // A connection that died while idle is found out at the first statement; nothing has
      // been written yet, so open another and begin again.
      database = try await connect()
      try await database.raw(begin).run()
    }
    do {
      let result = try await body(database)
      try await database.raw("COMMIT").run()
      return result
    } catch {
      try? await database.raw("ROLLBACK").run()
      throw error
    }
  }

  /// Closes the connection and stops the writer's threads. Later calls fail.
  public func shutdown() async {
    stopped.withLockedValue { $0 = true }
    if let open = connection.withLockedValue({ value in
      defer { value = nil }; return value
    }) {
      await open.close()
    }
    try? await threadPool.shutdownGracefully()
    try? await checkpointPool.shutdownGracefully()
    try? await group.shutdownGracefully()
  }

  private func connect() async throws -> any SQLDatabase {
    if stopped.withLockedValue({ $0 }) { throw StoreError.writerStopped }
    if let open = connection.withLockedValue({ $0 }), !open.isClosed() { return open.database }
    let open: Open
    switch engine {
    case .sqlite(let path, let durability):
      let connection = try await SQLiteConnection.open(
        storage: .file(path: path), threadPool: threadPool, logger: logger, on: loop
      )
      .get()
      // Statements carry personal data, so none is logged; the connection itself is at hand
      // for the inserts written straight as SQLite's text and values.
      let database: any SQLDatabase = SingleSQLiteConnection(connection: connection, base: connection.sql(queryLogLevel: nil))
      // The pooled connections' settings (the driver turns foreign keys on for each of them).
      try await database.raw("PRAGMA foreign_keys = ON").run()
      try await database.raw("PRAGMA synchronous=\(unsafeRaw: durability == .full ? "FULL" : "NORMAL")").run()
      // A batch's multi-row inserts keep a statement journal (to undo one statement alone);
      // past 64 KiB SQLite spills it to a temporary file, which was 5% of the CPU of creating
      // cases in profiles, all of it in `pwrite`. In memory it is a few pages per batch.
      try await database.raw("PRAGMA temp_store=MEMORY").run()
      try await database.raw("PRAGMA wal_autocheckpoint=\(unsafeRaw: String(Self.writerAutocheckpointPages))").run()
      let checkpoints = try await startCheckpoints(path: path, on: loop)
      open = Open(
        database: database, isClosed: { connection.isClosed },
        close: {
          await checkpoints()
          try? await connection.close().get()
        })
    case .postgres(let configuration):
      var core = configuration.coreConfiguration
      // Named, so that an operator looking at pg_stat_activity can tell it from the pool.
      core.options.additionalStartupParameters.append(
        ("application_name", Self.postgresApplicationName(searchPath: configuration.searchPath)))
      let connection = try await PostgresConnection.connect(on: loop, configuration: core, id: 0, logger: logger).get()
      // Statements carry personal data, so none is logged; the connection itself is at hand
      // for the batch's prepared statement.
      let database: any SQLDatabase = SinglePostgresConnection(connection: connection, base: connection.sql(queryLogLevel: nil))
      if let searchPath = configuration.searchPath {
        try await database.raw("SET search_path TO \(idents: searchPath, joinedBy: ",")").run()
      }
      open = Open(database: database, isClosed: { connection.isClosed }, close: { try? await connection.close().get() })
    }
    connection.withLockedValue { $0 = open }
    return open.database
  }

  /// Takes most of the copying of SQLite's write-ahead log into the database file (a
  /// checkpoint) off the writer. SQLite has the commit that fills the log past 1,000 pages do
  /// it, and every batch waiting behind that commit waits too. A second connection copies
  /// what is committed on a timer, in parallel with the writes, so that when the writer's own
  /// checkpoint comes round little is left to copy; the writer's checkpoint is kept because
  /// only once a checkpoint has caught up does the next write start the log again from its
  /// beginning, which keeps the file small. Returns what stops the timer and closes the
  /// connection.
  private func startCheckpoints(path: String, on loop: any EventLoop) async throws -> @Sendable () async -> Void {
    let checkpointer = try await SQLiteConnection.open(
      storage: .file(path: path), threadPool: checkpointPool, logger: logger, on: loop
    ).get()
    let logger = logger
    let task = loop.scheduleRepeatedAsyncTask(initialDelay: Self.checkpointInterval, delay: Self.checkpointInterval) { _ in
      checkpointer.query("PRAGMA wal_checkpoint(PASSIVE)", [], logger: logger) { _ in }.recover { error in
        logger.warning("SQLite checkpoint failed", metadata: ["error": "\(String(reflecting: error))"])
      }
    }
    return {
      let stopped = loop.makePromise(of: Void.self)
      task.cancel(promise: stopped)
      try? await stopped.futureResult.get()
      try? await checkpointer.close().get()
    }
  }
}

/// Runs Swift concurrency jobs as work items of a thread pool, for use as a task's executor
/// preference. With a pool of one thread that also runs SQLite's statements, a statement's
/// result resumes its caller on the thread that produced it: before, each of a batch's
/// statements went to the pool's thread and came back to an event loop, two thread wake-ups
/// each, and a batch spent more time waiting for threads than writing.
final class ThreadPoolTaskExecutor: TaskExecutor {
  let pool: NIOThreadPool

  init(_ pool: NIOThreadPool) { self.pool = pool }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    // Run whatever the pool's state: a job that never ran would leave its task hanging. After
    // shutdown the pool hands the item back at once, on the caller's thread.
    pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}

/// Runs Swift concurrency jobs on one NIO event loop, for use as a task's executor preference.
final class EventLoopTaskExecutor: TaskExecutor {
  let loop: any EventLoop

  init(_ loop: any EventLoop) { self.loop = loop }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}

/// Transactions on the writer's one connection, one at a time, first come first served. A
/// lock rather than an actor, so that taking a free turn never leaves the writer's thread.
private final class Turns: Sendable {
  private struct State {
    var busy = false
    var waiting: [CheckedContinuation<Void, Never>] = []
  }

  private let state = NIOLockedValueBox(State())

  func wait() async {
    if take(orQueue: nil) { return }
    await withCheckedContinuation { continuation in
      if take(orQueue: continuation) { continuation.resume() }
    }
  }

  /// Takes the turn if it is free; otherwise queues the continuation, if any, for `next`.
  private func take(orQueue continuation: CheckedContinuation<Void, Never>?) -> Bool {
    state.withLockedValue { state in
      guard state.busy else {
        state.busy = true
        return true
      }
      if let continuation { state.waiting.append(continuation) }
      return false
    }
  }

  /// Hands the connection to the next in line (it stays busy), or marks it free.
  func next() {
    let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
      if state.waiting.isEmpty {
        state.busy = false
        return nil
      }
      return state.waiting.removeFirst()
    }
    next?.resume()
  }
}

/// SQLKit's database on one connection of the writer's, which also hands out the connection
/// itself, for what SQLKit cannot do with it: PostgreSQL's prepared statements, and SQLite's
/// inserts written straight as text and values. The drivers' own keep their connection private.
struct SingleConnection<Connection: Sendable>: SQLDatabase {
  let connection: Connection
  let base: any SQLDatabase

  var logger: Logger { base.logger }
  var eventLoop: any EventLoop { base.eventLoop }
  var version: (any SQLDatabaseReportedVersion)? { base.version }
  var dialect: any SQLDialect { base.dialect }
  var queryLogLevel: Logger.Level? { base.queryLogLevel }

  func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
    base.execute(sql: query, onRow)
  }

  func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
    try await base.execute(sql: query, onRow)
  }
}

typealias SinglePostgresConnection = SingleConnection<PostgresConnection>
typealias SingleSQLiteConnection = SingleConnection<SQLiteConnection>
