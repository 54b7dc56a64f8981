import CaseworkCore
import Foundation
import SQLKit

/// Cases in SQLite or PostgreSQL through SQLKit. Writes are one transaction each, with every
/// row of a batch inserted in a few multi-row statements.
public struct SQLCaseRepository: CaseRepository {
  let handle: DatabaseHandle
  /// Where incident events go (outgoing webhooks); each event becomes a delivery per URL.
  let webhookURLs: [String]

  /// Rows per INSERT statement: well under SQLite's bound-parameter limit.
  static let rowsPerInsert = 200

  public init(handle: DatabaseHandle, webhookURLs: [String] = []) {
    self.handle = handle
    self.webhookURLs = webhookURLs
  }

  public func create(_ drafts: [CaseDraft]) async throws -> [Case] {
    guard !drafts.isEmpty else { return [] }
    return try await handle.transaction { db in try await Self.insert(drafts, on: db) }
  }

  /// Writes new cases with every row they carry: inside the caller's transaction, or with
  /// `inTransaction` false on a connection in autocommit (PostgreSQL's writer), where the
  /// references are reserved first, each reservation committing by itself, and the rows go in
  /// one statement or, when they cannot, in a transaction of their own.
  static func insert(_ drafts: [CaseDraft], on db: any SQLDatabase, inTransaction: Bool = true) async throws -> [Case] {
    var references: [UUID: CaseReference] = [:]
    let groups = Dictionary(grouping: drafts) { ReferenceSeries(kind: $0.kind, year: $0.referenceYear) }
    for (series, members) in groups.sorted(by: { ($0.key.kind.rawValue, $0.key.year) < ($1.key.kind.rawValue, $1.key.year) }) {
      let first = try await Self.allocate(members.count, in: series, on: db)
      for (offset, draft) in members.enumerated() {
        references[draft.id] = CaseReference(kind: series.kind, year: series.year, number: first + offset)
      }
    }
    var cases: [Case] = []
    var caseRows: [CaseRow] = []
    var messageRows: [MessageRow] = []
    var auditRows: [AuditRow] = []
    var tagRows: [TagRow] = []
    var deadlineRows: [DeadlineRow] = []
    var outboxRows: [OutboxRow] = []
    for draft in drafts {
      let reference = references[draft.id]!
      let record = draft.makeCase(reference: reference)
      cases.append(record)
      caseRows.append(CaseRow(record, accessTokenHash: draft.accessTokenHash))
      messageRows += draft.messages(for: reference).map(MessageRow.init)
      auditRows += draft.audit.map(AuditRow.init)
      tagRows += record.tags.map { TagRow(case_id: record.id, tag: $0) }
      deadlineRows += draft.deadlines.map(DeadlineRow.init)
      outboxRows += draft.outgoing(for: reference).map(OutboxRow.init)
    }
    let dialect = BindDialect(postgres: db.dialect.name == "postgresql")
    let tables = [
      TableRows(caseRows, into: "cases", dialect), TableRows(messageRows, into: "case_messages", dialect),
      TableRows(auditRows, into: "audit_events", dialect), TableRows(tagRows, into: "case_tags", dialect),
      TableRows(deadlineRows, into: "deadlines", dialect), TableRows(outboxRows, into: "outbox", dialect),
    ]
    let complaints = drafts.compactMap { draft in draft.complaint.map { ($0, draft.createdAt) } }
    if dialect.postgres, complaints.isEmpty, tables.allSatisfy({ $0.rows.count <= rowsPerInsert }) {
      // One statement for every table: on PostgreSQL each statement is a round trip to the
      // server, and the batch's six inserts were most of the writer's time per batch. Whole
      // by itself, so it needs no transaction around it.
      let together = InsertsTogether(tables: tables.filter { !$0.rows.isEmpty })
      try await db.execute(sql: together) { _ in }
      return cases
    }
    func writeRows(_ db: any SQLDatabase) async throws {
      for table in tables { try await Self.insert(table, on: db) }
      for (complaint, at) in complaints { try await ComplaintRows.write(complaint, at: at, on: db) }
    }
    if inTransaction {
      try await writeRows(db)
    } else {
      try await db.raw("BEGIN").run()
      do {
        try await writeRows(db)
        try await db.raw("COMMIT").run()
      } catch {
        try? await db.raw("ROLLBACK").run()
        throw error
      }
    }
    return cases
  }

  struct ReferenceSeries: Hashable, Sendable {
    var kind: CaseKind
    var year: Int
  }

