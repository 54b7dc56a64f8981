import CaseworkCore
import CaseworkStore
import Crypto
import Foundation
import Vapor

/// Keeps deadlines true while the server runs: rebuilds the engine when the policy or the
/// imported bank holidays change (recomputing every open deadline once, keeping elapsed time),
/// and announces warnings and breaches to the assignee and the support managers. Runs as a job
/// through the jobs table, so any number of processes can share the work.
public struct DeadlineMonitor: Sendable {
  public static let jobKind = "deadline_sweep"
  static let holidaysKey = "bank_holidays"
  static let basisKey = "deadline_basis"

  let services: CaseworkServices
  let logger: Logger

  public init(services: CaseworkServices, logger: Logger) {
    self.services = services
    self.logger = logger
  }

  var store: SQLDeadlineStore { services.deadlineStore }

  // MARK: Calendar and policy

  /// The shipped bank holidays with every imported GOV.UK file merged on top.
  public func holidays() async throws -> BankHolidays {
    let shipped = BankHolidayFile.shipped()
    guard let text = try await services.settings.setting(Self.holidaysKey) else { return shipped }
    guard let imported = try? BankHolidayFile.parse(Data(text.utf8)) else {
      logger.error("stored bank holidays cannot be read; using the shipped dates")
      return shipped
    }
    return shipped.merging(imported)
  }

  /// Merges a GOV.UK file into the stored imports (its years replace the same years; others
  /// are kept), then recomputes open deadlines. Returns what the calendar covers afterwards.
  public func importHolidays(_ newer: BankHolidays) async throws -> BankHolidays {
    var stored = BankHolidays(events: [])
    if let text = try await services.settings.setting(Self.holidaysKey),
      let previous = try? BankHolidayFile.parse(Data(text.utf8))
    {
      stored = previous
    }
    let merged = stored.merging(newer)
    try await services.settings.setSetting(
      Self.holidaysKey, to: BankHolidayFile.encode(merged), at: services.clock.now().wholeMilliseconds)
    return BankHolidayFile.shipped().merging(merged)
  }

