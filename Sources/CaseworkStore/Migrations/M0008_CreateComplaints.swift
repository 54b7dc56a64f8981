import FluentKit
import SQLKit

/// A complaint's own record (domain §5), one row per complaint case. The stage, eligibility
/// and receipt date are columns for reports and queues; the rest is one JSON document.
struct M0008_CreateComplaints: AsyncMigration {
  var name: String { "0008_CreateComplaints" }

  func prepare(on database: any Database) async throws {
    try await database.schema("complaints")
      .field("case_id", .uuid, .identifier(auto: false), .references("cases", "id", onDelete: .cascade))
      .field("stage", .string, .required)
      .field("eligible", .bool)
      .field("received_on", .string, .required)
      .field("record", .string, .required)
      .field("updated_at", .datetime, .required)
      .create()
    try await (database as! any SQLDatabase).create(index: "complaints_stage_idx").on("complaints").column("stage").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("complaints").delete()
  }
}
