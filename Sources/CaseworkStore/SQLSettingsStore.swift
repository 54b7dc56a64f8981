import Foundation
import SQLKit

/// Values every process shares through the database (`settings`): the imported bank
/// holidays, the deadline basis, the mail signing key.
public struct SQLSettingsStore: Sendable {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func setting(_ key: String) async throws -> String? {
    try await handle.sql.select().column("value").from("settings").where("key", .equal, key)
      .first(decodingColumn: "value", as: String.self)
  }

  /// Sets a value only if the key has none (the first process to get there wins).
  public func setSettingIfAbsent(_ key: String, to value: String, at now: Date) async throws {
    try await handle.sql.raw(
      """
      INSERT INTO settings (key, value, updated_at) VALUES (\(bind: key), \(bind: value), \(bind: now))
      ON CONFLICT (key) DO NOTHING
      """
    ).run()
  }

  public func setSetting(_ key: String, to value: String, at now: Date) async throws {
    try await handle.sql.raw(
      """
      INSERT INTO settings (key, value, updated_at) VALUES (\(bind: key), \(bind: value), \(bind: now))
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
      """
    ).run()
  }
}
