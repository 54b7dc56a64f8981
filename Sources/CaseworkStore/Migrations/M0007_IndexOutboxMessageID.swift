import FluentKit
import SQLKit

/// Delivery reports name the Message-ID we sent; this finds the outbox entry without a scan.
struct M0007_IndexOutboxMessageID: AsyncMigration {
  var name: String { "0007_IndexOutboxMessageID" }

  func prepare(on database: any Database) async throws {
    try await (database as! any SQLDatabase).create(index: "outbox_message_id_idx").on("outbox").column("message_id").run()
  }

  func revert(on database: any Database) async throws {
    try await (database as! any SQLDatabase).drop(index: "outbox_message_id_idx").run()
  }
}
