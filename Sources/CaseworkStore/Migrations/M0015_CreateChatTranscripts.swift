import FluentKit
import SQLKit

/// Chat transcripts emailed: which address each chat's went to and when, so a chat sends
/// only to its own visitor and an address is not flooded.
struct M0015_CreateChatTranscripts: AsyncMigration {
  var name: String { "0015_CreateChatTranscripts" }

  func prepare(on database: any Database) async throws {
    try await database.schema("chat_transcripts")
      .field("chat_id", .uuid, .required, .references("chats", "id", onDelete: .cascade))
      .field("address", .string, .required)
      .field("sent_at", .datetime, .required)
      .create()
    let sql = database as! any SQLDatabase
    try await sql.create(index: "chat_transcripts_chat_idx").on("chat_transcripts").column("chat_id").run()
    try await sql.create(index: "chat_transcripts_address_idx").on("chat_transcripts").column("address").column("sent_at").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("chat_transcripts").delete()
  }
}
