import Foundation

/// A deadline whose warning point or target has passed and has not been announced yet.
public struct DeadlineAlert: Sendable {
  public enum Kind: String, Sendable {
    case warning, breach
  }

  public var kind: Kind
  public var deadline: Deadline
  public var caseReference: String
  public var caseKind: CaseKind
  public var assigneeID: StaffID?

  public init(kind: Kind, deadline: Deadline, caseReference: String, caseKind: CaseKind, assigneeID: StaffID?) {
    self.kind = kind
    self.deadline = deadline
    self.caseReference = caseReference
    self.caseKind = caseKind
    self.assigneeID = assigneeID
  }
}

/// An open deadline (running or paused) with what recomputing it depends on.
public struct OpenDeadline: Sendable {
  public var deadline: Deadline
  public var kind: CaseKind
  public var priority: CasePriority

  public init(deadline: Deadline, kind: CaseKind, priority: CasePriority) {
    self.deadline = deadline
    self.kind = kind
    self.priority = priority
  }
}

/// Deadline work that spans cases. `announce` stores the notifications, audit event and emails
/// with the claim in one transaction, and is conditional, so however many processes sweep, an
/// alert is announced once.
public protocol DeadlineStore: Sendable {
  /// Alerts due at `now`, most urgent first.
  func dueAlerts(now: Date, limit: Int) async throws -> [DeadlineAlert]
  /// False when another process announced it first.
  func announce(
    _ alert: DeadlineAlert, notifications: [StaffNotification], audit: AuditEvent, emails: [OutgoingEmail], now: Date
  ) async throws -> Bool
  /// Open deadlines in pages by id.
  func openDeadlines(after lastID: UUID?, limit: Int) async throws -> [OpenDeadline]
  /// Writes recomputed deadlines and refreshes their cases' most urgent target.
  func replace(_ deadlines: [Deadline]) async throws
  /// Closed complaints whose follow-up email is due.
  func dueFollowUps(now: Date) async throws -> [CaseID]
}

/// Values every process shares (imported holidays, the deadline basis, keys).
public protocol SettingsStore: Sendable {
  func setting(_ key: String) async throws -> String?
  func setSetting(_ key: String, to value: String, at now: Date) async throws
  /// Sets a value only if the key has none (the first process to get there wins).
  func setSettingIfAbsent(_ key: String, to value: String, at now: Date) async throws
}

/// Keeps deadlines true: rebuilds the engine when the policy or the imported bank holidays
/// change (recomputing every open deadline once, keeping elapsed time), sends complaint
/// follow-ups when due, and announces warnings and breaches, each once, to the people who
/// must act: the assignee, and the incident's working group or else the support managers, in
/// the console and by email.
public struct DeadlineMonitor: Sendable {
  static let holidaysKey = "bank_holidays"
  static let basisKey = "deadline_basis"

  let cases: CaseService
  let store: any DeadlineStore
  let settings: any SettingsStore
  let people: StaffDirectory
  let policy: DeadlinePolicy
  let fingerprint: any SecretHasher
  /// The console's page for a case, as a full link for an email.
  let staffCaseLink: @Sendable (CaseID) -> String
  /// Told of a problem a person should look into (stored holidays that cannot be read).
  let report: @Sendable (String) -> Void

  public init(
    cases: CaseService, store: any DeadlineStore, settings: any SettingsStore, people: StaffDirectory,
    policy: DeadlinePolicy, fingerprint: any SecretHasher, staffCaseLink: @escaping @Sendable (CaseID) -> String,
    report: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.cases = cases
    self.store = store
    self.settings = settings
    self.people = people
    self.policy = policy
    self.fingerprint = fingerprint
    self.staffCaseLink = staffCaseLink
    self.report = report
  }

  var clock: any WallClock { cases.clock }

  // MARK: Calendar and policy

  /// The shipped bank holidays with every imported GOV.UK file merged on top.
  public func holidays() async throws -> BankHolidays {
    let shipped = BankHolidayFile.shipped()
    guard let text = try await settings.setting(Self.holidaysKey) else { return shipped }
    guard let imported = try? BankHolidayFile.parse(Data(text.utf8)) else {
      report("stored bank holidays cannot be read; using the shipped dates")
      return shipped
    }
    return shipped.merging(imported)
  }

  /// Merges a GOV.UK file into the stored imports (its years replace the same years; others
  /// are kept). Returns what the calendar covers afterwards; `refresh` then recomputes.
  public func importHolidays(_ newer: BankHolidays) async throws -> BankHolidays {
    var stored = BankHolidays(events: [])
    if let text = try await settings.setting(Self.holidaysKey), let previous = try? BankHolidayFile.parse(Data(text.utf8)) {
      stored = previous
    }
    let merged = stored.merging(newer)
    try await settings.setSetting(Self.holidaysKey, to: BankHolidayFile.encode(merged), at: clock.now().wholeMilliseconds)
    return BankHolidayFile.shipped().merging(merged)
  }

  /// A fingerprint of the rules and dates deadlines are computed from.
  func basis(holidays: BankHolidays) -> String {
    fingerprint.digest(policy.summary + "\n" + holidays.sortedDates.map(\.description).joined(separator: ","))
  }

