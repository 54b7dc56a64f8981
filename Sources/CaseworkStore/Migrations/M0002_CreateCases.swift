import FluentKit
import SQLKit

/// Cases, their conversation, tags, links, audit trail and reference counters.
struct M0002_CreateCases: AsyncMigration {
  var name: String { "0002_CreateCases" }

  func prepare(on database: any Database) async throws {
    try await database.schema("reference_counters")
      .field("kind", .string, .required)
      .field("year", .int, .required)
      .field("last_number", .int64, .required)
      .unique(on: "kind", "year", name: "reference_counters_kind_year_key")
      .create()
    try await database.schema("cases")
      .field("id", .uuid, .identifier(auto: false))
      .field("reference", .string, .required)
      .field("kind", .string, .required)
      .field("status", .string, .required)
      .field("priority", .string, .required)
      .field("channel", .string, .required)
      .field("subject", .string, .required)
      .field("requester_name", .string, .required)
      .field("requester_email", .string, .required)
      .field("requester_phone", .string)
      .field("requester_organisation", .string)
      .field("requester_nhs_number", .string)
      .field("assignee_id", .uuid, .references("staff_users", "id", onDelete: .setNull))
      .field("team", .string)
      .field("tags", .string, .required)
      .field("clinical_flag", .bool, .required)
      .field("emergency_flag", .bool, .required)
      .field("access_token_hash", .string)
      .field("created_at", .datetime, .required)
      .field("received_at", .datetime, .required)
      .field("updated_at", .datetime, .required)
      .unique(on: "reference", name: "cases_reference_key")
      .unique(on: "access_token_hash", name: "cases_access_token_hash_key")
      .create()
    try await database.schema("case_messages")
      .field("id", .uuid, .identifier(auto: false))
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("kind", .string, .required)
      .field("author", .string, .required)
      .field("body", .string, .required)
      .field("created_at", .datetime, .required)
      .create()
    try await database.schema("audit_events")
      .field("id", .uuid, .identifier(auto: false))
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("actor", .string, .required)
      .field("occurred_at", .datetime, .required)
      .field("field", .string, .required)
      .field("before_value", .string)
      .field("after_value", .string)
      .create()
    try await database.schema("case_tags")
      .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("tag", .string, .required)
      .unique(on: "case_id", "tag", name: "case_tags_case_id_tag_key")
      .create()
    try await database.schema("case_links")
      .field("from_case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("to_case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
      .field("relation", .string, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "from_case_id", "to_case_id", "relation", name: "case_links_key")
      .create()

    let sql = database as! any SQLDatabase
    for (name, table, columns) in Self.indexes {
      var builder = sql.create(index: name).on(table)
      for column in columns { builder = builder.column(column) }
      try await builder.run()
    }
  }

  /// The inbox sorts newest first, filters by status, assignee and tag; a case page reads its
  /// messages and audit trail in time order.
  static let indexes: [(String, String, [String])] = [
    ("cases_created_at_id_idx", "cases", ["created_at", "id"]),
    ("cases_status_created_at_idx", "cases", ["status", "created_at"]),
    ("cases_updated_at_idx", "cases", ["updated_at"]),
    ("cases_assignee_id_idx", "cases", ["assignee_id"]),
    ("cases_requester_email_idx", "cases", ["requester_email"]),
    ("case_messages_case_id_idx", "case_messages", ["case_id", "created_at"]),
    ("audit_events_case_id_idx", "audit_events", ["case_id", "occurred_at"]),
    ("case_tags_tag_idx", "case_tags", ["tag"]),
    ("case_links_to_case_id_idx", "case_links", ["to_case_id"]),
  ]

  func revert(on database: any Database) async throws {
    for table in ["case_links", "case_tags", "audit_events", "case_messages", "cases", "reference_counters"] {
      try await database.schema(table).delete()
    }
  }
}
