import CaseworkServer
import CaseworkTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

// The repository itself, beneath CaseService, is what these tests check.
@testable import CaseworkCore
@testable import CaseworkStore

@Suite("Storage on SQLite and PostgreSQL")
struct StorageTests {
  @Test("references are sequential per kind and year, unique under concurrency", arguments: Engine.all)
  func references(engine: Engine) async throws {
    try await withApp(engine) { app in
      let service = app.casework.cases
      let opened = try await withThrowingTaskGroup(of: Case.self) { group in
        for index in 0..<40 {
          group.addTask {
            try await service.open(
              NewCaseInput(
                channel: .api, subject: "S\(index)", description: "D", requesterName: "N", requesterEmail: "n@example.com"),
              by: .system
            ).record
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      let numbers = opened.map(\.reference.number).sorted()
      #expect(numbers == Array(1...40))
      #expect(Set(opened.map(\.reference.description)).count == 40)
      let complaint = try await service.open(
        NewCaseInput(
          kind: .complaint, channel: .web, subject: "S", description: "D", requesterName: "N", requesterEmail: "n@example.com"),
        by: .system)
      #expect(complaint.record.reference.description == "CMP-2026-000001")
      // The stored case reads back equal, through every index.
      let stored = try #require(try await service.cases.find(reference: complaint.record.reference))
      #expect(stored == complaint.record)
      #expect(try await service.cases.find(id: complaint.record.id) == complaint.record)
      #expect(try await service.caseForAccessToken(complaint.accessToken) == complaint.record)
    }
  }

  @Test("a number is never reused, even after its case is deleted", arguments: Engine.all)
  func neverReused(engine: Engine) async throws {
    try await withApp(engine) { app in
      let first = try await app.openCase()
      try await (app.db as! any SQLDatabase).delete(from: "cases").where("id", .equal, first.record.id).run()
      let second = try await app.openCase()
      #expect(second.record.reference.number == first.record.reference.number + 1)
    }
  }

  @Test("listing filters by status, kind, assignee, tag and text; cursors page without gaps", arguments: Engine.withSQLiteFile)
  func listing(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      let service = app.casework.cases
      var ids: [CaseID] = []
      for index in 0..<23 {
        let opened = try await app.openCase(
          subject: index == 7 ? "Photo UPLOAD fails 100%" : "Case \(index)", email: "p\(index)@example.com")
        ids.append(opened.record.id)
      }
      try await service.update(
        ids[3], with: CaseUpdate(status: .resolved, assignee: .some(staff.id), tags: ["ios"]), by: .staff(staff.id))
      try await service.update(ids[4], with: CaseUpdate(tags: ["ios", "login"]), by: .staff(staff.id))

      #expect(try await service.list(CaseQuery(statuses: [.resolved])).cases.map(\.id) == [ids[3]])
      #expect(try await service.list(CaseQuery(assignee: .user(staff.id))).cases.map(\.id) == [ids[3]])
      #expect(try await service.list(CaseQuery(assignee: .unassigned, includeTotal: true)).total == 22)
      #expect(Set(try await service.list(CaseQuery(tag: "ios")).cases.map(\.id)) == [ids[3], ids[4]])
      #expect(try await service.list(CaseQuery(text: "upload FAILS 100%")).cases.map(\.id) == [ids[7]])
      #expect(try await service.list(CaseQuery(text: "50%")).cases.isEmpty)
      #expect(try await service.list(CaseQuery(text: "p12@example")).cases.map(\.id) == [ids[12]])
      #expect(try await service.list(CaseQuery(kind: .incident)).cases.isEmpty)

      var seen: [CaseID] = []
      var query = CaseQuery(limit: 10)
      repeat {
        let page = try await service.list(query)
        seen += page.cases.map(\.id)
        query.after = page.nextCursor
      } while query.after != nil
      #expect(seen == ids.reversed())
      let oldest = try await service.list(CaseQuery(sort: .oldest, limit: 5, offset: 5, includeTotal: true))
      #expect(oldest.cases.map(\.id) == Array(ids[5..<10]))
      #expect(oldest.total == 23)
    }
  }

  @Test("saving a change stores messages, audit events, tags and links together", arguments: Engine.all)
  func saving(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      let a = try await app.openCase().record
      let b = try await app.openCase(subject: "Other").record
      let repository = app.casework.cases.cases
      var updated = a
      updated.status = .open
      updated.tags = ["billing"]
      let note = CaseMessage(caseID: a.id, kind: .note, author: .staff(staff.id), body: "checked", createdAt: testStart)
      try await repository.save(
        CaseChange(
          updated: updated, tagsChanged: true, newMessages: [note],
          audit: [
            AuditEvent(caseID: a.id, actor: .staff(staff.id), at: testStart, field: "status", before: "new", after: "open")
          ],
          newLinks: [CaseLink(fromCaseID: a.id, toCaseID: b.id, relation: .related, createdAt: testStart)]))
      #expect(try await repository.find(id: a.id)?.status == .open)
      #expect(try await repository.messages(of: a.id).contains(note))
      #expect(try await repository.auditTrail(of: a.id).contains { $0.before == "new" && $0.after == "open" })
      #expect(try await repository.list(CaseQuery(tag: "billing")).cases.map(\.id) == [a.id])
      #expect(
        try await repository.links(of: a.id) == [
          LinkedCase(relation: .related, outgoing: true, id: b.id, reference: b.reference, subject: b.subject)
        ])
      #expect(try await repository.links(of: b.id).first?.outgoing == false)
    }
  }

