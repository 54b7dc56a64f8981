import CaseworkCore
import Foundation
import SQLKit

/// Deadline work that spans cases: the alerts the monitor announces, and recomputing every
/// open deadline when the policy or the calendar changes. Each announcement is one conditional
/// update, so however many processes sweep, a warning or a breach is announced once.
public struct SQLDeadlineStore: DeadlineStore {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  static var deadlineColumns: String { DeadlineRow.columns.map { "d.\($0)" }.joined(separator: ", ") }

  /// Alerts due at `now`, most urgent first.
  public func dueAlerts(now: Date, limit: Int = 200) async throws -> [DeadlineAlert] {
    let rows = try await handle.sql.raw(
      """
      SELECT \(unsafeRaw: Self.deadlineColumns), c.reference AS case_reference, c.kind AS case_kind, c.assignee_id AS case_assignee
      FROM deadlines d JOIN cases c ON c.id = d.case_id
      WHERE (d.state IN ('running', 'breached') AND d.due_at IS NOT NULL AND d.due_at <= \(bind: now)
          AND d.breach_notified_at IS NULL)
        OR (d.state = 'running' AND d.warn_at IS NOT NULL AND d.warn_at <= \(bind: now) AND d.warned_at IS NULL)
      ORDER BY d.due_at LIMIT \(literal: limit)
      """
    ).all()
    return try rows.map { row in
      let deadline = try DeadlineRow(row: row).deadline
      guard let kind = CaseKind(rawValue: try row.decode(column: "case_kind", as: String.self)) else {
        throw StoreError.corruptRow(table: "cases", id: deadline.caseID)
      }
      // A deadline already marked breached (recomputed, or received late) is still announced once.
      let breached = deadline.dueAt.map { $0 <= now } ?? false
      return DeadlineAlert(
        kind: breached ? .breach : .warning, deadline: deadline,
        caseReference: try row.decode(column: "case_reference", as: String.self),
        caseKind: kind, assigneeID: try row.decode(column: "case_assignee", as: UUID?.self))
    }
  }

  /// Marks the alert as announced and stores its notifications and audit event, in one
  /// transaction; false when another process announced it first.
  public func announce(
    _ alert: DeadlineAlert, notifications: [StaffNotification], audit: AuditEvent, emails: [OutgoingEmail] = [], now: Date
  ) async throws -> Bool {
    let id = alert.deadline.id
    return try await handle.transaction { db in
      let claimed: UUID?
      switch alert.kind {
      case .breach:
        claimed = try await db.raw(
          """
          UPDATE deadlines SET state = 'breached', breach_notified_at = \(bind: now), warned_at = COALESCE(warned_at, \(bind: now))
          WHERE id = \(bind: id) AND state IN ('running', 'breached') AND breach_notified_at IS NULL RETURNING id
          """
        ).first(decodingColumn: "id", as: UUID.self)
      case .warning:
        claimed = try await db.raw(
          """
          UPDATE deadlines SET warned_at = \(bind: now)
          WHERE id = \(bind: id) AND state = 'running' AND warned_at IS NULL RETURNING id
          """
        ).first(decodingColumn: "id", as: UUID.self)
      }
      guard claimed != nil else { return false }
      try await SQLCaseRepository.insert(notifications.map(NotificationRow.init), into: "notifications", on: db)
      try await SQLCaseRepository.insert([AuditRow(audit)], into: "audit_events", on: db)
      try await SQLCaseRepository.insert(emails.map(OutboxRow.init), into: "outbox", on: db)
      return true
    }
  }

  /// Open deadlines (running or paused) with their case's kind and priority, in pages by id.
  public func openDeadlines(after lastID: UUID?, limit: Int = 500) async throws -> [OpenDeadline] {
    let after = lastID.map { SQLQueryString(" AND d.id > \(bind: $0)") } ?? SQLQueryString("")
    let rows = try await handle.sql.raw(
      """
      SELECT \(unsafeRaw: Self.deadlineColumns), c.kind AS case_kind, c.priority AS case_priority FROM deadlines d JOIN cases c ON c.id = d.case_id
      WHERE d.state IN ('running', 'paused')\(after) ORDER BY d.id LIMIT \(literal: limit)
      """
    ).all()
    return try rows.map { row in
      let deadline = try DeadlineRow(row: row).deadline
      guard let kind = CaseKind(rawValue: try row.decode(column: "case_kind", as: String.self)),
        let priority = CasePriority(rawValue: try row.decode(column: "case_priority", as: String.self))
      else {
        throw StoreError.corruptRow(table: "cases", id: deadline.caseID)
      }
      return OpenDeadline(deadline: deadline, kind: kind, priority: priority)
    }
  }

  /// Writes recomputed deadlines and refreshes their cases' most urgent target.
  public func replace(_ deadlines: [Deadline]) async throws {
    guard !deadlines.isEmpty else { return }
    try await handle.transaction { db in try await SQLCaseRepository.write(deadlines, on: db) }
  }

  /// Closed complaints whose follow-up email is due (their `follow_up` deadline has come).
  public func dueFollowUps(now: Date) async throws -> [CaseID] {
    try await ComplaintRows.dueFollowUps(now: now, on: handle.sql)
  }
}

struct NotificationRow: InsertableRow {
  static let columns = ["id", "recipient_id", "case_id", "kind", "message", "created_at", "read_at"]
  var notification: StaffNotification

  init(_ notification: StaffNotification) {
    self.notification = notification
  }

  var values: [ColumnValue] {
    [
      .uuid(notification.id), .uuid(notification.recipientID), .uuid(notification.caseID), .text(notification.kind.rawValue),
      .text(notification.message), .time(notification.createdAt), .time(notification.readAt),
    ]
  }
}

public struct SQLNotificationRepository: NotificationRepository {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func notifications(for staffID: StaffID, limit: Int) async throws -> [StaffNotification] {
    let rows = try await handle.sql.select().columns(NotificationRow.columns.map { SQLColumn($0) }).from("notifications")
      .where("recipient_id", .equal, staffID).orderBy("created_at", .descending).limit(limit).all()
    return try rows.map { row in
      let id = try row.decode(column: "id", as: UUID.self)
      guard let kind = StaffNotification.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
        throw StoreError.corruptRow(table: "notifications", id: id)
      }
      return StaffNotification(
        id: id, recipientID: try row.decode(column: "recipient_id", as: UUID.self),
        caseID: try row.decode(column: "case_id", as: UUID?.self),
        kind: kind, message: try row.decode(column: "message", as: String.self),
        createdAt: try row.decode(column: "created_at", as: Date.self),
        readAt: try row.decode(column: "read_at", as: Date?.self))
    }
  }

  public func unreadCount(for staffID: StaffID) async throws -> Int {
    try await handle.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("notifications")
      .where("recipient_id", .equal, staffID).where("read_at", .is, SQLLiteral.null).first(decodingColumn: "n", as: Int.self) ?? 0
  }

  public func markAllRead(for staffID: StaffID, at now: Date) async throws {
    try await handle.sql.update("notifications").set("read_at", to: now).where("recipient_id", .equal, staffID)
      .where("read_at", .is, SQLLiteral.null).run()
  }

}
