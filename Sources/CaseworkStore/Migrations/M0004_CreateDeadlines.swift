import FluentKit
import SQLKit

/// Deadlines on cases, staff notifications, shared settings (the imported bank holidays),
/// and the case's most urgent target for sorting the inbox.
struct M0004_CreateDeadlines: AsyncMigration {
  var name: String { "0004_CreateDeadlines" }

  func prepare(on database: any Database) async throws {
    try await database.schema("deadlines")
      .field("id", .uuid, .identifier(auto: false))
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("name", .string, .required)
      .field("clock", .string, .required)
      .field("length", .string, .required)
      .field("warn_fraction", .double, .required)
      .field("pausable", .bool, .required)
      .field("start_at", .datetime, .required)
      .field("due_at", .datetime)
      .field("warn_at", .datetime)
      .field("state", .string, .required)
      .field("met_at", .datetime)
      .field("warned_at", .datetime)
      .field("breach_notified_at", .datetime)
      // JSON lists: read and written whole with the deadline.
      .field("pauses", .string, .required)
      .field("extensions", .string, .required)
      .create()
    let sql = database as! any SQLDatabase
    try await sql.create(index: "deadlines_case_idx").on("deadlines").column("case_id").run()
    try await sql.create(index: "deadlines_state_warn_idx").on("deadlines").column("state").column("warn_at").run()
    try await sql.create(index: "deadlines_state_due_idx").on("deadlines").column("state").column("due_at").run()

    try await database.schema("notifications")
      .field("id", .uuid, .identifier(auto: false))
      .field("recipient_id", .uuid, .required, .references("staff_users", "id", onDelete: .cascade))
      .field("case_id", .uuid, .references("cases", "id", onDelete: .cascade))
      .field("kind", .string, .required)
      .field("message", .string, .required)
      .field("created_at", .datetime, .required)
      .field("read_at", .datetime)
      .create()
    try await sql.create(index: "notifications_recipient_idx").on("notifications").column("recipient_id").column("created_at")
      .run()

    try await database.schema("settings")
      .field("key", .string, .identifier(auto: false))
      .field("value", .string, .required)
      .field("updated_at", .datetime, .required)
      .create()

    try await database.schema("cases").field("next_due_at", .datetime).update()
    try await sql.create(index: "cases_next_due_idx").on("cases").column("next_due_at").run()
  }

  func revert(on database: any Database) async throws {
    let sql = database as! any SQLDatabase
    try await sql.drop(index: "cases_next_due_idx").run()
    try await database.schema("cases").deleteField("next_due_at").update()
    try await database.schema("settings").delete()
    try await database.schema("notifications").delete()
    try await database.schema("deadlines").delete()
  }
}