  @Test("staff and tokens: emails unique, tokens found by digest and revocable", arguments: Engine.all)
  func staffAndTokens(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (user, secret) = try await app.makeToken()
      await #expect(throws: CaseworkError.self) { try await app.makeStaff("INTEGRATOR@casework.test") }
      let digest = app.casework.hasher.digest(secret)
      let (token, owner) = try #require(try await app.casework.tokens.find(tokenHash: digest))
      #expect(owner == user)
      #expect(token.revokedAt == nil)
      #expect(!digest.contains(secret))
      try await app.casework.tokens.revoke(id: token.id, at: testStart)
      #expect(try await app.casework.tokens.find(tokenHash: digest)?.0.revokedAt != nil)
      #expect(
        try await app.casework.staffAccounts.signIn(email: "Integrator@casework.test", password: "correct horse battery") == user)
      #expect(try await app.casework.staffAccounts.signIn(email: user.email, password: "wrong password!!") == nil)
      #expect(user.passwordHash.hasPrefix("$2"))
    }
  }

  @Test("migrations prepare, revert and prepare again", arguments: Engine.all)
  func migrations(engine: Engine) async throws {
    try await withApp(engine) { app in
      _ = try await app.openCase()
      try await app.autoRevert()
      let sql = app.db as! any SQLDatabase
      await #expect(throws: (any Error).self) { try await sql.raw("SELECT COUNT(*) FROM cases").run() }
      try await app.autoMigrate()
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
      #expect(try await app.openCase().record.reference.number == 1)
    }
  }

  @Test("jobs are claimed atomically: concurrent workers never take the same job", arguments: Engine.all)
  func jobClaims(engine: Engine) async throws {
    try await withApp(engine) { app in
      let queue = app.casework.jobs
      var enqueued: Set<UUID> = []
      for index in 0..<30 { enqueued.insert(try await queue.enqueue(kind: "test", payload: "\(index)")) }
      let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
        for worker in 0..<4 {
          group.addTask {
            var mine: [UUID] = []
            while let job = try await queue.claim(worker: "w\(worker)") {
              mine.append(job.id)
              try await queue.complete(job)
            }
            return mine
          }
        }
        return try await group.reduce(into: [UUID]()) { $0 += $1 }
      }
      #expect(claimed.count == 30)
      #expect(Set(claimed) == enqueued)
    }
  }

  @Test("a failed job is retried later with backoff, then marked failed; a dead worker's lease expires", arguments: Engine.all)
  func jobRetries(engine: Engine) async throws {
    try await withApp(engine) { app in
      let queue = app.casework.jobs
      let id = try await queue.enqueue(kind: "test", payload: "x", maxAttempts: 2)
      let first = try #require(try await queue.claim(worker: "a"))
      try await queue.fail(first, error: "boom")
      #expect(try await queue.state(of: id) == "queued")
      #expect(try await queue.claim(worker: "a") == nil, "backoff keeps it waiting")

      // A queue whose clock is an hour later sees the retry due, and then the lease of a worker
      // that died holding it.
      let later = SQLJobQueue(
        handle: DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger),
        clock: FixedWallClock(testStart.addingTimeInterval(3600)))
      let second = try #require(try await later.claim(worker: "b"))
      #expect(second.attempts == 2)
      try await later.fail(second, error: "boom again")
      #expect(try await queue.state(of: id) == "failed")

      let leased = try await queue.enqueue(kind: "test", payload: "y")
      _ = try #require(try await queue.claim(worker: "dies", lease: 60))
      #expect(try await queue.claim(worker: "c") == nil)
      #expect(try await later.claim(worker: "c")?.id == leased)
    }
  }

  @Test("a queue's claim reads its index in order, never every waiting row (SQLite's plan, with a backlog)")
  func claimPlans() async throws {
    try await withApp(.sqlite) { app in
      for index in 0..<300 { _ = try await app.openCase(email: "p\(index)@example.com") }
      let sql = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger).sql
      try await sql.raw("ANALYZE").run()
      for claim in [LeasedClaim.outbox, .webhooks, .jobs] {
        let waiting = try #require(claim.lookups(now: Date(), locking: false).last)
        let plan = try await sql.raw("EXPLAIN QUERY PLAN " + waiting).all().map {
          try $0.decode(column: "detail", as: String.self)
        }
        #expect(plan.contains { $0.contains("USING INDEX") && $0.contains("state=?") }, "\(claim.table): \(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") || $0.contains("MULTI-INDEX OR") }, "\(claim.table): \(plan)")
      }
    }
  }

  @Test("the worker runs a job's handler and records the result", arguments: Engine.all)
  func worker(engine: Engine) async throws {
    try await withApp(engine) { app in
      let queue = app.casework.jobs
      let good = try await queue.enqueue(kind: "good", payload: "1")
      let unknown = try await queue.enqueue(kind: "unknown", payload: "2", maxAttempts: 1)
      let worker = JobWorker(queue: queue, handlers: ["good": { job in #expect(job.payload == "1") }], logger: app.logger)
      #expect(try await worker.runOnce())
      #expect(try await worker.runOnce())
      #expect(try await !worker.runOnce())
      #expect(try await queue.state(of: good) == "done")
      #expect(try await queue.state(of: unknown) == "failed")
    }
  }
}
