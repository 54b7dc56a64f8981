import CaseworkCore
import Foundation
import SQLKit

/// Table rows as plain Codable values: what SQLKit encodes and decodes. They never leave the
/// store; repositories map them to Core's types.
struct CaseRow: Codable, Sendable {
  var id: UUID
  var reference: String
  var kind: String
  var status: String
  var priority: String
  var channel: String
  var subject: String
  var requester_name: String
  var requester_email: String
  var requester_phone: String?
  var requester_organisation: String?
  var requester_nhs_number: String?
  var assignee_id: UUID?
  var team: String?
  var tags: String
  var clinical_flag: Bool
  var emergency_flag: Bool
  var access_token_hash: String?
  var created_at: Date
  var received_at: Date
  var updated_at: Date
  var next_due_at: Date?

  static let columns = [
    "id", "reference", "kind", "status", "priority", "channel", "subject", "requester_name", "requester_email",
    "requester_phone", "requester_organisation", "requester_nhs_number", "assignee_id", "team", "tags",
    "clinical_flag", "emergency_flag", "access_token_hash", "created_at", "received_at", "updated_at", "next_due_at",
  ]

  /// The columns a listing reads: all but the requester's link hash, which a case read back
  /// never carries (lookups by it only compare it) and which, 64 characters in every row,
  /// would be the longest value most listed cases have.
  static let listedColumns = columns.filter { $0 != "access_token_hash" }

  /// A listed case, column by column (`listedColumns`): several times cheaper than the
  /// generic keyed row decoder.
  init(reader row: some ColumnReader) throws {
    id = try row.uuid("id")
    reference = try row.string("reference")
    kind = try row.string("kind")
    status = try row.string("status")
    priority = try row.string("priority")
    channel = try row.string("channel")
    subject = try row.string("subject")
    requester_name = try row.string("requester_name")
    requester_email = try row.string("requester_email")
    requester_phone = try row.optionalString("requester_phone")
    requester_organisation = try row.optionalString("requester_organisation")
    requester_nhs_number = try row.optionalString("requester_nhs_number")
    assignee_id = try row.optionalUUID("assignee_id")
    team = try row.optionalString("team")
    tags = try row.string("tags")
    clinical_flag = try row.bool("clinical_flag")
    emergency_flag = try row.bool("emergency_flag")
    access_token_hash = nil
    created_at = try row.date("created_at")
    received_at = try row.date("received_at")
    updated_at = try row.date("updated_at")
    next_due_at = try row.optionalDate("next_due_at")
  }

  init(_ record: Case, accessTokenHash: String?) {
    id = record.id
    reference = record.reference.description
    kind = record.kind.rawValue
    status = record.status.rawValue
    priority = record.priority.rawValue
    channel = record.channel.rawValue
    subject = record.subject
    requester_name = record.requester.name
    requester_email = record.requester.email
    requester_phone = record.requester.phone
    requester_organisation = record.requester.organisation
    requester_nhs_number = record.requester.nhsNumber?.digits
    assignee_id = record.assigneeID
    team = record.team
    tags = record.tags.joined(separator: ",")
    clinical_flag = record.clinicalFlag
    emergency_flag = record.emergencyFlag
    access_token_hash = accessTokenHash
    created_at = record.createdAt
    received_at = record.receivedAt
    updated_at = record.updatedAt
    next_due_at = record.nextDueAt?.wholeMilliseconds
  }

  /// The tags column's comma-separated list. Most cases have one tag or none, which need no
  /// split (a split allocates twice for every listed case).
  static func tagList(_ text: String) -> [String] {
    if text.isEmpty { return [] }
    if !text.utf8.contains(UInt8(ascii: ",")) { return [text] }
    return text.split(separator: ",").map(String.init)
  }

  func toCase() throws -> Case {
    guard let reference = CaseReference(reference), let kind = CaseKind(rawValue: kind),
      let status = CaseStatus(rawValue: status), let priority = CasePriority(rawValue: priority),
      let channel = Channel(rawValue: channel)
    else { throw StoreError.corruptRow(table: "cases", id: id) }
    return Case(
      id: id, reference: reference, kind: kind, status: status, priority: priority, channel: channel,
      subject: subject,
      requester: Requester(
        name: requester_name, email: requester_email, phone: requester_phone, organisation: requester_organisation,
        nhsNumber: requester_nhs_number.flatMap(NHSNumber.init)),
      assigneeID: assignee_id, team: team, tags: Self.tagList(tags),
      clinicalFlag: clinical_flag, emergencyFlag: emergency_flag, createdAt: created_at, receivedAt: received_at,
      updatedAt: updated_at, nextDueAt: next_due_at)
  }
}

