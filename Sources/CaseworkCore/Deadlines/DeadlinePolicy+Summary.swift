import Foundation

extension DeadlinePolicy {
  /// What is in force, as people read it: one line per deadline.
  public var summary: String {
    var lines: [String] = []
    for rule in rules {
      let severity = rule.severity.map { " (severity \($0))" } ?? ""
      let pause = rule.pausable ? "; pauses while waiting on the requester" : ""
      lines.append(
        "\(rule.name)\(severity): \(rule.kind.rawValue), \(rule.length) on \(rule.clock) from \(rule.starts.rawValue); "
          + "met by \(rule.stops.map(\.rawValue).joined(separator: ", ")); warn at \(Int((rule.warnFraction * 100).rounded()))%\(pause)"
      )
    }
    lines.append("")
    for timetable in timetables {
      let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
      func hours(_ periods: [Timetable.Period]) -> String {
        periods.isEmpty
          ? "closed"
          : periods.map { String(format: "%02d:%02d-%02d:%02d", $0.start / 60, $0.start % 60, $0.end / 60, $0.end % 60) }
            .joined(separator: ", ")
      }
      let days = zip(names, timetable.weekdays).map { "\($0) \(hours($1))" }.joined(separator: "; ")
      lines.append("timetable \(timetable.name): \(days); bank holidays \(hours(timetable.bankHolidays))")
    }
    return lines.joined(separator: "\n")
  }
}
