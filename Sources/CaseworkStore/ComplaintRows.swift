import CaseworkCore
import Foundation
import SQLKit

/// Complaint records as rows: written whole (insert or replace) in the transaction of the
/// case change that produced them.
enum ComplaintRows {
  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .millisecondsSince1970
    encoder.outputFormatting = .sortedKeys
    return encoder
  }()

  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .millisecondsSince1970
    return decoder
  }

  static func write(_ complaint: Complaint, expecting expected: ComplaintStage? = nil, at now: Date, on db: any SQLDatabase)
    async throws
  {
    let json = String(decoding: try encoder.encode(complaint), as: UTF8.self)
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    let eligible: any SQLExpression = complaint.eligibility.eligible.map { SQLBind($0) } ?? SQLLiteral.null
    if let expected {
      // Only from the stage the change was made from: a second runner's move finds none.
      let updated = try await db.raw(
        """
        UPDATE complaints SET stage = \(bind: complaint.stage.rawValue), eligible = \(eligible), record = \(bind: json),
          updated_at = \(bind: now.wholeMilliseconds)
        WHERE case_id = \(dialect.uuid(complaint.caseID)) AND stage = \(bind: expected.rawValue) RETURNING case_id
        """
      ).first()
      if updated == nil {
        throw CaseworkError.conflict("This complaint was changed by someone else meanwhile. Reload it and try again.")
      }
      return
    }
    try await db.raw(
      """
      INSERT INTO complaints (case_id, stage, eligible, received_on, record, updated_at)
      VALUES (\(dialect.uuid(complaint.caseID)), \(bind: complaint.stage.rawValue), \(eligible), \(bind: complaint.dates.received.description), \(bind: json), \(bind: now.wholeMilliseconds))
      ON CONFLICT (case_id) DO UPDATE SET stage = excluded.stage, eligible = excluded.eligible,
        received_on = excluded.received_on, record = excluded.record, updated_at = excluded.updated_at
      """
    ).run()
  }

  /// Fails with a conflict unless the stored record is still `expected`. On PostgreSQL the row
  /// stays locked until the transaction ends, so a second writer waits, then sees the change;
  /// on SQLite every transaction runs on the one writer.
  static func checkUnchanged(_ expected: Complaint, on db: any SQLDatabase) async throws {
    let lock = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    let json = try await db.raw(
      "SELECT record FROM complaints WHERE case_id = \(dialect.uuid(expected.caseID))\(unsafeRaw: lock)"
    ).first(decodingColumn: "record", as: String.self)
    let stored = try json.map { try decoder().decode(Complaint.self, from: Data($0.utf8)) }
    guard stored == expected else {
      throw CaseworkError.conflict("This complaint was changed by someone else meanwhile. Reload it and try again.")
    }
  }

  static func read(_ caseID: CaseID, on db: any SQLDatabase) async throws -> Complaint? {
    guard
      let json = try await db.select().column("record").from("complaints").where("case_id", .equal, caseID)
        .first(decodingColumn: "record", as: String.self)
    else { return nil }
    return try decoder().decode(Complaint.self, from: Data(json.utf8))
  }

  /// Closed complaints whose follow-up is due: the `follow_up` deadline has come.
  static func dueFollowUps(now: Date, on db: any SQLDatabase) async throws -> [CaseID] {
    try await db.raw(
      """
      SELECT c.case_id FROM complaints c JOIN deadlines d ON d.case_id = c.case_id
      WHERE c.stage = 'closed' AND d.name = 'follow_up' AND d.state = 'running' AND d.due_at <= \(bind: now.wholeMilliseconds)
      ORDER BY d.due_at LIMIT 500
      """
    ).all().map { try $0.decode(column: "case_id", as: UUID.self) }
  }
}

/// Incident records as rows, written whole in the transaction of the case change.
enum IncidentRows {
  static func write(_ incident: Incident, at now: Date, on db: any SQLDatabase) async throws {
    let json = String(decoding: try ComplaintRows.encoder.encode(incident), as: UTF8.self)
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    try await db.raw(
      """
      INSERT INTO incidents (case_id, severity, record, updated_at)
      VALUES (\(dialect.uuid(incident.caseID)), \(bind: incident.severity), \(bind: json), \(bind: now.wholeMilliseconds))
      ON CONFLICT (case_id) DO UPDATE SET severity = excluded.severity, record = excluded.record, updated_at = excluded.updated_at
      """
    ).run()
  }

  static func read(_ caseID: CaseID, on db: any SQLDatabase) async throws -> Incident? {
    guard
      let json = try await db.select().column("record").from("incidents").where("case_id", .equal, caseID)
        .first(decodingColumn: "record", as: String.self)
    else { return nil }
    return try ComplaintRows.decoder().decode(Incident.self, from: Data(json.utf8))
  }
}
