import FluentKit
import SQLKit

/// Two-factor sign-in: each user's TOTP secret (pending while enrolling), the last step a code
/// was accepted for, whether an administrator requires it; and recovery codes as digests.
struct M0016_CreateTwoFactor: AsyncMigration {
  var name: String { "0016_CreateTwoFactor" }

  func prepare(on database: any Database) async throws {
    try await database.schema("staff_two_factor")
      .field("staff_id", .uuid, .identifier(auto: false), .references("staff_users", "id", onDelete: .cascade))
      .field("pending_secret", .string)
      .field("secret", .string)
      .field("confirmed_at", .datetime)
      .field("last_step", .int64)
      .field("required", .bool, .required)
      .create()
    try await database.schema("staff_recovery_codes")
      .field("staff_id", .uuid, .required, .references("staff_users", "id", onDelete: .cascade))
      .field("code_hash", .string, .required)
      .field("used_at", .datetime)
      .create()
    try await (database as! any SQLDatabase).create(index: "staff_recovery_codes_staff_idx").on("staff_recovery_codes")
      .column("staff_id").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("staff_recovery_codes").delete()
    try await database.schema("staff_two_factor").delete()
  }
}
