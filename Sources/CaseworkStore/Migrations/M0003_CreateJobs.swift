import FluentKit
import SQLKit

/// Background work, claimed atomically so several processes can share one database.
struct M0003_CreateJobs: AsyncMigration {
  var name: String { "0003_CreateJobs" }

  func prepare(on database: any Database) async throws {
    try await database.schema("jobs")
      .field("id", .uuid, .identifier(auto: false))
      .field("kind", .string, .required)
      .field("payload", .string, .required)
      .field("state", .string, .required)
      .field("attempts", .int, .required)
      .field("max_attempts", .int, .required)
      .field("run_at", .datetime, .required)
      .field("locked_by", .string)
      .field("locked_until", .datetime)
      .field("last_error", .string)
      .field("created_at", .datetime, .required)
      .field("finished_at", .datetime)
      .create()
    try await (database as! any SQLDatabase).create(index: "jobs_state_run_at_idx").on("jobs")
      .column("state").column("run_at").run()
  }

  func revert(on database: any Database) async throws {
    try await database.schema("jobs").delete()
  }
}
