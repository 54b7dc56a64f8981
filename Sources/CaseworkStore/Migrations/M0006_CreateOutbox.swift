import FluentKit
import SQLKit

/// Emails to send, written in the same transaction as the change that caused them.
struct M0006_CreateOutbox: AsyncMigration {
  var name: String { "0006_CreateOutbox" }

  func prepare(on database: any Database) async throws {
    try await database.schema("outbox")
      .field("id", .uuid, .identifier(auto: false))
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("case_message_id", .uuid, .required)
      .field("to_name", .string, .required)
      .field("to_address", .string, .required)
      .field("subject", .string, .required)
      .field("body", .string, .required)
      .field("automatic", .bool, .required)
      .field("state", .string, .required)
      .field("attempts", .int, .required)
      .field("next_attempt_at", .datetime, .required)
      .field("locked_until", .datetime)
      .field("last_error", .string)
      .field("message_id", .string)
      .field("created_at", .datetime, .required)
      .field("sent_at", .datetime)
      .create()
    let sql = database as! any SQLDatabase
    try await sql.create(index: "outbox_state_next_idx").on("outbox").column("state").column("next_attempt_at").run()
    try await sql.create(index: "outbox_to_idx").on("outbox").column("to_address").column("sent_at").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("outbox").delete()
  }
}
