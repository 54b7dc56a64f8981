import Foundation

/// How a deadline reads to staff, in its clock's own unit: "2 working days left",
/// "3 h 10 min left", "breached 1 day ago". Words, never colour alone.
public struct DeadlineText: Sendable {
  public let calendars: Calendars

  public init(calendars: Calendars) {
    self.calendars = calendars
  }

  public func timeLeft(_ deadline: Deadline, now: Date) -> String {
    switch deadline.state {
    case .met:
      return "met"
    case .paused:
      return "paused"
    case .breached:
      return breached(deadline, now: now)
    case .running:
      guard let due = deadline.dueAt else { return "no target" }
      if now > due { return breached(deadline, now: now) }
      switch deadline.clock.kind {
      case .workingDays:
        let days = calendars.workingDays(after: now, through: due)
        return days == 0 ? "due by the end of today" : "\(days) working \(days == 1 ? "day" : "days") left"
      case .businessHours:
        let left = calendars.remaining(deadline, at: now) ?? 0
        return "\(Self.hoursAndMinutes(milliseconds: left)) of \(Self.timetableWords(deadline.clock.timetable)) left"
      case .realTime, .calendarDays:
        let seconds = due.timeIntervalSince(now)
        if seconds >= 2 * 86_400 { return "\(Int(seconds / 86_400)) days left" }
        return "\(Self.hoursAndMinutes(milliseconds: Int64(seconds * 1000))) left"
      }
    }
  }

  func breached(_ deadline: Deadline, now: Date) -> String {
    guard let due = deadline.dueAt else { return "breached" }
    let seconds = max(0, now.timeIntervalSince(due))
    if seconds < 3600 { return "breached \(max(1, Int(seconds / 60))) min ago" }
    if seconds < 86_400 { return "breached \(Int(seconds / 3600)) h ago" }
    let days = Int(seconds / 86_400)
    return "breached \(days) \(days == 1 ? "day" : "days") ago"
  }

  /// "3 h 10 min", "45 min", "2 h".
  public static func hoursAndMinutes(milliseconds: Int64) -> String {
    let minutes = max(0, milliseconds) / 60_000
    let hours = minutes / 60
    let rest = minutes % 60
    if hours == 0 { return "\(rest) min" }
    return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
  }

  static func timetableWords(_ name: String?) -> String {
    (name ?? "business").replacingOccurrences(of: "_", with: " ")
  }
}
