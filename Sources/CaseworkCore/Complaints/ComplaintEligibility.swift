import Foundation

extension LocalDate {
  /// The same day `months` later, or the last day of that month when it is shorter
  /// (6 months from 31 August 2025 is 28 February 2026; domain §5).
  public func adding(months: Int) -> LocalDate {
    let (year, month, day) = components
    let total = year * 12 + (month - 1) + months
    let newYear = Int((Double(total) / 12).rounded(.down))
    let newMonth = total - newYear * 12 + 1
    return LocalDate(year: newYear, month: newMonth, day: min(day, Self.daysIn(month: newMonth, year: newYear)))!
  }

  /// Whole months and the days left over from this date to a later one, in the sense of
  /// `adding(months:)`: 31 Aug → 28 Feb is 6 months and 0 days.
  public func elapsed(to later: LocalDate) -> (months: Int, days: Int) {
    guard later > self else { return (0, 0) }
    let (y1, m1, _) = components
    let (y2, m2, _) = later.components
    var months = (y2 - y1) * 12 + (m2 - m1)
    while months > 0 && adding(months: months) > later { months -= 1 }
    return (months, later.dayNumber - adding(months: months).dayNumber)
  }
}

/// Which time limit a complaint is judged against (domain §5).
public enum EligibilityPreset: String, Sendable, Codable, CaseIterable {
  /// The source policy: within 6 months of the incident, or within 6 months of discovering the
  /// problem provided the complaint is made within 12 months of the incident.
  case sourcePolicy = "source_policy"
  /// NHS complaints regulations for England (SI 2009/309 reg. 12): within 12 months of the event
  /// or, if later, of the day the complainant found out.
  case nhsEngland = "nhs_england"

  public var displayName: String {
    switch self {
    case .sourcePolicy: "Our complaints policy (6 months, or 6 months from discovery within 12 months)"
    case .nhsEngland: "NHS complaints regulations, England (12 months from the event or discovery)"
    }
  }
}

/// The dates eligibility is judged on, as local calendar dates in Europe/London.
public struct ComplaintDates: Sendable, Equatable, Codable {
  public var received: LocalDate
  public var incident: LocalDate?
  public var discovered: LocalDate?

  public init(received: LocalDate, incident: LocalDate?, discovered: LocalDate?) {
    self.received = received
    self.incident = incident
    self.discovered = discovered
  }

  /// Dates that cannot be right, each said so the person can correct it.
  public func problems(today: LocalDate) -> [FieldError] {
    var errors: [FieldError] = []
    let earliest = LocalDate(year: 1900, month: 1, day: 1)!
    if received > today {
      errors.append(FieldError(field: "receivedAt", message: "The date the complaint was received cannot be in the future."))
    }
    for (field, label, date) in [
      ("incidentDate", "when it happened", incident), ("discoveredDate", "when you found out", discovered),
    ] {
      guard let date else { continue }
      if date < earliest {
        errors.append(FieldError(field: field, message: "The date \(label) must be in 1900 or later."))
      } else if date > received {
        errors.append(
          FieldError(
            field: field,
            message: "The date \(label) cannot be later than the day the complaint was made (\(received.description))."))
      }
    }
    if let incident, let discovered, discovered < incident {
      errors.append(
        FieldError(field: "discoveredDate", message: "The date you found out cannot be before the date it happened."))
    }
    return errors
  }
}

/// Whether a complaint was made in time, the rule that decided it and why, in words a
/// complainant understands. `eligible` is nil when a date is missing and staff must ask.
public struct EligibilityDecision: Sendable, Equatable, Codable {
  public var eligible: Bool?
  public var rule: String
  public var reason: String

  public init(eligible: Bool?, rule: String, reason: String) {
    self.eligible = eligible
    self.rule = rule
    self.reason = reason
  }

  public var isUndecided: Bool { eligible == nil }
}

public enum ComplaintEligibility {
  public static func decide(_ dates: ComplaintDates, preset: EligibilityPreset) -> EligibilityDecision {
    switch preset {
    case .sourcePolicy: sourcePolicy(dates)
    case .nhsEngland: nhsEngland(dates)
    }
  }