  /// Rebuilds the engine if the policy or calendar changed, and recomputes the open deadlines
  /// if the database last saw a different basis. Returns how many deadlines were recomputed.
  @discardableResult
  public func refresh() async throws -> Int {
    let holidays = try await holidays()
    let basis = basis(holidays: holidays)
    if basis != cases.deadlineEngine.currentBasis {
      let engine = DeadlineEngine(policy: policy, calendars: Calendars(holidays: holidays, timetables: policy.timetables))
      cases.deadlineEngine.replace(with: engine, basis: basis)
    }
    guard try await settings.setting(Self.basisKey) != basis else { return 0 }
    let count = try await recomputeAll()
    try await settings.setSetting(Self.basisKey, to: basis, at: clock.now().wholeMilliseconds)
    return count
  }

  /// Every open deadline worked out again from its start, pauses and extensions.
  public func recomputeAll() async throws -> Int {
    let engine = cases.deadlineEngine.value
    let now = clock.now()
    var last: UUID?
    var count = 0
    while true {
      let page = try await store.openDeadlines(after: last, limit: 500)
      guard let final = page.last else { break }
      // Incident deadlines differ by severity: each is recomputed under its incident's.
      var severities: [CaseID: Int] = [:]
      for open in page where open.kind == .incident && severities[open.deadline.caseID] == nil {
        severities[open.deadline.caseID] = try await cases.cases.incident(of: open.deadline.caseID)?.severity
      }
      let changed = page.compactMap { open -> Deadline? in
        let new = engine.refresh(
          engine.recompute(open.deadline, kind: open.kind, severity: severities[open.deadline.caseID], priority: open.priority),
          now: now)
        return new == open.deadline ? nil : new
      }
      try await store.replace(changed)
      count += page.count
      last = final.deadline.id
    }
    return count
  }

  // MARK: Warnings and breaches

  /// Follow-ups first (before their deadline could be reported missed), then every due warning
  /// and breach once. Returns how many alerts this process announced.
  @discardableResult
  public func sweep() async throws -> Int {
    try await refresh()
    try await sendFollowUps()
    return try await announceDueAlerts()
  }

  /// Announces every due warning and breach once. Returns how many this process announced.
  @discardableResult
  public func announceDueAlerts() async throws -> Int {
    let now = clock.now().wholeMilliseconds
    let active = try await people.active()
    let managers = active.filter { $0.role == .supportManager }.map(\.id)
    let text = DeadlineText(calendars: cases.deadlineEngine.value.calendars)
    var announced = 0
    for alert in try await store.dueAlerts(now: now, limit: 200) {
      let incident = try? await cases.cases.incident(of: alert.deadline.caseID)
      let recipients = Self.recipients(of: alert, incident: incident, managers: managers)
      let (kind, message) = Self.words(for: alert, text: text, now: now)
      let notifications = recipients.map {
        StaffNotification(recipientID: $0, caseID: alert.deadline.caseID, kind: kind, message: message, createdAt: now)
      }
      let audit = AuditEvent(
        caseID: alert.deadline.caseID, actor: .system, at: now, field: "deadline.\(alert.deadline.name)",
        before: CaseService.summary(alert.deadline), after: alert.kind == .breach ? "breached" : "warning sent")
      let emails = notifications.compactMap { notification -> OutgoingEmail? in
        guard let person = active.first(where: { $0.id == notification.recipientID }) else { return nil }
        return OutgoingEmail(
          caseID: alert.deadline.caseID, caseMessageID: notification.id, toName: person.name, toAddress: person.email,
          subject: alert.kind == .breach ? "Deadline missed: \(alert.caseReference)" : "Deadline close: \(alert.caseReference)",
          body: message + "\n\nOpen the case: " + staffCaseLink(alert.deadline.caseID), isAutomatic: false, createdAt: now)
      }
      if try await store.announce(alert, notifications: notifications, audit: audit, emails: emails, now: now) { announced += 1 }
    }
    return announced
  }

  /// Who is told: the assignee first, then an incident's working group (its reminders are
  /// theirs), or else the support managers; each once.
  public static func recipients(of alert: DeadlineAlert, incident: Incident?, managers: [StaffID]) -> [StaffID] {
    var recipients = managers
    if let incident, !incident.members.isEmpty {
      recipients = incident.members.map(\.staffID).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
    if let assignee = alert.assigneeID, !recipients.contains(assignee) { recipients.insert(assignee, at: 0) }
    return recipients
  }

  /// "SR-2026-000123: first response is close, 2 working hours left."
  static func words(for alert: DeadlineAlert, text: DeadlineText, now: Date) -> (StaffNotification.Kind, String) {
    let name = alert.deadline.name.replacingOccurrences(of: "_", with: " ")
    switch alert.kind {
    case .warning:
      return (.deadlineWarning, "\(alert.caseReference): \(name) is close, \(text.timeLeft(alert.deadline, now: now)).")
    case .breach:
      var breached = alert.deadline
      breached.state = .breached
      return (.deadlineBreach, "\(alert.caseReference): \(name) was missed (\(text.timeLeft(breached, now: now))).")
    }
  }

  /// Sends every due complaint follow-up (domain §5). Each goes out once however many
  /// processes sweep: the move is conditional on the complaint still being closed.
  @discardableResult
  public func sendFollowUps() async throws -> Int {
    var sent = 0
    for id in try await store.dueFollowUps(now: clock.now()) where try await cases.sendFollowUp(id) != nil {
      sent += 1
    }
    return sent
  }
}