struct MessageRow: Codable, Sendable {
  var id: UUID
  var case_id: UUID
  var kind: String
  var author: String
  var body: String
  var created_at: Date

  init(_ message: CaseMessage) {
    id = message.id
    case_id = message.caseID
    kind = message.kind.rawValue
    author = message.author.description
    body = message.body
    created_at = message.createdAt
  }

  func toMessage() throws -> CaseMessage {
    guard let kind = MessageKind(rawValue: kind), let author = Actor(author) else {
      throw StoreError.corruptRow(table: "case_messages", id: id)
    }
    return CaseMessage(id: id, caseID: case_id, kind: kind, author: author, body: body, createdAt: created_at)
  }
}

struct AuditRow: Codable, Sendable {
  var id: UUID
  var case_id: UUID
  var actor: String
  var occurred_at: Date
  var field: String
  var before_value: String?
  var after_value: String?

  init(_ event: AuditEvent) {
    id = event.id
    case_id = event.caseID
    actor = event.actor.description
    occurred_at = event.at
    field = event.field
    before_value = event.before
    after_value = event.after
  }

  func toEvent() throws -> AuditEvent {
    guard let actor = Actor(actor) else { throw StoreError.corruptRow(table: "audit_events", id: id) }
    return AuditEvent(
      id: id, caseID: case_id, actor: actor, at: occurred_at, field: field, before: before_value, after: after_value)
  }
}

struct TagRow: Codable, Sendable {
  var case_id: UUID
  var tag: String
}

struct LinkRow: Codable, Sendable {
  var from_case_id: UUID
  var to_case_id: UUID
  var relation: String
  var created_at: Date
}

struct StaffRow: Codable, Sendable {
  var id: UUID
  var email: String
  var name: String
  var role: String
  var password_hash: String
  var must_change_password: Bool
  var active: Bool
  var created_at: Date

  init(_ user: StaffUser) {
    id = user.id
    email = user.email
    name = user.name
    role = user.role.rawValue
    password_hash = user.passwordHash
    must_change_password = user.mustChangePassword
    active = user.active
    created_at = user.createdAt
  }

  func toUser() throws -> StaffUser {
    guard let role = StaffRole(rawValue: role) else { throw StoreError.corruptRow(table: "staff_users", id: id) }
    return StaffUser(
      id: id, email: email, name: name, role: role, passwordHash: password_hash,
      mustChangePassword: must_change_password, active: active, createdAt: created_at)
  }
}

struct TokenRow: Codable, Sendable {
  var id: UUID
  var user_id: UUID
  var name: String
  var token_hash: String
  var created_at: Date
  var revoked_at: Date?
  var last_used_at: Date?

  init(_ token: APIToken) {
    id = token.id
    user_id = token.userID
    name = token.name
    token_hash = token.tokenHash
    created_at = token.createdAt
    revoked_at = token.revokedAt
    last_used_at = token.lastUsedAt
  }

  func toToken() -> APIToken {
    APIToken(
      id: id, userID: user_id, name: name, tokenHash: token_hash, createdAt: created_at, revokedAt: revoked_at,
      lastUsedAt: last_used_at)
  }
}

public enum StoreError: Error, Sendable, CustomStringConvertible {
  case corruptRow(table: String, id: UUID)
  case duplicate(String)
  case counterUnavailable(kind: String, year: Int)
  case writerStopped

  public var description: String {
    switch self {
    case .corruptRow(let table, let id): "A row in \(table) (\(id)) holds a value this version does not know."
    case .duplicate(let what): "\(what) already exists."
    case .counterUnavailable(let kind, let year): "The reference counter for \(kind) \(year) could not be read or created."
    case .writerStopped: "The server is shutting down and no longer writes new cases."
    }
  }
}

/// A row that lists its own columns and values, so that bulk inserts skip SQLKit's Codable row
/// encoder (profiled as the largest cost inside the serial commit of case creation).
protocol InsertableRow {
  static var columns: [String] { get }
  /// The row's values, in `columns`' order.
  var values: [ColumnValue] { get }
}

/// One value of a row to insert, with its type even when it is NULL, so that each way in binds
/// it directly: SQLKit's statement (`expression`), SQLite's values on the writer (`sqlite`),
/// and PostgreSQL's column arrays (`PostgresColumnArray`). Checking each value's type at run
/// time, as bound values, was a tenth of the SQLite writer's time in creating cases.
enum ColumnValue: Sendable, Equatable {
  case uuid(UUID?)
  case text(String?)
  case time(Date?)
  case flag(Bool?)
  case integer(Int?)
  case double(Double?)