  static func sourcePolicy(_ dates: ComplaintDates) -> EligibilityDecision {
    let received = dates.received
    guard let incident = dates.incident else {
      return EligibilityDecision(
        eligible: nil, rule: "incident date needed",
        reason:
          "We could not decide whether this complaint is in time because we do not know when the problem happened. Please ask the complainant for the date."
      )
    }
    let sinceIncident = words(incident.elapsed(to: received))
    if received <= incident.adding(months: 6) {
      return EligibilityDecision(
        eligible: true, rule: "within 6 months of the incident",
        reason: "Received \(sinceIncident) after the incident, within 6 months of it.")
    }
    guard let discovered = dates.discovered, discovered > incident else {
      if dates.discovered == nil {
        return EligibilityDecision(
          eligible: nil, rule: "discovery date needed",
          reason:
            "Received \(sinceIncident) after the incident, more than 6 months. It may still be in time if the complainant found out about the problem later: please ask them when they found out."
        )
      }
      return EligibilityDecision(
        eligible: false, rule: "more than 6 months after the incident",
        reason: "Received \(sinceIncident) after the incident, which is more than 6 months.")
    }
    let sinceDiscovery = words(discovered.elapsed(to: received))
    let late = "Received \(sinceIncident) after the incident and \(sinceDiscovery) after you found out"
    if received > incident.adding(months: 12) {
      return EligibilityDecision(
        eligible: false, rule: "more than 12 months after the incident",
        reason: "\(late). A complaint made after finding out must still be made within 12 months of the incident.")
    }
    if received <= discovered.adding(months: 6) {
      return EligibilityDecision(
        eligible: true, rule: "within 6 months of discovery and 12 months of the incident",
        reason: "\(late): within 6 months of finding out and within 12 months of the incident.")
    }
    return EligibilityDecision(
      eligible: false, rule: "more than 6 months after discovery",
      reason: "\(late), which is more than 6 months after finding out.")
  }

  static func nhsEngland(_ dates: ComplaintDates) -> EligibilityDecision {
    let received = dates.received
    guard let event = [dates.incident, dates.discovered].compactMap({ $0 }).max() else {
      return EligibilityDecision(
        eligible: nil, rule: "dates needed",
        reason:
          "We could not decide whether this complaint is in time because we know neither when the problem happened nor when the complainant found out. Please ask for the dates."
      )
    }
    let fromDiscovery = dates.discovered != nil && dates.discovered == event && dates.discovered != dates.incident
    let basis = fromDiscovery ? "after you found out" : "after the event"
    let elapsed = words(event.elapsed(to: received))
    if received <= event.adding(months: 12) {
      return EligibilityDecision(
        eligible: true, rule: fromDiscovery ? "within 12 months of discovery" : "within 12 months of the event",
        reason: "Received \(elapsed) \(basis), within 12 months.")
    }
    if dates.discovered == nil {
      return EligibilityDecision(
        eligible: nil, rule: "discovery date needed",
        reason:
          "Received \(elapsed) after the event, more than 12 months. It may still be in time if the complainant found out later: please ask them when they found out."
      )
    }
    return EligibilityDecision(
      eligible: false, rule: fromDiscovery ? "more than 12 months after discovery" : "more than 12 months after the event",
      reason: "Received \(elapsed) \(basis), which is more than 12 months.")
  }

  /// "7 months", "6 months and 1 day", "12 days", "the same day".
  static func words(_ elapsed: (months: Int, days: Int)) -> String {
    func count(_ n: Int, _ unit: String) -> String { n == 1 ? "1 \(unit)" : "\(n) \(unit)s" }
    switch (elapsed.months, elapsed.days) {
    case (0, 0): return "0 days"
    case (0, let days): return count(days, "day")
    case (let months, 0): return count(months, "month")
    case (let months, let days): return "\(count(months, "month")) and \(count(days, "day"))"
    }
  }
}
