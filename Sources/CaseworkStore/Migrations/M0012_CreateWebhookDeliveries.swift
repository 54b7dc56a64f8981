import FluentKit
import SQLKit

/// Outgoing webhook calls (domain §6): one row per event and endpoint, written with the change
/// that caused the event, delivered by a job and retried with backoff.
struct M0012_CreateWebhookDeliveries: AsyncMigration {
  var name: String { "0012_CreateWebhookDeliveries" }

  func prepare(on database: any Database) async throws {
    try await database.schema("webhook_deliveries")
      .field("id", .uuid, .identifier(auto: false))
      .field("event_id", .uuid, .required)
      .field("event", .string, .required)
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("url", .string, .required)
      .field("payload", .string, .required)
      .field("state", .string, .required)
      .field("attempts", .int, .required)
      .field("next_attempt_at", .datetime, .required)
      .field("locked_until", .datetime)
      .field("last_error", .string)
      .field("created_at", .datetime, .required)
      .field("delivered_at", .datetime)
      .create()
    try await (database as! any SQLDatabase).create(index: "webhook_deliveries_state_idx").on("webhook_deliveries")
      .column("state").column("next_attempt_at").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("webhook_deliveries").delete()
  }
}
