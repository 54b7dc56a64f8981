import CaseworkCore
import Foundation
import SQLKit

struct OutboxRow: InsertableRow {
  static let columns = [
    "id", "case_id", "case_message_id", "to_name", "to_address", "subject", "body", "automatic", "state", "attempts",
    "next_attempt_at", "created_at",
  ]
  var email: OutgoingEmail

  var values: [ColumnValue] {
    [
      .uuid(email.id), .uuid(email.caseID), .uuid(email.caseMessageID), .text(email.toName), .text(email.toAddress),
      .text(email.subject), .text(email.body), .flag(email.isAutomatic), .text("pending"), .integer(0),
      .time(email.createdAt.wholeMilliseconds), .time(email.createdAt.wholeMilliseconds),
    ]
  }
}

/// An outbox entry claimed for sending.
public struct ClaimedEmail: Sendable {
  public var email: OutgoingEmail
  public var attempts: Int
}

/// The outbox: entries are claimed one at a time (`LeasedClaim`, with `FOR UPDATE SKIP LOCKED`
/// on PostgreSQL), so several processes never send the same email; a claim lapses after a lease.
public struct SQLOutbox: Sendable {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func claim(now: Date, lease: TimeInterval = 120) async throws -> ClaimedEmail? {
    guard
      let row = try await LeasedClaim.outbox.next(
        on: handle, now: now, until: now.addingTimeInterval(lease),
        returning: "id, case_id, case_message_id, to_name, to_address, subject, body, automatic, attempts, created_at")
    else { return nil }
    let email = OutgoingEmail(
      id: try row.decode(column: "id", as: UUID.self), caseID: try row.decode(column: "case_id", as: UUID.self),
      caseMessageID: try row.decode(column: "case_message_id", as: UUID.self),
      toName: try row.decode(column: "to_name", as: String.self),
      toAddress: try row.decode(column: "to_address", as: String.self),
      subject: try row.decode(column: "subject", as: String.self),
      body: try row.decode(column: "body", as: String.self), isAutomatic: try row.decode(column: "automatic", as: Bool.self),
      createdAt: try row.decode(column: "created_at", as: Date.self))
    return ClaimedEmail(email: email, attempts: try row.decode(column: "attempts", as: Int.self))
  }

  public func markSent(_ id: UUID, messageID: String, at now: Date) async throws {
    try await handle.sql.update("outbox").set("state", to: "sent").set("sent_at", to: now.wholeMilliseconds)
      .set("message_id", to: messageID).set("locked_until", to: SQLLiteral.null).where("id", .equal, id).run()
  }

  /// A temporary failure is tried again after `retryAt`; a permanent one (or too many tries) stops.
  public func markFailed(_ id: UUID, error: String, retryAt: Date?) async throws {
    let update = handle.sql.update("outbox").set("last_error", to: String(error.prefix(500))).set(
      "locked_until", to: SQLLiteral.null)
    if let retryAt {
      try await update.set("state", to: "pending").set("next_attempt_at", to: retryAt.wholeMilliseconds).where("id", .equal, id)
        .run()
    } else {
      try await update.set("state", to: "failed").where("id", .equal, id).run()
    }
  }

  /// Not sent on purpose (too many automatic replies to one address).
  public func markSuppressed(_ id: UUID, reason: String) async throws {
    try await handle.sql.update("outbox").set("state", to: "suppressed").set("last_error", to: reason)
      .set("locked_until", to: SQLLiteral.null).where("id", .equal, id).run()
  }

  /// Automatic emails sent to an address since a time.
  public func automaticSent(to address: String, since: Date) async throws -> Int {
    try await handle.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("outbox")
      .where("to_address", .equal, address).where("automatic", .equal, true).where("state", .equal, "sent")
      .where("sent_at", .greaterThanOrEqual, since.wholeMilliseconds).first(decodingColumn: "n", as: Int.self) ?? 0
  }

  /// Entries of a case, newest first: state and error, for the case page and tests.
  public func entries(of caseID: CaseID) async throws -> [(id: UUID, state: String, subject: String, error: String?)] {
    try await handle.sql.select().columns("id", "state", "subject", "last_error").from("outbox").where("case_id", .equal, caseID)
      .orderBy("created_at", .descending).all().map {
        (
          try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "state", as: String.self),
          try $0.decode(column: "subject", as: String.self), try $0.decode(column: "last_error", as: String?.self)
        )
      }
  }

  /// Marks the sent email with this Message-ID as returned (`bounced`), keeping the report's
  /// reason as its error. Only a sent email can bounce; a second report changes nothing new.
  public func markReturned(messageID: String, reason: String) async throws -> ReturnedEmail? {
    guard
      let row = try await handle.sql.select().columns("id", "case_id", "subject", "sent_at").from("outbox")
        .where("message_id", .equal, messageID).first()
    else { return nil }
    try await handle.sql.update("outbox").set("state", to: "bounced").set("last_error", to: String(reason.prefix(500)))
      .where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
    return ReturnedEmail(
      caseID: try row.decode(column: "case_id", as: UUID.self), subject: try row.decode(column: "subject", as: String.self),
      sentAt: try row.decode(column: "sent_at", as: Date?.self))
  }
}

extension SQLOutbox: ReturnedMailRecorder {}
