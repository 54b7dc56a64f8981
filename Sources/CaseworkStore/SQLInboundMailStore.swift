import CaseworkCore
import Foundation
import SQLKit

/// Inbound email rows. Storing is one `INSERT … ON CONFLICT (dedupe_key) DO NOTHING`, so two
/// deliveries of the same message racing each other store it once.
public struct SQLInboundMailStore: InboundMailStore {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func store(raw: Data, dedupeKey: String, source: String, receivedAt: Date) async throws -> StoredInboundMail {
    let id = UUID()
    let dialect = BindDialect(postgres: handle.isPostgres)
    let inserted = try await handle.sql.raw(
      """
      INSERT INTO inbound_messages (id, dedupe_key, source, raw, size, received_at)
      VALUES (\(dialect.uuid(id)), \(bind: dedupeKey), \(bind: source), \(bind: raw), \(bind: raw.count), \(bind: receivedAt.wholeMilliseconds))
      ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
      """
    ).first()
    if inserted != nil { return StoredInboundMail(id: id, isNew: true, caseID: nil, outcome: nil) }
    guard
      let row = try await handle.sql.select().columns("id", "case_id", "outcome").from("inbound_messages")
        .where("dedupe_key", .equal, dedupeKey).first()
    else { throw StoreError.duplicate("An inbound message with that key") }
    return StoredInboundMail(
      id: try row.decode(column: "id", as: UUID.self), isNew: false, caseID: try row.decode(column: "case_id", as: UUID?.self),
      outcome: try row.decode(column: "outcome", as: String?.self))
  }

  public func markProcessed(_ id: UUID, caseID: CaseID?, outcome: String, at: Date) async throws {
    try await handle.sql.update("inbound_messages").set("processed_at", to: at.wholeMilliseconds).set("case_id", to: caseID)
      .set("outcome", to: outcome).where("id", .equal, id).run()
  }

  /// The raw bytes of a stored message (for staff, and for reprocessing).
  public func raw(_ id: UUID) async throws -> Data? {
    try await handle.sql.select().column("raw").from("inbound_messages").where("id", .equal, id)
      .first(decodingColumn: "raw", as: Data.self)
  }
}
