import FluentKit
import SQLKit

/// An incident's own record (domain §6), one row per incident case: severity as a column for
/// queues and reports, the rest as one JSON document.
struct M0009_CreateIncidents: AsyncMigration {
  var name: String { "0009_CreateIncidents" }

  func prepare(on database: any Database) async throws {
    try await database.schema("incidents")
      .field("case_id", .uuid, .identifier(auto: false), .references("cases", "id", onDelete: .cascade))
      .field("severity", .int, .required)
      .field("record", .string, .required)
      .field("updated_at", .datetime, .required)
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("incidents").delete()
  }
}
