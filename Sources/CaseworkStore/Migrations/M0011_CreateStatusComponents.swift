import FluentKit

/// The parts of the service the public status page lists, and their states (domain §8).
struct M0011_CreateStatusComponents: AsyncMigration {
  var name: String { "0011_CreateStatusComponents" }

  func prepare(on database: any Database) async throws {
    try await database.schema("status_components")
      .field("id", .uuid, .identifier(auto: false))
      .field("name", .string, .required)
      .field("position", .int, .required)
      .field("state", .string, .required)
      .field("updated_at", .datetime, .required)
      .unique(on: "name", name: "status_components_name")
      .create()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("status_components").delete()
  }
}
