import CaseworkCore
import Foundation
import SQLKit

/// Values every process shares through the database (`settings`): the imported bank
/// holidays, the deadline basis, the mail signing key.
public struct SQLSettingsStore: SettingsStore {
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

/// Edited letter templates live in `settings` as `letter_template.<kind>`, one JSON object
/// each, so every process sends the same words.
extension SQLSettingsStore: LetterTemplateStore {
  static func templateKey(_ kind: LetterKind) -> String { "letter_template.\(kind.rawValue)" }

  struct StoredTemplate: Codable {
    var subject: String
    var body: String
  }

  public func storedTemplate(_ kind: LetterKind) async throws -> LetterTemplate? {
    guard let text = try await setting(Self.templateKey(kind)),
      let stored = try? JSONDecoder().decode(StoredTemplate.self, from: Data(text.utf8))
    else { return nil }
    return LetterTemplate(kind: kind, subject: stored.subject, body: stored.body)
  }

  public func saveTemplate(_ template: LetterTemplate, at now: Date) async throws {
    let problems = template.problems
    if !problems.isEmpty { throw CaseworkError.invalid(problems) }
    let json = try JSONEncoder().encode(StoredTemplate(subject: template.subject, body: template.body))
    try await setSetting(Self.templateKey(template.kind), to: String(decoding: json, as: UTF8.self), at: now)
  }

  public func resetTemplate(_ kind: LetterKind) async throws {
    try await handle.sql.delete(from: "settings").where("key", .equal, Self.templateKey(kind)).run()
  }
}
