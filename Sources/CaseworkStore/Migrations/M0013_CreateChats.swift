import FluentKit
import SQLKit

/// Live chat (domain §7): chats, their numbered lines, and agents' presence.
struct M0013_CreateChats: AsyncMigration {
  var name: String { "0013_CreateChats" }

  func prepare(on database: any Database) async throws {
    try await database.schema("chats")
      .field("id", .uuid, .identifier(auto: false))
      .field("token_hash", .string, .required)
      .field("case_id", .uuid, .references("cases", "id", onDelete: .setNull))
      .field("reference", .string)
      .field("state", .string, .required)
      .field("visitor_name", .string)
      .field("visitor_email", .string)
      .field("agent_id", .uuid)
      .field("agent_name", .string)
      .field("created_at", .datetime, .required)
      .field("waiting_since", .datetime, .required)
      .field("accepted_at", .datetime)
      .field("ended_at", .datetime)
      .field("out_of_hours", .bool, .required)
      .field("last_seq", .int, .required)
      .unique(on: "token_hash")
      .create()
    let sql = database as! any SQLDatabase
    try await sql.create(index: "chats_state_idx").on("chats").column("state").column("waiting_since").run()
    try await database.schema("chat_messages")
      .field("chat_id", .uuid, .required, .references("chats", "id", onDelete: .cascade))
      .field("seq", .int, .required)
      .field("author", .string, .required)
      .field("staff_id", .uuid)
      .field("author_name", .string)
      .field("body", .string, .required)
      .field("client_id", .string)
      .field("created_at", .datetime, .required)
      .compositeIdentifier(over: "chat_id", "seq")
      .create()
    try await sql.create(index: "chat_messages_client_idx").unique().on("chat_messages").column("chat_id").column("client_id")
      .run()
    try await database.schema("chat_presence")
      .field("staff_id", .uuid, .identifier(auto: false))
      .field("name", .string, .required)
      .field("status", .string, .required)
      .field("updated_at", .datetime, .required)
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("chat_presence").delete()
    try await database.schema("chat_messages").delete()
    try await database.schema("chats").delete()
  }
}