  /// Reserves `count` consecutive numbers and returns the first. The counter only grows, so a
  /// number is never handed out twice, even after a rolled-back transaction leaves a gap. The
  /// usual case is one statement; the first case of a kind in a year also creates the row.
  static func allocate(_ count: Int, in series: ReferenceSeries, on db: any SQLDatabase) async throws -> Int {
    func reserve() async throws -> Int? {
      try await db.raw(
        """
        UPDATE reference_counters SET last_number = last_number + \(bind: count)
        WHERE kind = \(bind: series.kind.rawValue) AND year = \(bind: series.year) RETURNING last_number
        """
      ).first(decodingColumn: "last_number", as: Int.self)
    }
    if let last = try await reserve() { return last - count + 1 }
    try await db.raw(
      """
      INSERT INTO reference_counters (kind, year, last_number) VALUES (\(bind: series.kind.rawValue), \(bind: series.year), 0)
      ON CONFLICT (kind, year) DO NOTHING
      """
    ).run()
    guard let last = try await reserve() else {
      throw StoreError.counterUnavailable(kind: series.kind.rawValue, year: series.year)
    }
    return last - count + 1
  }

  static func insert<Row: InsertableRow>(_ rows: [Row], into table: String, on db: any SQLDatabase) async throws {
    try await insert(TableRows(rows, into: table, BindDialect(postgres: db.dialect.name == "postgresql")), on: db)
  }

  /// Inserts a table's rows, `rowsPerInsert` to a statement; on the SQLite writer's own
  /// connection, as text and values written directly.
  static func insert(_ table: TableRows, on db: any SQLDatabase) async throws {
    var start = 0
    while start < table.rows.count {
      let range = start..<min(start + rowsPerInsert, table.rows.count)
      if let single = db as? SingleSQLiteConnection {
        let (sql, values) = table.sqliteInsert(range)
        try await single.connection.query(sql, values) { _ in }
      } else {
        try await db.execute(sql: table.insert(range)) { _ in }
      }
      start += rowsPerInsert
    }
  }

  // MARK: Reading

  private func selectCases(on db: any SQLDatabase) -> SQLSelectBuilder {
    db.select().columns(CaseRow.columns.map { SQLColumn($0) }).from("cases")
  }

  public func find(id: CaseID) async throws -> Case? {
    try await selectCases(on: handle.sql).where("id", .equal, id).first(decoding: CaseRow.self)?.toCase()
  }

  public func find(reference: CaseReference) async throws -> Case? {
    try await selectCases(on: handle.sql).where("reference", .equal, reference.description)
      .first(decoding: CaseRow.self)?.toCase()
  }

  public func find(accessTokenHash: String) async throws -> Case? {
    try await selectCases(on: handle.sql).where("access_token_hash", .equal, accessTokenHash)
      .first(decoding: CaseRow.self)?.toCase()
  }

  public func messages(of caseID: CaseID) async throws -> [CaseMessage] {
    try await handle.sql.select().columns("id", "case_id", "kind", "author", "body", "created_at").from("case_messages")
      .where("case_id", .equal, caseID).orderBy("created_at").orderBy("id")
      .all(decoding: MessageRow.self).map { try $0.toMessage() }
  }

  public func auditTrail(of caseID: CaseID) async throws -> [AuditEvent] {
    try await handle.sql.select()
      .columns("id", "case_id", "actor", "occurred_at", "field", "before_value", "after_value")
      .from("audit_events").where("case_id", .equal, caseID).orderBy("occurred_at")
      .all(decoding: AuditRow.self).map { try $0.toEvent() }
  }

  public func links(of caseID: CaseID) async throws -> [LinkedCase] {
    let db = handle.sql
    struct Linked: Decodable {
      var relation: String
      var id: UUID
      var reference: String
      var subject: String
    }
    let outgoing = try await db.raw(
      """
      SELECT l.relation, c.id, c.reference, c.subject FROM case_links l JOIN cases c ON c.id = l.to_case_id
      WHERE l.from_case_id = \(bind: caseID) ORDER BY l.created_at
      """
    ).all(decoding: Linked.self)
    let incoming = try await db.raw(
      """
      SELECT l.relation, c.id, c.reference, c.subject FROM case_links l JOIN cases c ON c.id = l.from_case_id
      WHERE l.to_case_id = \(bind: caseID) ORDER BY l.created_at
      """
    ).all(decoding: Linked.self)
    func map(_ rows: [Linked], outgoing: Bool) -> [LinkedCase] {
      rows.compactMap { row in
        guard let relation = CaseLinkRelation(rawValue: row.relation), let reference = CaseReference(row.reference) else {
          return nil
        }
        return LinkedCase(relation: relation, outgoing: outgoing, id: row.id, reference: reference, subject: row.subject)
      }
    }
    return map(outgoing, outgoing: true) + map(incoming, outgoing: false)
  }

