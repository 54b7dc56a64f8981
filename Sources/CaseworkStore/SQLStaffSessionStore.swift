import CaseworkCore
import Foundation
import SQLKit

/// Staff sessions in `staff_sessions`, keyed by the digest of the browser's key.
public struct SQLStaffSessionStore: StaffSessionStore {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  struct Row: Codable {
    var key_hash: String
    var staff_id: UUID?
    var data: String
    var created_at: Date
    var last_seen_at: Date
  }

  public func create(_ session: StaffSession) async throws {
    let row = Row(
      key_hash: session.keyHash, staff_id: session.staffID, data: session.data, created_at: session.createdAt.wholeMilliseconds,
      last_seen_at: session.lastSeenAt.wholeMilliseconds)
    try await handle.sql.insert(into: "staff_sessions").model(row, nilEncodingStrategy: .asNil).run()
  }

  public func find(keyHash: String) async throws -> StaffSession? {
    let row = try await handle.sql.select().columns("key_hash", "staff_id", "data", "created_at", "last_seen_at")
      .from("staff_sessions").where("key_hash", .equal, keyHash).first(decoding: Row.self)
    return row.map {
      StaffSession(
        keyHash: $0.key_hash, staffID: $0.staff_id, data: $0.data, createdAt: $0.created_at, lastSeenAt: $0.last_seen_at)
    }
  }

  public func update(keyHash: String, staffID: StaffID?, data: String, lastSeenAt: Date) async throws {
    try await handle.sql.update("staff_sessions")
      .set("staff_id", to: staffID.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
      .set("data", to: data)
      .set("last_seen_at", to: lastSeenAt.wholeMilliseconds)
      .where("key_hash", .equal, keyHash).run()
  }

  public func touch(keyHash: String, at: Date) async throws {
    try await handle.sql.update("staff_sessions").set("last_seen_at", to: at.wholeMilliseconds)
      .where("key_hash", .equal, keyHash).run()
  }

  public func delete(keyHash: String) async throws {
    try await handle.sql.delete(from: "staff_sessions").where("key_hash", .equal, keyHash).run()
  }

  public func deleteAll(of staffID: StaffID, keeping: String?) async throws {
    var statement = handle.sql.delete(from: "staff_sessions").where("staff_id", .equal, staffID)
    if let keeping { statement = statement.where("key_hash", .notEqual, keeping) }
    try await statement.run()
  }

  public func deleteExpired(lastSeenBefore: Date, createdBefore: Date) async throws {
    try await handle.sql.delete(from: "staff_sessions")
      .where(
        SQLBinaryExpression(
          SQLBinaryExpression(SQLColumn("last_seen_at"), .lessThan, SQLBind(lastSeenBefore)), .or,
          SQLBinaryExpression(SQLColumn("created_at"), .lessThan, SQLBind(createdBefore)))
      ).run()
  }
}
