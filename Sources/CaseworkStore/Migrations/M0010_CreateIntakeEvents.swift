import FluentKit
import SQLKit

/// Every stop and restart of intake (domain §8): who, when, and the message shown.
struct M0010_CreateIntakeEvents: AsyncMigration {
  var name: String { "0010_CreateIntakeEvents" }

  func prepare(on database: any Database) async throws {
    try await database.schema("intake_events")
      .field("id", .uuid, .identifier(auto: false))
      .field("is_open", .bool, .required)
      .field("message", .string, .required)
      .field("changed_by", .string)
      .field("changed_at", .datetime, .required)
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("intake_events").delete()
  }
}
