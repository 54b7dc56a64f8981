import Foundation

/// A deadline on a case (domain §3): a record, not a date worked out once. The target is
/// recomputed from the start, the length, the pauses and the extensions whenever the policy or
/// the calendar changes, so time already elapsed is kept.
public struct Deadline: Sendable, Equatable, Codable, Identifiable {
  public enum State: String, Sendable, Codable, CaseIterable {
    case running, paused, met, breached
  }

  /// A stretch during which the deadline did not count; `to` is nil while it lasts.
  public struct Pause: Sendable, Equatable, Codable {
    public var from: Date
    public var to: Date?
    public init(from: Date, to: Date? = nil) {
      self.from = from
      self.to = to
    }
  }

  /// A new target set by a person, with the reason the requester is told.
  public struct Extension: Sendable, Equatable, Codable {
    public var at: Date
    public var by: String
    public var reason: String
    public var previousDueAt: Date?
    public var newDueAt: Date
    public init(at: Date, by: String, reason: String, previousDueAt: Date?, newDueAt: Date) {
      self.at = at
      self.by = by
      self.reason = reason
      self.previousDueAt = previousDueAt
      self.newDueAt = newDueAt
    }
  }

  public var id: UUID
  public var caseID: CaseID
  public var name: String
  public var clock: DeadlineClock
  public var length: DeadlineLength
  /// Share of the time after which staff are warned (0.75 by default).
  public var warnFraction: Double
  public var pausable: Bool
  public var startAt: Date
  /// Nil while paused: the target is not known until the clock runs again.
  public var dueAt: Date?
  public var warnAt: Date?
  public var pauses: [Pause]
  public var extensions: [Extension]
  public var state: State
  public var metAt: Date?
  /// When the warning and the breach were announced: each happens once.
  public var warnedAt: Date?
  public var breachNotifiedAt: Date?

  public init(
    id: UUID = .timeOrdered(), caseID: CaseID, name: String, clock: DeadlineClock, length: DeadlineLength,
    warnFraction: Double = 0.75,
    pausable: Bool = false, startAt: Date, dueAt: Date? = nil, warnAt: Date? = nil, pauses: [Pause] = [],
    extensions: [Extension] = [], state: State = .running, metAt: Date? = nil, warnedAt: Date? = nil,
    breachNotifiedAt: Date? = nil
  ) {
    self.id = id
    self.caseID = caseID
    self.name = name
    self.clock = clock
    self.length = length
    self.warnFraction = warnFraction
    self.pausable = pausable
    self.startAt = startAt
    self.dueAt = dueAt
    self.warnAt = warnAt
    self.pauses = pauses
    self.extensions = extensions
    self.state = state
    self.metAt = metAt
    self.warnedAt = warnedAt
    self.breachNotifiedAt = breachNotifiedAt
  }

  /// Still counting, or paused: not met and not breached.
  public var isOpen: Bool { state == .running || state == .paused }

  /// The target that matters most among deadlines not yet met: the earliest.
  public static func nextDue(_ deadlines: [Deadline]) -> Date? {
    deadlines.filter { $0.metAt == nil && ($0.state == .running || $0.state == .breached) }.compactMap(\.dueAt).min()
  }

  /// Paused time so far, in seconds of real time.
  public func pausedSeconds(now: Date) -> TimeInterval {
    pauses.reduce(0) { $0 + max(0, ($1.to ?? now).timeIntervalSince($1.from)) }
  }
}

extension Calendars {
  /// Where a pause starts or ends on a clock. On working days a pause counts whole days, as
  /// the deadline does: the day it begins still counts and the day it ends does not, just as
  /// the day of receipt never counts.
  func pausePosition(_ instant: Date, on clock: DeadlineClock) -> Int64? {
    guard clock.kind == .workingDays else { return position(instant, on: clock) }
    return workingDayLine.openBefore(day: LocalDate(instant).dayNumber + 1)
  }

  /// Works out the target and the warning point from the start, the length, the pauses and
  /// any extension. Time paused is measured in the clock's own time, so a pause over a weekend
  /// moves a supported-hours target by nothing and a real-time target by the whole weekend.
  public func schedule(_ deadline: Deadline) -> (dueAt: Date?, warnAt: Date?) {
    let clock = deadline.clock
    guard let start = countingStart(deadline.startAt, on: clock) else { return (nil, nil) }
    let total = amount(deadline.length, from: deadline.startAt, on: clock)
    let pauses = deadline.pauses.sorted { $0.from < $1.from }

    /// The target position once every pause before it has been added; nil while a pause
    /// before it is still open.
    func target(from base: Int64, countingPausesAfter floor: Date?) -> Int64? {
      var target = base
      for pause in pauses {
        if let floor, pause.from < floor { continue }
        guard let from = pausePosition(pause.from, on: clock) else { return nil }
        let counted = max(from, start)
        if counted > target { break }
        guard let end = pause.to, let to = pausePosition(end, on: clock) else { return nil }
        target += max(0, to - counted)
      }
      return target
    }

    let warnPosition = target(from: start + Int64((Double(total) * deadline.warnFraction).rounded()), countingPausesAfter: nil)
    let duePosition: Int64?
    if let latest = deadline.extensions.last, let extended = position(latest.newDueAt, on: clock) {
      duePosition = target(from: extended, countingPausesAfter: latest.at)
    } else {
      duePosition = target(from: start + total, countingPausesAfter: nil)
    }
    var due = duePosition.flatMap { instant(at: $0, on: clock, near: deadline.startAt, endOfDay: true) }
    // A target a person set is kept to the minute unless a later pause has moved it.
    if let latest = deadline.extensions.last, let extended = position(latest.newDueAt, on: clock), duePosition == extended {
      due = latest.newDueAt
    }
    var warn = warnPosition.flatMap { instant(at: $0, on: clock, near: deadline.startAt, endOfDay: false) }
    if let candidate = warn, let due, candidate > due { warn = due }
    return (due, warn)
  }

  /// Counted time left until the target (negative once passed), in the clock's milliseconds.
  public func remaining(_ deadline: Deadline, at now: Date) -> Int64? {
    guard let due = deadline.dueAt, let dueAt = position(due, on: deadline.clock),
      let nowAt = position(now, on: deadline.clock)
    else { return nil }
    return dueAt - nowAt
  }
}
