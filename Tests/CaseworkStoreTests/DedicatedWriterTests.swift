import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import Testing

@testable import CaseworkStore

@Suite("Dedicated writer")
struct DedicatedWriterTests {
  static func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casework-writer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  static func sqliteWriter(in directory: URL) -> DedicatedWriter {
    DedicatedWriter(
      .sqlite(path: directory.appendingPathComponent("w.sqlite").path, durability: .normal), logger: Logger(label: "test"))
  }

  @Test("transactions asked for at once run one after another on the one connection, in full")
  func oneAtATime() async throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let writer = Self.sqliteWriter(in: directory)
    try await writer.transaction { db in
      try await db.raw("CREATE TABLE counter (n INTEGER NOT NULL)").run()
      try await db.raw("INSERT INTO counter (n) VALUES (0)").run()
    }
    // Each reads, yields, then writes what it read plus one: interleaved on one connection,
    // a BEGIN inside another's transaction fails and increments are lost.
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<40 {
        group.addTask {
          try await writer.transaction { db in
            let n = try await db.raw("SELECT n FROM counter").first(decodingColumn: "n", as: Int.self) ?? -1
            await Task.yield()
            try await db.raw("UPDATE counter SET n = \(bind: n + 1)").run()
          }
        }
      }
      try await group.waitForAll()
    }
    // A failed transaction rolls back and hands the turn on.
    await #expect(throws: (any Error).self) {
      try await writer.transaction { db in
        try await db.raw("UPDATE counter SET n = 1000").run()
        try await db.raw("SELECT * FROM no_such_table").run()
      }
    }
    let total = try await writer.transaction { db in
      try await db.raw("SELECT n FROM counter").first(decodingColumn: "n", as: Int.self)
    }
    #expect(total == 40)
    await writer.shutdown()
    await #expect(throws: StoreError.self) { try await writer.transaction { _ in } }
  }

  @Test("on SQLite a transaction's code runs on the thread its statements run on, with the writer's settings")
  func oneThread() async throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let writer = Self.sqliteWriter(in: directory)
    let (threads, settings) = try await writer.transaction { db in
      var threads = [currentThreadName()]
      try await db.raw("CREATE TABLE t (n INTEGER)").run()
      threads.append(currentThreadName())
      for n in 0..<5 {
        try await db.raw("INSERT INTO t (n) VALUES (\(bind: n))").run()
        threads.append(currentThreadName())
      }
      let autocheckpoint = try await db.raw("PRAGMA wal_autocheckpoint").first(decodingColumn: "wal_autocheckpoint", as: Int.self)
      let tempStore = try await db.raw("PRAGMA temp_store").first(decodingColumn: "temp_store", as: Int.self)
      return (threads, [autocheckpoint, tempStore])
    }
    // NIO names a thread pool's threads TP-#n and an event loop's NIO-ELT-….
    #expect(Set(threads).count == 1)
    #expect(threads.allSatisfy { $0.hasPrefix("TP-") }, "\(threads)")
    #expect(settings == [DedicatedWriter.writerAutocheckpointPages, 2])  // 2: temporary files in memory
    await writer.shutdown()
  }

  @Test("group commit with an executor batches there, and every caller gets its own result")
  func groupCommitOnExecutor() async throws {
    let pool = NIOThreadPool(numberOfThreads: 1)
    pool.start()
    let threads = NIOLockedValueBox<Set<String>>([])
    let batches = NIOLockedValueBox(0)
    let commit = GroupCommit<Int, Int>(maxBatch: 8, executor: ThreadPoolTaskExecutor(pool)) { inputs in
      threads.withLockedValue { _ = $0.insert(currentThreadName()) }
      batches.withLockedValue { $0 += 1 }
      try await Task.sleep(for: .milliseconds(2))
      return inputs.map { $0 * 10 }
    }
    let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
      for n in 0..<50 { group.addTask { (n, try await commit.submit(n)) } }
      return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
    }
    #expect(results == Dictionary(uniqueKeysWithValues: (0..<50).map { ($0, $0 * 10) }))
    #expect(batches.withLockedValue { $0 } < 50)  // some went together
    #expect(threads.withLockedValue { $0 }.allSatisfy { $0.hasPrefix("TP-") }, "\(threads.withLockedValue { $0 })")
    try await pool.shutdownGracefully()
  }
}

/// The name the thread running this was given (NIO names its threads), as Linux reports it.
func currentThreadName() -> String {
  let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "unknown"
  return name.trimmingCharacters(in: .whitespacesAndNewlines)
}
