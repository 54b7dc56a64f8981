import Foundation
import Logging
import SQLKit
import Testing

@testable import CaseworkStore

@Suite("Dedicated writer")
struct DedicatedWriterTests {
  @Test("transactions asked for at once run one after another on the one connection, in full")
  func oneAtATime() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casework-writer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let writer = DedicatedWriter(
      .sqlite(path: directory.appendingPathComponent("w.sqlite").path, durability: .normal), logger: Logger(label: "test"))
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
}