  /// The value as SQLKit binds it for the engine.
  func expression(_ d: BindDialect) -> any SQLExpression {
    switch self {
    case .uuid(let value): d.uuid(value)
    case .text(let value): d.text(value)
    case .time(let value): d.time(value)
    case .flag(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
    case .integer(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
    case .double(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
    }
  }
}

/// How values are bound for the engine: SQLite stores UUIDs as their text (what the Codable
/// path stored too), PostgreSQL as `uuid`.
struct BindDialect {
  var postgres: Bool

  func uuid(_ value: UUID) -> any SQLExpression { postgres ? SQLBind(value) : SQLBind(value.uppercaseString) }
  func uuid(_ value: UUID?) -> any SQLExpression { value.map { uuid($0) } ?? SQLLiteral.null }
  func text(_ value: String) -> any SQLExpression { SQLBind(value) }
  func text(_ value: String?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
  func time(_ value: Date) -> any SQLExpression { SQLBind(value) }
  func time(_ value: Date?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
}

extension CaseRow: InsertableRow {
  var values: [ColumnValue] {
    [
      .uuid(id), .text(reference), .text(kind), .text(status), .text(priority), .text(channel), .text(subject),
      .text(requester_name), .text(requester_email), .text(requester_phone), .text(requester_organisation),
      .text(requester_nhs_number), .uuid(assignee_id), .text(team), .text(tags), .flag(clinical_flag),
      .flag(emergency_flag), .text(access_token_hash), .time(created_at), .time(received_at), .time(updated_at),
      .time(next_due_at),
    ]
  }
}

extension MessageRow: InsertableRow {
  static let columns = ["id", "case_id", "kind", "author", "body", "created_at"]
  var values: [ColumnValue] { [.uuid(id), .uuid(case_id), .text(kind), .text(author), .text(body), .time(created_at)] }
}

extension AuditRow: InsertableRow {
  static let columns = ["id", "case_id", "actor", "occurred_at", "field", "before_value", "after_value"]
  var values: [ColumnValue] {
    [.uuid(id), .uuid(case_id), .text(actor), .time(occurred_at), .text(field), .text(before_value), .text(after_value)]
  }
}

extension TagRow: InsertableRow {
  static let columns = ["case_id", "tag"]
  var values: [ColumnValue] { [.uuid(case_id), .text(tag)] }
}

extension LinkRow: InsertableRow {
  static let columns = ["from_case_id", "to_case_id", "relation", "created_at"]
  var values: [ColumnValue] { [.uuid(from_case_id), .uuid(to_case_id), .text(relation), .time(created_at)] }
}

/// One table's new rows, and the engine they are for.
struct TableRows {
  var table: String
  var columns: [String]
  var rows: [[ColumnValue]]
  var dialect: BindDialect

  init<Row: InsertableRow>(_ rows: [Row], into table: String, _ dialect: BindDialect) {
    self.table = table
    columns = Row.columns
    self.rows = rows.map(\.values)
    self.dialect = dialect
  }

  /// An INSERT of the rows in `range`.
  func insert(_ range: Range<Int>? = nil) -> SQLInsert {
    var insert = SQLInsert(table: SQLIdentifier(table))
    // Our column names are plain lower-case words, written as they are: quoting each one
    // through the dialect, for every statement, was 2% of the CPU of creating cases.
    insert.columns = [SQLRaw(columns.joined(separator: ", "))]
    insert.values = rows[range ?? rows.indices].map { row in row.map { $0.expression(dialect) } }
    return insert
  }
}

/// Several tables' rows in one PostgreSQL statement: every INSERT but the last in a WITH
/// clause, each taking its rows as arrays where it can (`TableRows.unnestInsert`). The server
/// runs each to completion, and checks foreign keys at the statement's end, so a case's
/// messages may sit beside the case itself.
struct InsertsTogether: SQLExpression {
  private let inserts: [any SQLExpression]

  init(tables: [TableRows]) {
    inserts = tables.map { table in table.unnestInsert() ?? table.insert() }
  }

  func serialize(to serializer: inout SQLSerializer) {
    guard let last = inserts.last else { return }
    for (index, insert) in inserts.dropLast().enumerated() {
      serializer.write(index == 0 ? "WITH " : ", ")
      serializer.write("insert_\(index) AS (")
      insert.serialize(to: &serializer)
      serializer.write(")")
    }
    if inserts.count > 1 { serializer.write(" ") }
    last.serialize(to: &serializer)
  }
}
