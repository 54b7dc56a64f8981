import CaseworkCore
import Foundation
import SQLKit

/// A job as claimed by a worker.
public struct Job: Sendable, Equatable {
  public var id: UUID
  public var kind: String
  public var payload: String
  public var attempts: Int
  public var maxAttempts: Int
}

/// Background work as rows. A claim is one atomic statement: on PostgreSQL the row is picked
/// with `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same job; on SQLite
/// the single writer gives the same guarantee.
public struct SQLJobQueue: Sendable {
  let handle: DatabaseHandle
  let clock: any WallClock

  public init(handle: DatabaseHandle, clock: any WallClock) {
    self.handle = handle
    self.clock = clock
  }

  struct JobRow: Codable {
    var id: UUID
    var kind: String
    var payload: String
    var state: String
    var attempts: Int
    var max_attempts: Int
    var run_at: Date
    var locked_by: String?
    var locked_until: Date?
    var last_error: String?
    var created_at: Date
    var finished_at: Date?
  }

  @discardableResult
  public func enqueue(kind: String, payload: String, runAt: Date? = nil, maxAttempts: Int = 5) async throws -> UUID {
    let now = clock.now().wholeMilliseconds
    let row = JobRow(
      id: .timeOrdered(), kind: kind, payload: payload, state: "queued", attempts: 0, max_attempts: maxAttempts,
      run_at: runAt ?? now, locked_by: nil, locked_until: nil, last_error: nil, created_at: now, finished_at: nil)
    try await handle.sql.insert(into: "jobs").model(row, nilEncodingStrategy: .asNil).run()
    return row.id
  }

  /// Queues a job unless one of the same kind is already waiting (for recurring work).
  public func enqueueUnlessPending(kind: String, payload: String, runAt: Date) async throws {
    let waiting = try await handle.sql.select().column("id").from("jobs").where("kind", .equal, kind)
      .where("state", .equal, "queued").first()
    if waiting == nil { try await enqueue(kind: kind, payload: payload, runAt: runAt) }
  }

  /// Takes the oldest due job, or one whose worker died (its lease ran out), for `lease`.
  public func claim(worker: String, lease: TimeInterval = 300) async throws -> Job? {
    let now = clock.now().wholeMilliseconds
    let until = now.addingTimeInterval(lease)
    let row = try await LeasedClaim.jobs.next(
      on: handle, now: now, until: until, assignments: ", locked_by = \(bind: worker)",
      returning: "id, kind, payload, attempts, max_attempts")
    guard let row else { return nil }
    return Job(
      id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
      payload: try row.decode(column: "payload", as: String.self),
      attempts: try row.decode(column: "attempts", as: Int.self),
      maxAttempts: try row.decode(column: "max_attempts", as: Int.self))
  }

  public func complete(_ job: Job) async throws {
    try await handle.sql.update("jobs").set("state", to: "done").set("finished_at", to: clock.now().wholeMilliseconds)
      .set("locked_by", to: SQLLiteral.null).set("locked_until", to: SQLLiteral.null)
      .where("id", .equal, job.id).run()
  }

  /// Records the error; retries with exponential backoff until attempts run out.
  public func fail(_ job: Job, error: String) async throws {
    let now = clock.now().wholeMilliseconds
    let finalAttempt = job.attempts >= job.maxAttempts
    let delay = min(3600, pow(2, Double(job.attempts)) * 10)
    try await handle.sql.update("jobs")
      .set("state", to: finalAttempt ? "failed" : "queued")
      .set("last_error", to: String(error.prefix(1000)))
      .set("run_at", to: now.addingTimeInterval(finalAttempt ? 0 : delay))
      .set("finished_at", to: finalAttempt ? now : nil)
      .set("locked_by", to: SQLLiteral.null).set("locked_until", to: SQLLiteral.null)
      .where("id", .equal, job.id).run()
  }

  public func state(of id: UUID) async throws -> String? {
    try await handle.sql.select().column("state").from("jobs").where("id", .equal, id)
      .first(decodingColumn: "state", as: String.self)
  }
}
