import CaseworkCore
import Foundation
import SQLKit

public struct SQLStaffRepository: StaffRepository {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  static let columns = ["id", "email", "name", "role", "password_hash", "must_change_password", "active", "created_at"]

  public func create(_ user: StaffUser) async throws {
    if try await find(email: user.email) != nil { throw StoreError.duplicate("A staff user with that email") }
    try await handle.sql.insert(into: "staff_users").model(StaffRow(user)).run()
  }

  public func find(id: StaffID) async throws -> StaffUser? {
    try await handle.sql.select().columns(Self.columns.map { SQLColumn($0) }).from("staff_users")
      .where("id", .equal, id).first(decoding: StaffRow.self)?.toUser()
  }

  public func find(email: String) async throws -> StaffUser? {
    try await handle.sql.select().columns(Self.columns.map { SQLColumn($0) }).from("staff_users")
      .where("email", .equal, email.lowercased()).first(decoding: StaffRow.self)?.toUser()
  }

  public func all() async throws -> [StaffUser] {
    try await handle.sql.select().columns(Self.columns.map { SQLColumn($0) }).from("staff_users")
      .orderBy("name").all(decoding: StaffRow.self).map { try $0.toUser() }
  }

  public func count() async throws -> Int {
    try await handle.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("staff_users")
      .first(decodingColumn: "n", as: Int.self) ?? 0
  }

  public func update(_ user: StaffUser) async throws {
    try await handle.sql.update("staff_users")
      .set("name", to: user.name)
      .set("role", to: user.role.rawValue)
      .set("password_hash", to: user.passwordHash)
      .set("must_change_password", to: user.mustChangePassword)
      .set("active", to: user.active)
      .where("id", .equal, user.id)
      .run()
  }
}

public struct SQLTokenRepository: TokenRepository {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func create(_ token: APIToken) async throws {
    try await handle.sql.insert(into: "api_tokens").model(TokenRow(token), nilEncodingStrategy: .asNil).run()
  }

  public func find(tokenHash: String) async throws -> (APIToken, StaffUser)? {
    let row = try await handle.sql.raw(
      """
      SELECT t.id, t.user_id, t.name, t.token_hash, t.created_at, t.revoked_at, t.last_used_at,
        u.id AS u_id, u.email AS u_email, u.name AS u_name, u.role AS u_role, u.password_hash AS u_password_hash,
        u.must_change_password AS u_must_change_password, u.active AS u_active, u.created_at AS u_created_at
      FROM api_tokens t JOIN staff_users u ON u.id = t.user_id WHERE t.token_hash = \(bind: tokenHash)
      """
    ).first()
    guard let row else { return nil }
    let token = try row.decode(model: TokenRow.self, with: SQLRowDecoder())
    let user = try row.decode(model: StaffRow.self, with: SQLRowDecoder(prefix: "u_"))
    return (token.toToken(), try user.toUser())
  }

  public func tokens(of userID: StaffID) async throws -> [APIToken] {
    try await handle.sql.select()
      .columns("id", "user_id", "name", "token_hash", "created_at", "revoked_at", "last_used_at")
      .from("api_tokens").where("user_id", .equal, userID).orderBy("created_at")
      .all(decoding: TokenRow.self).map { $0.toToken() }
  }

  public func revoke(id: UUID, at: Date) async throws {
    try await handle.sql.update("api_tokens").set("revoked_at", to: at).where("id", .equal, id)
      .where("revoked_at", .is, SQLLiteral.null).run()
  }
}
