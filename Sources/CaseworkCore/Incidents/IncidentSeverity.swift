import Foundation

/// How much an incident matters (domain §6): the importance of what it touches (patient care,
/// data, reputation) and how many users or organisations it reaches. 1 is the greatest.
public enum IncidentImpact: Int, Sendable, Codable, CaseIterable, Comparable {
  case one = 1, two, three, four, five

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String {
    switch self {
    case .one: "Patient care is at risk, or personal data of many people is exposed; most users or organisations affected."
    case .two: "Patient care is disrupted, or personal data may be exposed; many users or several organisations affected."
    case .three: "An important service is degraded with a workaround; a group of users or one organisation affected."
    case .four: "A minor function is impaired; a few users affected; little risk to reputation."
    case .five: "Cosmetic or single-user problem; no risk to patient care, data or reputation."
    }
  }
}

/// How soon it must be dealt with. 1 is the most urgent.
public enum IncidentUrgency: Int, Sendable, Codable, CaseIterable, Comparable {
  case one = 1, two, three, four, five

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  public var description: String {
    switch self {
    case .one: "Harm is happening now or within the hour; no workaround."
    case .two: "Harm or a major loss of service is likely today; a workaround is hard."
    case .three: "The effect grows over days; a workaround exists."
    case .four: "Can wait for planned work; the workaround is acceptable."
    case .five: "No time pressure."
    }
  }
}

/// The severity matrix of domain §6, aligned with NHS Digital's guidance: impact crossed with
/// urgency gives a severity from 1 (highest) to 5.
public enum SeverityMatrix {
  static let table: [[Int]] = [
    [1, 1, 2, 2, 3],
    [1, 2, 2, 3, 4],
    [2, 3, 3, 4, 4],
    [3, 3, 4, 4, 5],
    [4, 5, 5, 5, 5],
  ]

  public static func severity(impact: IncidentImpact, urgency: IncidentUrgency) -> Int {
    table[impact.rawValue - 1][urgency.rawValue - 1]
  }

  /// A severity someone typed: 1 to 5, or a field error saying so.
  public static func validSeverity(_ value: Int, field: String = "severity") throws(CaseworkError) -> Int {
    guard (1...5).contains(value) else {
      throw .invalid([FieldError(field: field, message: "Severity must be from 1 (highest) to 5 (lowest).")])
    }
    return value
  }
}

extension DeadlinePolicy {
  /// What a severity promises, in words, from the policy in force: "resolve within 8 hours
  /// (real time); a public update every 2 hours". Shown before anyone declares.
  public func incidentTargets(severity: Int) -> String {
    func words(_ rule: Rule) -> String {
      let clock: String
      switch rule.clock.kind {
      case .realTime: clock = "round the clock"
      case .businessHours: clock = "of " + (rule.clock.timetable ?? "business").replacingOccurrences(of: "_", with: " ")
      case .workingDays, .calendarDays: clock = ""
      }
      return clock.isEmpty ? rule.length.description : "\(rule.length.description) \(clock)"
    }
    var parts: [String] = []
    if let resolve = rule(named: "resolve", kind: .incident, severity: severity) {
      parts.append("resolve within \(words(resolve))")
    }
    if let update = rule(named: "update", kind: .incident, severity: severity) {
      parts.append("a public update every \(words(update))")
    }
    return parts.isEmpty ? "no target in the policy" : parts.joined(separator: "; ")
  }
}
