import Foundation

/// Things that happen to a case and start, stop, pause or resume deadlines.
public enum DeadlineEvent: String, Sendable, Codable, CaseIterable {
  /// The case reached us (its `receivedAt`, which may be earlier than its entry).
  case received
  /// Staff replied to the requester.
  case staffReply = "staff_reply"
  /// The case is waiting on the requester (pauses a pausable deadline).
  case awaitingRequester = "awaiting_requester"
  /// The requester answered, or the case stopped waiting on them (resumes it).
  case requesterReplied = "requester_replied"
  case escalationRequested = "escalation_requested"
  case escalationAnswered = "escalation_answered"
  case acknowledgementSent = "acknowledgement_sent"
  case responseSent = "response_sent"
  case resolved
  case closed
  /// The complaint follow-up email went out 7 days after closure.
  case followUpSent = "follow_up_sent"
  /// A closed complaint was reopened.
  case reopened
  case incidentDeclared = "incident_declared"
  case publicUpdate = "public_update"
  case breachAware = "breach_aware"
  case breachReported = "breach_reported"
}

/// The deadlines in force: which case kind and event starts each, which clock, how long, and
/// when to warn (domain §3-§6). Loaded from the policy file; `standard` is the shipped default.
public struct DeadlinePolicy: Sendable, Equatable {
  public struct Rule: Sendable, Equatable {
    public var name: String
    public var kind: CaseKind
    /// For incident deadlines that differ by severity (1 to 5); nil applies to every case of the kind.
    public var severity: Int?
    /// For a case of this priority only (an emergency's first response); a rule for the
    /// case's own priority wins over the rule with none.
    public var priority: CasePriority?
    public var starts: DeadlineEvent
    public var stops: [DeadlineEvent]
    public var clock: DeadlineClock
    public var length: DeadlineLength
    public var warnFraction: Double
    /// Paused while the case waits on the requester.
    public var pausable: Bool

    public init(
      name: String, kind: CaseKind, severity: Int? = nil, priority: CasePriority? = nil, starts: DeadlineEvent,
      stops: [DeadlineEvent], clock: DeadlineClock, length: DeadlineLength, warnFraction: Double = 0.75,
      pausable: Bool = false
    ) {
      self.name = name
      self.kind = kind
      self.severity = severity
      self.priority = priority
      self.starts = starts
      self.stops = stops
      self.clock = clock
      self.length = length
      self.warnFraction = warnFraction
      self.pausable = pausable
    }
  }

  public var rules: [Rule]
  public var timetables: [Timetable]
  /// How far back the public status page lists past incidents (domain §8), in days.
  public var statusHistoryDays: Int

  public static let defaultStatusHistoryDays = 90

  public init(
    rules: [Rule], timetables: [Timetable] = [.liveChat, .supportedHours],
    statusHistoryDays: Int = DeadlinePolicy.defaultStatusHistoryDays
  ) {
    self.rules = rules
    self.timetables = timetables
    self.statusHistoryDays = statusHistoryDays
  }

  /// The rule a deadline of this name follows for a case of this kind, severity and priority.
  public func rule(named name: String, kind: CaseKind, severity: Int?, priority: CasePriority? = nil) -> Rule? {
    applying(to: kind, severity: severity, priority: priority).first { $0.name == name }
  }

  /// Deadlines that start when `event` happens to a case of this kind, severity and priority.
  public func rules(startedBy event: DeadlineEvent, kind: CaseKind, severity: Int?, priority: CasePriority? = nil) -> [Rule] {
    applying(to: kind, severity: severity, priority: priority).filter { $0.starts == event }
  }

  /// The rules for such a case: one per name, the one for its priority before the general one.
  func applying(to kind: CaseKind, severity: Int?, priority: CasePriority?) -> [Rule] {
    let matching = rules.filter {
      $0.kind == kind && ($0.severity == nil || $0.severity == severity) && ($0.priority == nil || $0.priority == priority)
    }
    return matching.filter { rule in
      rule.priority != nil || !matching.contains { $0.name == rule.name && $0.priority != nil }
    }
  }

  /// Domain §3-§6, as shipped in `Resources/deadline-policy.yaml`.
  public static let standard = DeadlinePolicy(
    rules: [
      Rule(
        name: "first_response", kind: .supportRequest, starts: .received, stops: [.staffReply, .resolved, .closed],
        clock: .workingDays, length: DeadlineLength(2, .workingDays), pausable: true),
      // An emergency found by screening is answered within the hour (issue 20).
      Rule(
        name: "first_response", kind: .supportRequest, priority: .urgent, starts: .received,
        stops: [.staffReply, .resolved, .closed], clock: .businessHours("supported_hours"), length: DeadlineLength(1, .hours),
        pausable: true),
      Rule(
        name: "escalation_response", kind: .supportRequest, starts: .escalationRequested, stops: [.escalationAnswered, .closed],
        clock: .workingDays, length: DeadlineLength(5, .workingDays)),
      Rule(
        name: "acknowledge", kind: .complaint, starts: .received, stops: [.acknowledgementSent, .closed], clock: .workingDays,
        length: DeadlineLength(3, .workingDays)),
      Rule(
        name: "investigate", kind: .complaint, starts: .acknowledgementSent, stops: [.responseSent, .closed], clock: .workingDays,
        length: DeadlineLength(10, .workingDays)),
      Rule(
        name: "follow_up", kind: .complaint, starts: .closed, stops: [.followUpSent, .reopened], clock: .calendarDays,
        length: DeadlineLength(7, .days)),
    ] + incidentRules)

  static let incidentRules: [Rule] = {
    let resolve: [(Int, DeadlineClock, DeadlineLength)] = [
      (1, .realTime, DeadlineLength(4, .hours)), (2, .realTime, DeadlineLength(8, .hours)),
      (3, .businessHours("supported_hours"), DeadlineLength(40, .hours)),
      (4, .businessHours("supported_hours"), DeadlineLength(120, .hours)),
      (5, .businessHours("supported_hours"), DeadlineLength(240, .hours)),
    ]
    var rules = resolve.map { severity, clock, length in
      Rule(
        name: "resolve", kind: .incident, severity: severity, starts: .incidentDeclared, stops: [.resolved, .closed],
        clock: clock, length: length)
    }
    rules += [(1, 1), (2, 2)].map { severity, hours in
      Rule(
        name: "update", kind: .incident, severity: severity, starts: .incidentDeclared,
        stops: [.publicUpdate, .resolved, .closed],
        clock: .realTime, length: DeadlineLength(hours, .hours))
    }
    rules.append(
      Rule(
        name: "breach_report", kind: .incident, starts: .breachAware, stops: [.breachReported], clock: .realTime,
        length: DeadlineLength(72, .hours)))
    return rules
  }()
}
