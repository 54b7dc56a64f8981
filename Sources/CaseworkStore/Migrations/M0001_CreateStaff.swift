import FluentKit
import SQLKit

/// Staff users and their API tokens.
struct M0001_CreateStaff: AsyncMigration {
  var name: String { "0001_CreateStaff" }

  func prepare(on database: any Database) async throws {
    try await database.schema("staff_users")
      .field("id", .uuid, .identifier(auto: false))
      .field("email", .string, .required)
      .field("name", .string, .required)
      .field("role", .string, .required)
      .field("password_hash", .string, .required)
      .field("must_change_password", .bool, .required)
      .field("active", .bool, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "email", name: "staff_users_email_key")
      .create()
    try await database.schema("api_tokens")
      .field("id", .uuid, .identifier(auto: false))
      .field("user_id", .uuid, .required, .references("staff_users", "id", onDelete: .cascade))
      .field("name", .string, .required)
      .field("token_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("revoked_at", .datetime)
      .field("last_used_at", .datetime)
      .unique(on: "token_hash", name: "api_tokens_token_hash_key")
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("api_tokens").delete()
    try await database.schema("staff_users").delete()
  }
}
