import FluentKit
import SQLKit

/// Every inbound email exactly as it arrived, stored before anything else happens to it. The
/// dedupe key (its Message-ID, or a digest of its bytes) makes a second delivery a no-op.
struct M0005_CreateInboundMessages: AsyncMigration {
  var name: String { "0005_CreateInboundMessages" }

  func prepare(on database: any Database) async throws {
    try await database.schema("inbound_messages")
      .field("id", .uuid, .identifier(auto: false))
      .field("dedupe_key", .string, .required)
      .field("source", .string, .required)
      .field("raw", .data, .required)
      .field("size", .int, .required)
      .field("received_at", .datetime, .required)
      .field("processed_at", .datetime)
      .field("case_id", .uuid, .references("cases", "id", onDelete: .setNull))
      .field("outcome", .string)
      .unique(on: "dedupe_key", name: "inbound_messages_dedupe_key")
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("inbound_messages").delete()
  }
}
