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

  static func write(_ complaint: Complaint, at now: Date, on db: any SQLDatabase) async throws {
    let json = String(decoding: try encoder.encode(complaint), as: UTF8.self)
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    let eligible: any SQLExpression = complaint.eligibility.eligible.map { SQLBind($0) } ?? SQLLiteral.null
    try await db.raw(
      """
      INSERT INTO complaints (case_id, stage, eligible, received_on, record, updated_at)
      VALUES (\(dialect.uuid(complaint.caseID)), \(bind: complaint.stage.rawValue), \(eligible), \(bind: complaint.dates.received.description), \(bind: json), \(bind: now.wholeMilliseconds))
      ON CONFLICT (case_id) DO UPDATE SET stage = excluded.stage, eligible = excluded.eligible,
        received_on = excluded.received_on, record = excluded.record, updated_at = excluded.updated_at
      """
    ).run()
  }

  static func read(_ caseID: CaseID, on db: any SQLDatabase) async throws -> Complaint? {
    guard
      let json = try await db.select().column("record").from("complaints").where("case_id", .equal, caseID)
        .first(decodingColumn: "record", as: String.self)
    else { return nil }
    return try decoder().decode(Complaint.self, from: Data(json.utf8))
  }
}
