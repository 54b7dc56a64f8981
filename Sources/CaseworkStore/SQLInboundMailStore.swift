import CaseworkCore
import Foundation
import SQLKit

/// Inbound email rows. Storing is one `INSERT … ON CONFLICT (dedupe_key) DO NOTHING`, so two
/// deliveries of the same message racing each other store it once. Stores and outcome marks
/// are group-committed (see `GroupCommit`): a busy relay's messages share transactions, and
/// each caller still returns only once its row is committed.
public struct SQLInboundMailStore: InboundMailStore {
  struct Arrival: Sendable {
    var raw: Data
    var dedupeKey: String
    var source: String
    var receivedAt: Date
  }

  struct Outcome: Sendable {
    var id: UUID
    var caseID: CaseID?
    var outcome: String
    var at: Date
  }

  let handle: DatabaseHandle
  let arrivals: GroupCommit<Arrival, StoredInboundMail>
  let outcomes: GroupCommit<Outcome, Void>

  public init(handle: DatabaseHandle, maxBatch: Int = 128) {
    self.handle = handle
    arrivals = GroupCommit(maxBatch: maxBatch) { batch in
      try await handle.transaction { db in try await Self.insert(batch, on: db) }
    }
    outcomes = GroupCommit(maxBatch: maxBatch) { batch in
      try await handle.transaction { db in
        for outcome in batch {
          try await db.update("inbound_messages").set("processed_at", to: outcome.at.wholeMilliseconds)
            .set("case_id", to: outcome.caseID).set("outcome", to: outcome.outcome).where("id", .equal, outcome.id).run()
        }
        return batch.map { _ in () }
      }
    }
  }

  public func store(raw: Data, dedupeKey: String, source: String, receivedAt: Date) async throws -> StoredInboundMail {
    try await arrivals.submit(Arrival(raw: raw, dedupeKey: dedupeKey, source: source, receivedAt: receivedAt))
  }

  public func markProcessed(_ id: UUID, caseID: CaseID?, outcome: String, at: Date) async throws {
    try await outcomes.submit(Outcome(id: id, caseID: caseID, outcome: outcome, at: at))
  }

  /// One multi-row insert; the rows it did not insert (already stored, or a second copy in
  /// the same batch) are then read back by key, with the case an earlier delivery went to.
  static func insert(_ batch: [Arrival], on db: any SQLDatabase) async throws -> [StoredInboundMail] {
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    let ids = batch.map { _ in UUID.timeOrdered() }
    let rows = zip(ids, batch).map { id, arrival in
      SQLGroupExpression([
        dialect.uuid(id), SQLBind(arrival.dedupeKey), SQLBind(arrival.source), SQLBind(arrival.raw), SQLBind(arrival.raw.count),
        SQLBind(arrival.receivedAt.wholeMilliseconds),
      ])
    }
    let inserted = try await db.raw(
      """
      INSERT INTO inbound_messages (id, dedupe_key, source, raw, size, received_at)
      VALUES \(SQLList(rows)) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
      """
    ).all().map { try $0.decode(column: "id", as: UUID.self) }
    let new = Set(inserted)
    var earlier: [String: StoredInboundMail] = [:]
    let missing = zip(ids, batch).filter { !new.contains($0.0) }.map(\.1.dedupeKey)
    if !missing.isEmpty {
      for row in try await db.select().columns("id", "dedupe_key", "case_id", "outcome").from("inbound_messages")
        .where("dedupe_key", .in, missing).all()
      {
        earlier[try row.decode(column: "dedupe_key", as: String.self)] = StoredInboundMail(
          id: try row.decode(column: "id", as: UUID.self), isNew: false,
          caseID: try row.decode(column: "case_id", as: UUID?.self),
          outcome: try row.decode(column: "outcome", as: String?.self))
      }
    }
    return try zip(ids, batch).map { id, arrival in
      if new.contains(id) { return StoredInboundMail(id: id, isNew: true, caseID: nil, outcome: nil) }
      guard let stored = earlier[arrival.dedupeKey] else { throw StoreError.duplicate("An inbound message with that key") }
      return stored
    }
  }

  public func deferred(limit: Int) async throws -> [(id: UUID, raw: Data)] {
    try await handle.sql.select().columns("id", "raw").from("inbound_messages").where("outcome", .equal, "deferred")
      .orderBy("received_at").limit(limit).all().map {
        (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "raw", as: Data.self))
      }
  }

  /// The raw bytes of a stored message (for staff, and for reprocessing).
  public func raw(_ id: UUID) async throws -> Data? {
    try await handle.sql.select().column("raw").from("inbound_messages").where("id", .equal, id)
      .first(decodingColumn: "raw", as: Data.self)
  }
}
