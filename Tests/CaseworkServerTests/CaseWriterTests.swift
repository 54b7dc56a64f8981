import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

// Writes through the repository beneath CaseService, which is what these tests check.
@testable import CaseworkCore

/// New cases are written on a connection of their own (`DedicatedWriter`), beside the pool.
@Suite("The case writer's own connection")
struct CaseWriterTests {
  @Test("on an SQLite file: cases written beside other writes, and the log copied into the file in the background")
  func sqliteFile() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casework-writer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("casework.sqlite").path
    let app = try await Application.make(.testing)
    do {
      try await CaseworkApp.configure(
        app, config: testConfig(), store: .sqliteFile(path: file), clock: SteppingWallClock(start: testStart))
      try await app.autoMigrate()
      let service = app.casework.cases
      let staff = try await app.makeStaff()
      let first = try await app.openCase()
      // New cases on the writer, while updates go through the pool's connections.
      let opened = try await withThrowingTaskGroup(of: Case?.self) { group in
        for index in 0..<60 {
          group.addTask { try await app.openCase(subject: "Case \(index)", email: "p\(index)@example.com").record }
        }
        for index in 0..<20 {
          group.addTask {
            try await service.update(first.record.id, with: CaseUpdate(tags: ["t\(index)"]), by: .staff(staff.id))
            return nil
          }
        }
        return try await group.reduce(into: [Case]()) { if let opened = $1 { $0.append(opened) } }
      }
      #expect(opened.map(\.reference.number).sorted() == Array(2...61))
      for record in opened.prefix(5) {
        #expect(try await service.detail(record.id).messages.count == 2)
      }

      // The writer's commits stay in the log until a checkpoint copies them into the database
      // file; SQLite's own comes only at 1,000 pages. Empty the log, write a few cases (far
      // fewer pages), and the file changes only if the background checkpoint copies them.
      try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
      let before = try Data(contentsOf: URL(fileURLWithPath: file))
      for index in 0..<3 {
        _ = try await app.openCase(subject: "Later \(index)")
      }
      var copied = false
      for _ in 0..<50 where !copied {
        try await Task.sleep(for: .milliseconds(100))
        copied = try Data(contentsOf: URL(fileURLWithPath: file)) != before
      }
      #expect(copied, "the database file did not change: nothing copied the log into it")
      try await app.asyncShutdown()
    } catch {
      try? await app.asyncShutdown()
      throw error
    }
  }

  @Test("on PostgreSQL: the writer opens a new connection after losing its own", arguments: Engine.all.filter { $0 == .postgres })
  func postgresReconnect(engine: Engine) async throws {
    try await withApp(engine) { app in
      let before = try await app.openCase()
      let sql = app.db as! any SQLDatabase
      struct Terminated: Decodable { var terminated: Bool }
      // This test's schema names its writer (other tests' writers share the database).
      let schema = try await sql.raw("SELECT current_schema() AS name").first(decodingColumn: "name", as: String.self)
      let name = DedicatedWriter.postgresApplicationName(searchPath: schema.map { [$0] })
      let killed = try await sql.raw(
        """
        SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = \(bind: name)
        """
      ).all(decoding: Terminated.self)
      #expect(killed.count == 1 && killed.allSatisfy(\.terminated))
      for _ in 0..<100 {
        let left = try await sql.raw(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = \(bind: name)"
        ).first(decodingColumn: "n", as: Int.self)
        if left == 0 { break }
        try await Task.sleep(for: .milliseconds(50))
      }
      // The next case is written at once, on a new connection.
      let after = try await app.openCase(subject: "After the connection was lost")
      #expect(after.record.reference.number == before.record.reference.number + 1)
      #expect(try await app.casework.cases.find(after.record.reference.description) == after.record)
    }
  }

  @Test(
    "a batch of new cases is written whole, however large, or not at all", arguments: Engine.all)
  func wholeBatches(engine: Engine) async throws {
    try await withApp(engine) { app in
      let service = app.casework.cases
      func drafts(_ count: Int, from start: Int) throws -> [CaseDraft] {
        try (start..<start + count).map { index in
          try service.draft(
            NewCaseInput(
              channel: .api, subject: "Batch case \(index)", description: "The app will not open", requesterName: "Ann Example",
              requesterEmail: "p\(index)@example.com", tags: ["batch"]), by: .requester
          ).0
        }
      }
      // 420 cases and their messages, audit events, tags, deadlines and emails: more rows than
      // one multi-row statement holds, so each table takes several.
      let large = try drafts(420, from: 0)
      let created = try await service.cases.create(large)
      #expect(created.count == 420)
      let sql = app.db as! any SQLDatabase
      func count(_ table: String) async throws -> Int {
        try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self) ?? -1
      }
      #expect(try await count("cases") == 420)
      #expect(try await count("case_tags") == 420)
      #expect(try await count("deadlines") == 420)
      let messages = try await count("case_messages")
      #expect(messages == 420 * (large[0].messages(for: created[0].reference).count))
      // A small batch with one case whose id is already taken: nothing of it is written.
      var clash = try drafts(3, from: 420)
      clash[2].id = created[0].id
      await #expect(throws: (any Error).self) { _ = try await service.cases.create(clash) }
      #expect(try await count("cases") == 420)
      #expect(try await count("case_messages") == messages)
      #expect(try await count("case_tags") == 420)
    }
  }
}
