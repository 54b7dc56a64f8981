import FluentKit
import SQLKit

/// Staff sign-in sessions keyed by a digest of the browser's key, with the user they belong
/// to (so a password change or deactivation can end them) and their age. The earlier sessions
/// table, which kept keys in clear, is dropped by the server's `DropClearTextSessions`.
struct M0014_CreateStaffSessions: AsyncMigration {
  var name: String { "0014_CreateStaffSessions" }

  func prepare(on database: any Database) async throws {
    try await database.schema("staff_sessions")
      .field("key_hash", .string, .identifier(auto: false))
      .field("staff_id", .uuid)
      .field("data", .string, .required)
      .field("created_at", .datetime, .required)
      .field("last_seen_at", .datetime, .required)
      .create()
    let sql = database as! any SQLDatabase
    try await sql.create(index: "staff_sessions_staff_idx").on("staff_sessions").column("staff_id").run()
    try await sql.create(index: "staff_sessions_seen_idx").on("staff_sessions").column("last_seen_at").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("staff_sessions").delete()
  }
}
