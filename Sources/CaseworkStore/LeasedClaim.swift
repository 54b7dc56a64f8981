import Foundation
import SQLKit

/// Claims the next due row of a queue table (jobs, the outbox, webhook deliveries) for a lease,
/// in two lookups: a claim whose holder's lease lapsed (its holder died), then the earliest
/// waiting row. Each lookup is a range of the table's `(state, due)` index read in order.
/// Written as one `WHERE … OR …`, SQLite read every waiting row and sorted them all to take the
/// first, on every claim: the cost grew with the backlog, and a busy server's worker stole
/// time from every request.
struct LeasedClaim {
  let table: String
  /// The column holding when a waiting row is due.
  let due: String
  let waiting: String
  let running: String

  /// Marks the row `running` with the lease (and whatever `assignments` add, each starting with
  /// a comma) and returns the `returning` columns, or nil when nothing is due.
  func next(
    on handle: DatabaseHandle, now: Date, until: Date, assignments: SQLQueryString = "", returning: String
  ) async throws -> (any SQLRow)? {
    for lookup in lookups(now: now, locking: handle.isPostgres) {
      let statement: SQLQueryString =
        "UPDATE \(ident: table) SET state = \(bind: running), attempts = attempts + 1, locked_until = \(bind: until)"
        + assignments + " WHERE id = (" + lookup + ") RETURNING \(unsafeRaw: returning)"
      if let row = try await handle.sql.raw(statement).first() { return row }
    }
    return nil
  }

  /// The two lookups, in the order tried: a lapsed lease, then the earliest waiting row.
  func lookups(now: Date, locking: Bool) -> [SQLQueryString] {
    let lock = locking ? " FOR UPDATE SKIP LOCKED" : ""
    return [
      "SELECT id FROM \(ident: table) WHERE state = \(bind: running) AND locked_until < \(bind: now) ORDER BY locked_until LIMIT 1\(unsafeRaw: lock)",
      "SELECT id FROM \(ident: table) WHERE state = \(bind: waiting) AND \(ident: due) <= \(bind: now) ORDER BY \(ident: due) LIMIT 1\(unsafeRaw: lock)",
    ]
  }

  static let outbox = LeasedClaim(table: "outbox", due: "next_attempt_at", waiting: "pending", running: "sending")
  static let webhooks = LeasedClaim(
    table: "webhook_deliveries", due: "next_attempt_at", waiting: "pending", running: "sending")
  static let jobs = LeasedClaim(table: "jobs", due: "run_at", waiting: "queued", running: "running")
}
