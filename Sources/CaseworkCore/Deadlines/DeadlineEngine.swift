import Foundation

/// Applies the policy to a case's deadlines: starts them, stops, pauses and resumes them when
/// events happen, recomputes targets when the policy or the calendar changes, and marks
/// breaches. Pure: the caller stores what it returns.
public struct DeadlineEngine: Sendable {
  public let policy: DeadlinePolicy
  public let calendars: Calendars

  public init(policy: DeadlinePolicy, calendars: Calendars) {
    self.policy = policy
    self.calendars = calendars
  }

  /// The shipped policy on the shipped calendar.
  public static let standard = DeadlineEngine(
    policy: .standard, calendars: Calendars(holidays: BankHolidayFile.shipped(), timetables: DeadlinePolicy.standard.timetables))

  /// New deadlines that `event` starts, skipping any of the same name still open.
  public func start(
    _ event: DeadlineEvent, caseID: CaseID, kind: CaseKind, severity: Int? = nil, priority: CasePriority? = nil,
    at instant: Date, existing: [Deadline] = []
  ) -> [Deadline] {
    policy.rules(startedBy: event, kind: kind, severity: severity, priority: priority).compactMap { rule in
      guard !existing.contains(where: { $0.name == rule.name && $0.isOpen }) else { return nil }
      var deadline = Deadline(
        caseID: caseID, name: rule.name, clock: rule.clock, length: rule.length, warnFraction: rule.warnFraction,
        pausable: rule.pausable, startAt: instant)
      (deadline.dueAt, deadline.warnAt) = calendars.schedule(deadline)
      return deadline
    }
  }

  /// What `event` does to open deadlines: stops the ones it meets, pauses or resumes the
  /// pausable ones. Returns only those that changed.
  public func apply(
    _ event: DeadlineEvent, kind: CaseKind, severity: Int? = nil, priority: CasePriority? = nil, to deadlines: [Deadline],
    at instant: Date
  ) -> [Deadline] {
    deadlines.compactMap { deadline in
      guard deadline.isOpen || (deadline.state == .breached && deadline.metAt == nil) else { return nil }
      var changed = deadline
      let rule = policy.rule(named: deadline.name, kind: kind, severity: severity, priority: priority)
      if rule?.stops.contains(event) == true {
        if let last = changed.pauses.indices.last, changed.pauses[last].to == nil { changed.pauses[last].to = instant }
        changed.metAt = instant
        if changed.state != .breached { changed.state = .met }
        return changed
      }
      guard deadline.pausable, deadline.isOpen else { return nil }
      switch event {
      case .awaitingRequester where deadline.state == .running:
        changed.pauses.append(Deadline.Pause(from: instant))
        changed.state = .paused
      case .requesterReplied where deadline.state == .paused:
        if let last = changed.pauses.indices.last { changed.pauses[last].to = instant }
        changed.state = .running
      default:
        return nil
      }
      (changed.dueAt, changed.warnAt) = calendars.schedule(changed)
      return changed
    }
  }

  /// An open deadline worked out again under the current policy and calendar: same start,
  /// pauses and extensions, so the time already counted is kept.
  public func recompute(_ deadline: Deadline, kind: CaseKind, severity: Int? = nil, priority: CasePriority? = nil)
    -> Deadline
  {
    guard deadline.isOpen else { return deadline }
    var updated = deadline
    if let rule = policy.rule(named: deadline.name, kind: kind, severity: severity, priority: priority) {
      updated.clock = rule.clock
      updated.length = rule.length
      updated.warnFraction = rule.warnFraction
      updated.pausable = rule.pausable
      if !rule.pausable, let last = updated.pauses.indices.last, updated.pauses[last].to == nil {
        updated.pauses[last].to = deadline.pauses[last].from
        updated.state = .running
      }
    }
    (updated.dueAt, updated.warnAt) = calendars.schedule(updated)
    return updated
  }

  /// A new target set by a person, with a reason; refused for a closed deadline or a target
  /// that is not later than now.
  public func extend(_ deadline: Deadline, to newDueAt: Date, reason: String, by person: String, at instant: Date)
    throws(CaseworkError)
    -> Deadline
  {
    guard deadline.isOpen || deadline.state == .breached, deadline.metAt == nil else {
      throw .invalid([FieldError(field: "dueAt", message: "This deadline has been met; there is nothing to extend.")])
    }
    let reasonText = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !reasonText.isEmpty else {
      throw .invalid([FieldError(field: "reason", message: "Give the reason for the new date; the requester is told it.")])
    }
    guard newDueAt > instant else {
      throw .invalid([FieldError(field: "dueAt", message: "The new date must be in the future.")])
    }
    var updated = deadline
    updated.extensions.append(
      Deadline.Extension(at: instant, by: person, reason: reasonText, previousDueAt: deadline.dueAt, newDueAt: newDueAt))
    if updated.state == .breached {
      updated.state = updated.pauses.last?.to == nil && !updated.pauses.isEmpty ? .paused : .running
    }
    updated.warnedAt = nil
    updated.breachNotifiedAt = nil
    (updated.dueAt, updated.warnAt) = calendars.schedule(updated)
    return updated
  }

  /// Running deadlines whose target has passed become breached.
  public func refresh(_ deadline: Deadline, now: Date) -> Deadline {
    guard deadline.state == .running, let due = deadline.dueAt, now > due else { return deadline }
    var updated = deadline
    updated.state = .breached
    return updated
  }

  /// The deadline events a change of status raises.
  public static func events(from old: CaseStatus, to new: CaseStatus) -> [DeadlineEvent] {
    guard old != new else { return [] }
    var events: [DeadlineEvent] = []
    if old == .pendingRequester { events.append(.requesterReplied) }
    switch new {
    case .pendingRequester: events.append(.awaitingRequester)
    case .resolved: events.append(.resolved)
    case .closed: events.append(.closed)
    case .new, .open: break
    }
    return events
  }
}

/// The engine in force, replaced when the policy or the bank holidays change while the
/// server runs; readers always see a whole engine.
public final class CurrentDeadlineEngine: @unchecked Sendable {
  // @unchecked: `engine` is only read or written while holding `lock`.
  private let lock = NSLock()
  private var engine: DeadlineEngine
  private var basis: String

  public init(_ engine: DeadlineEngine, basis: String = "") {
    self.engine = engine
    self.basis = basis
  }

  public var value: DeadlineEngine {
    lock.lock()
    defer { lock.unlock() }
    return engine
  }

  /// A fingerprint of what the engine was built from, to notice a change.
  public var currentBasis: String {
    lock.lock()
    defer { lock.unlock() }
    return basis
  }

  public func replace(with engine: DeadlineEngine, basis: String) {
    lock.lock()
    self.engine = engine
    self.basis = basis
    lock.unlock()
  }
}
