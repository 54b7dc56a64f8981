import CaseworkCore
import Foundation
import SQLKit

/// Second factors in `staff_two_factor` and `staff_recovery_codes`. Using a step or a recovery
/// code is one conditional `UPDATE … RETURNING`, so a code is accepted once across processes.
public struct SQLTwoFactorStore: TwoFactorStore {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  struct Row: Decodable {
    var staff_id: UUID
    var pending_secret: String?
    var secret: String?
    var confirmed_at: Date?
    var last_step: Int64?
    var required: Bool
  }

  public func state(of staffID: StaffID) async throws -> TwoFactorState? {
    let d = BindDialect(postgres: handle.isPostgres)
    let row = try await handle.sql.raw(
      """
      SELECT staff_id, pending_secret, secret, confirmed_at, last_step, required FROM staff_two_factor
      WHERE staff_id = \(d.uuid(staffID))
      """
    ).first(decoding: Row.self)
    return row.map {
      TwoFactorState(
        staffID: $0.staff_id, pendingSecret: $0.pending_secret, secret: $0.secret, confirmedAt: $0.confirmed_at,
        lastStep: $0.last_step, required: $0.required)
    }
  }

  /// Makes sure the user has a row, keeping what it holds.
  private func ensureRow(_ staffID: StaffID, on sql: any SQLDatabase) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await sql.raw(
      """
      INSERT INTO staff_two_factor (staff_id, required) VALUES (\(d.uuid(staffID)), \(bind: false))
      ON CONFLICT (staff_id) DO NOTHING
      """
    ).run()
  }

  public func startEnrolment(_ staffID: StaffID, pendingSecret: String) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await ensureRow(staffID, on: handle.sql)
    try await handle.sql.raw(
      "UPDATE staff_two_factor SET pending_secret = \(bind: pendingSecret) WHERE staff_id = \(d.uuid(staffID))"
    ).run()
  }

  public func confirm(_ staffID: StaffID, step: Int64, recoveryCodeHashes: [String], at: Date) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.transaction { sql in
      try await sql.raw(
        """
        UPDATE staff_two_factor SET secret = pending_secret, pending_secret = NULL, confirmed_at = \(bind: at.wholeMilliseconds),
          last_step = \(bind: step)
        WHERE staff_id = \(d.uuid(staffID)) AND pending_secret IS NOT NULL
        """
      ).run()
      try await sql.raw("DELETE FROM staff_recovery_codes WHERE staff_id = \(d.uuid(staffID))").run()
      for hash in recoveryCodeHashes {
        try await sql.raw(
          "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (\(d.uuid(staffID)), \(bind: hash))"
        ).run()
      }
    }
  }

  public func useStep(_ staffID: StaffID, step: Int64) async throws -> Bool {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw(
      """
      UPDATE staff_two_factor SET last_step = \(bind: step)
      WHERE staff_id = \(d.uuid(staffID)) AND (last_step IS NULL OR last_step < \(bind: step)) RETURNING staff_id
      """
    ).first() != nil
  }

  public func useRecoveryCode(_ staffID: StaffID, hash: String, at: Date) async throws -> Bool {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw(
      """
      UPDATE staff_recovery_codes SET used_at = \(bind: at.wholeMilliseconds)
      WHERE staff_id = \(d.uuid(staffID)) AND code_hash = \(bind: hash) AND used_at IS NULL RETURNING staff_id
      """
    ).first() != nil
  }

  public func unusedRecoveryCodes(of staffID: StaffID) async throws -> Int {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw(
      "SELECT COUNT(*) AS n FROM staff_recovery_codes WHERE staff_id = \(d.uuid(staffID)) AND used_at IS NULL"
    ).first()?.decode(column: "n", as: Int.self) ?? 0
  }

  public func reset(_ staffID: StaffID) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.transaction { sql in
      try await sql.raw(
        """
        UPDATE staff_two_factor SET secret = NULL, pending_secret = NULL, confirmed_at = NULL, last_step = NULL
        WHERE staff_id = \(d.uuid(staffID))
        """
      ).run()
      try await sql.raw("DELETE FROM staff_recovery_codes WHERE staff_id = \(d.uuid(staffID))").run()
    }
  }

  public func setRequired(_ staffID: StaffID, _ required: Bool) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await ensureRow(staffID, on: handle.sql)
    try await handle.sql.raw(
      "UPDATE staff_two_factor SET required = \(bind: required) WHERE staff_id = \(d.uuid(staffID))"
    ).run()
  }
}
