import CaseworkCore
import Foundation
import SQLKit

/// A webhook call claimed for sending.
public struct ClaimedWebhook: Sendable {
  public var id: UUID
  public var event: String
  public var url: String
  public var payload: String
  public var attempts: Int
}

/// Webhook deliveries: written with the change (one per event and configured endpoint),
/// claimed one at a time, marked delivered, retried or failed.
public struct SQLWebhookDeliveries: Sendable {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  static func insert(_ events: [WebhookEvent], urls: [String], at now: Date, on db: any SQLDatabase) async throws {
    guard !events.isEmpty, !urls.isEmpty else { return }
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    for event in events {
      for url in urls {
        try await db.raw(
          """
          INSERT INTO webhook_deliveries (id, event_id, event, case_id, url, payload, state, attempts, next_attempt_at, created_at)
          VALUES (\(dialect.uuid(UUID.timeOrdered())), \(dialect.uuid(event.id)), \(bind: event.kind), \(dialect.uuid(event.caseID)), \(bind: url), \(bind: event.payload), 'pending', 0, \(bind: now.wholeMilliseconds), \(bind: now.wholeMilliseconds))
          """
        ).run()
      }
    }
  }

  public func claim(now: Date, lease: TimeInterval = 120) async throws -> ClaimedWebhook? {
    guard
      let row = try await LeasedClaim.webhooks.next(
        on: handle, now: now, until: now.addingTimeInterval(lease), returning: "id, event, url, payload, attempts")
    else { return nil }
    return ClaimedWebhook(
      id: try row.decode(column: "id", as: UUID.self), event: try row.decode(column: "event", as: String.self),
      url: try row.decode(column: "url", as: String.self), payload: try row.decode(column: "payload", as: String.self),
      attempts: try row.decode(column: "attempts", as: Int.self))
  }

  public func markDelivered(_ id: UUID, at now: Date) async throws {
    try await handle.sql.update("webhook_deliveries").set("state", to: "delivered").set("delivered_at", to: now.wholeMilliseconds)
      .set("locked_until", to: SQLLiteral.null).where("id", .equal, id).run()
  }

  public func markFailed(_ id: UUID, error: String, retryAt: Date?) async throws {
    let update = handle.sql.update("webhook_deliveries").set("last_error", to: String(error.prefix(500)))
      .set("locked_until", to: SQLLiteral.null)
    if let retryAt {
      try await update.set("state", to: "pending").set("next_attempt_at", to: retryAt.wholeMilliseconds).where("id", .equal, id)
        .run()
    } else {
      try await update.set("state", to: "failed").where("id", .equal, id).run()
    }
  }

  /// Deliveries for a case: event, state, attempts and error (for tests and the console).
  public func entries(of caseID: CaseID) async throws -> [(event: String, state: String, attempts: Int, error: String?)] {
    try await handle.sql.select().columns("event", "state", "attempts", "last_error").from("webhook_deliveries")
      .where("case_id", .equal, caseID).orderBy("created_at").all().map {
        (
          try $0.decode(column: "event", as: String.self), try $0.decode(column: "state", as: String.self),
          try $0.decode(column: "attempts", as: Int.self), try $0.decode(column: "last_error", as: String?.self)
        )
      }
  }
}