  public func list(_ query: CaseQuery) async throws -> CaseList {
    let postgres = handle.isPostgres
    let limit = max(1, min(query.limit, 200))
    let page = CaseListStatement.page(query, limit: limit, postgres: postgres, records: handle.readsRecords)
    var rows: [CaseRow] = []
    var deadlines: [CaseID: [Deadline]] = [:]
    if query.includeDeadlines {
      // One statement for the page and its deadlines: a second round trip to the database
      // thread halved the listing rate.
      let joined = try await handle.readRows(page) { row in
        (try CaseRow(reader: row), try DeadlineRow(reader: row, names: DeadlineRow.joinedColumns)?.deadline)
      }
      rows.reserveCapacity(joined.count)
      var seen = Set<CaseID>(minimumCapacity: joined.count)
      for (caseRow, deadline) in joined {
        if seen.insert(caseRow.id).inserted { rows.append(caseRow) }
        if let deadline { deadlines[caseRow.id, default: []].append(deadline) }
      }
      for (id, list) in deadlines where list.count > 1 { deadlines[id] = list.sorted(by: CaseListing.precedes) }
    } else {
      rows = try await handle.readRows(page) { try CaseRow(reader: $0) }
    }
    rows.sort { CaseListing.precedes($0, $1, in: query.sort) }
    let cases = try rows.prefix(limit).map { try $0.toCase() }
    var next: CaseCursor?
    if rows.count > limit, query.sort == .newest, let last = cases.last {
      next = CaseCursor(createdAt: last.createdAt, id: last.id)
    }
    var total = -1
    if query.includeTotal {
      let count = CaseListStatement.count(query, postgres: postgres)
      total = try await handle.readRows(count) { try $0.int("n") }.first ?? 0
    }
    return CaseList(cases: cases, total: total, nextCursor: next, deadlines: deadlines)
  }

  // MARK: Changing

  public func save(_ change: CaseChange) async throws {
    let record = change.updated
    try await handle.transaction { db in
      if let expected = change.complaintExpected { try await ComplaintRows.checkUnchanged(expected, on: db) }
      try await db.update("cases")
        .set("status", to: record.status.rawValue)
        .set("priority", to: record.priority.rawValue)
        .set("assignee_id", to: record.assigneeID)
        .set("team", to: record.team)
        .set("subject", to: record.subject)
        .set("tags", to: record.tags.joined(separator: ","))
        .set("clinical_flag", to: record.clinicalFlag)
        .set("emergency_flag", to: record.emergencyFlag)
        .set("updated_at", to: record.updatedAt)
        .where("id", .equal, record.id)
        .run()
      if change.tagsChanged {
        try await db.delete(from: "case_tags").where("case_id", .equal, record.id).run()
        try await Self.insert(record.tags.map { TagRow(case_id: record.id, tag: $0) }, into: "case_tags", on: db)
      }
      try await Self.insert(change.newMessages.map(MessageRow.init), into: "case_messages", on: db)
      try await Self.insert(change.audit.map(AuditRow.init), into: "audit_events", on: db)
      try await Self.insert(
        change.newLinks.map {
          LinkRow(from_case_id: $0.fromCaseID, to_case_id: $0.toCaseID, relation: $0.relation.rawValue, created_at: $0.createdAt)
        }, into: "case_links", on: db)
      try await Self.write(change.deadlines, on: db)
      try await Self.insert(change.outgoing.map(OutboxRow.init), into: "outbox", on: db)
      if let complaint = change.complaint {
        try await ComplaintRows.write(complaint, expecting: change.complaintExpectedStage, at: record.updatedAt, on: db)
      }
      if let incident = change.incident { try await IncidentRows.write(incident, at: record.updatedAt, on: db) }
      try await Self.insert(change.notifications.map(NotificationRow.init), into: "notifications", on: db)
      try await SQLWebhookDeliveries.insert(change.webhooks, urls: webhookURLs, at: record.updatedAt, on: db)
    }
  }

  public func complaint(of caseID: CaseID) async throws -> Complaint? {
    try await ComplaintRows.read(caseID, on: handle.sql)
  }

  public func incident(of caseID: CaseID) async throws -> Incident? {
    try await IncidentRows.read(caseID, on: handle.sql)
  }
}