  /// A fingerprint of the rules and dates deadlines are computed from.
  static func basis(policy: DeadlinePolicy, holidays: BankHolidays) -> String {
    let text = policy.summary + "\n" + holidays.sortedDates.map(\.description).joined(separator: ",")
    return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// Rebuilds the engine if the policy or calendar changed, and recomputes the open deadlines
  /// if the database last saw a different basis. Returns how many deadlines were recomputed.
  @discardableResult
  public func refresh() async throws -> Int {
    let policy = services.config.policy
    let holidays = try await holidays()
    let basis = Self.basis(policy: policy, holidays: holidays)
    if basis != services.deadlineEngine.currentBasis {
      let engine = DeadlineEngine(policy: policy, calendars: Calendars(holidays: holidays, timetables: policy.timetables))
      services.deadlineEngine.replace(with: engine, basis: basis)
    }
    guard try await services.settings.setting(Self.basisKey) != basis else { return 0 }
    let count = try await recomputeAll()
    try await services.settings.setSetting(Self.basisKey, to: basis, at: services.clock.now().wholeMilliseconds)
    logger.info("deadlines recomputed", metadata: ["count": .stringConvertible(count)])
    return count
  }

  /// Every open deadline worked out again from its start, pauses and extensions.
  public func recomputeAll() async throws -> Int {
    let engine = services.deadlineEngine.value
    let now = services.clock.now()
    var last: UUID?
    var count = 0
    while true {
      let page = try await store.openDeadlines(after: last)
      guard let final = page.last else { break }
      // Incident deadlines differ by severity: each is recomputed under its incident's.
      var severities: [CaseID: Int] = [:]
      for (deadline, kind, _) in page where kind == .incident && severities[deadline.caseID] == nil {
        severities[deadline.caseID] = try await services.cases.cases.incident(of: deadline.caseID)?.severity
      }
      let updated = page.map { deadline, kind, priority in
        engine.refresh(
          engine.recompute(deadline, kind: kind, severity: severities[deadline.caseID], priority: priority), now: now)
      }
      try await store.replace(updated.filter { new in page.contains { $0.0.id == new.id && $0.0 != new } })
      count += page.count
      last = final.0.id
    }
    return count
  }

  // MARK: Warnings and breaches

  /// Announces every due warning and breach once. Returns how many this process announced.
  @discardableResult
  public func sweep() async throws -> Int {
    try await refresh()
    try await sendFollowUps()
    // Email kept while intake was stopped, once it has restarted (in case no one pressed the button here).
    try await services.mail.processDeferred()
    let now = services.clock.now().wholeMilliseconds
    let staff = try await services.staff.all().filter(\.active)
    let byID = Dictionary(staff.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let managers = staff.filter { $0.role == .supportManager }.map(\.id)
    let text = DeadlineText(calendars: services.deadlineEngine.value.calendars)
    var announced = 0
    for alert in try await store.dueAlerts(now: now) {
      var recipients = managers
      // An incident's reminders (an update is due, the target is close) go to its working group.
      if let incident = try? await services.cases.cases.incident(of: alert.deadline.caseID), !incident.members.isEmpty {
        recipients = incident.members.map(\.staffID).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
      }
      if let assignee = alert.assigneeID, !recipients.contains(assignee) { recipients.insert(assignee, at: 0) }
      let name = alert.deadline.name.replacingOccurrences(of: "_", with: " ")
      let message: String
      let kind: StaffNotification.Kind
      switch alert.kind {
      case .warning:
        kind = .deadlineWarning
        message = "\(alert.caseReference): \(name) is close, \(text.timeLeft(alert.deadline, now: now))."
      case .breach:
        kind = .deadlineBreach
        var breached = alert.deadline
        breached.state = .breached
        message = "\(alert.caseReference): \(name) was missed (\(text.timeLeft(breached, now: now)))."
      }
      let notifications = recipients.map {
        StaffNotification(recipientID: $0, caseID: alert.deadline.caseID, kind: kind, message: message, createdAt: now)
      }
      let audit = AuditEvent(
        caseID: alert.deadline.caseID, actor: .system, at: now, field: "deadline.\(alert.deadline.name)",
        before: CaseService.summary(alert.deadline), after: alert.kind == .breach ? "breached" : "warning sent")
      // The same words by email, to each recipient's own address.
      let link = services.config.publicURL + "/staff/cases/" + alert.deadline.caseID.lowercaseString
      let emails = notifications.compactMap { notification -> OutgoingEmail? in
        guard let person = byID[notification.recipientID] else { return nil }
        return OutgoingEmail(
          caseID: alert.deadline.caseID, caseMessageID: notification.id, toName: person.name, toAddress: person.email,
          subject: alert.kind == .breach ? "Deadline missed: \(alert.caseReference)" : "Deadline close: \(alert.caseReference)",
          body: message + "\n\nOpen the case: " + link, isAutomatic: false, createdAt: now)
      }
      if try await store.announce(alert, notifications: notifications, audit: audit, emails: emails, now: now) { announced += 1 }
    }
    return announced
  }

  /// Sends every due complaint follow-up (domain §5), before the deadline could be reported
  /// as missed. Each goes out once however many processes sweep: the move is conditional on
  /// the complaint still being closed. Returns how many this process sent.
  @discardableResult
  public func sendFollowUps() async throws -> Int {
    var sent = 0
    for id in try await store.dueFollowUps(now: services.clock.now()) {
      if try await services.cases.sendFollowUp(id) != nil { sent += 1 }
    }
    return sent
  }

  /// The job handler: sweep, then queue the next sweep.
  public func handler() -> JobWorker.Handler {
    { _ in
      try await sweep()
      try await services.jobs.enqueueUnlessPending(
        kind: Self.jobKind, payload: "{}",
        runAt: services.clock.now().addingTimeInterval(TimeInterval(services.config.deadlineSweepSeconds)))
    }
  }
}
