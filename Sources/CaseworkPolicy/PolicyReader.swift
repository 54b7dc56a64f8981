import CaseworkCore
import Foundation
import Yams

/// Walks the YAML tree, collecting problems instead of stopping at the first.
struct Reader {
  var problems: [PolicyFile.Problem] = []

  mutating func problem(_ node: Node?, _ field: String, _ message: String, line fallback: Int = 1) {
    problems.append(PolicyFile.Problem(line: node?.mark?.line ?? fallback, field: field, message: message))
  }

  mutating func syntaxProblem(_ error: YamlError) -> PolicyFile.Problem {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
      return PolicyFile.Problem(line: mark.line, field: "syntax", message: "This is not valid YAML: \(problem).")
    default:
      return PolicyFile.Problem(line: 0, field: "syntax", message: "This is not valid YAML: \(error).")
    }
  }

  /// Keys of a mapping, reporting any not in `allowed`.
  mutating func entries(_ mapping: Node.Mapping, _ path: String, allowed: [String]) -> [String: Node] {
    var result: [String: Node] = [:]
    for (key, value) in mapping {
      let name = key.string ?? ""
      if !allowed.contains(name) {
        problem(
          key, path.isEmpty ? name : "\(path).\(name)", "Unknown setting. Allowed here: \(allowed.joined(separator: ", ")).")
      } else if result[name] != nil {
        problem(key, path.isEmpty ? name : "\(path).\(name)", "Given twice.")
      } else {
        result[name] = value
      }
    }
    return result
  }

  mutating func policy(_ top: Node.Mapping, line: Int) -> DeadlinePolicy? {
    let fields = entries(top, "", allowed: ["version", "warn_at_percent", "timetables", "deadlines", "status_page"])
    if let version = fields["version"], version.int != 1 {
      problem(version, "version", "Only version 1 exists.")
    }
    var warnFraction = 0.75
    if let node = fields["warn_at_percent"], let value = percent(node, "warn_at_percent") { warnFraction = value }

    var timetables = [Timetable.liveChat, Timetable.supportedHours]
    if let node = fields["timetables"] {
      if let mapping = node.mapping {
        for (key, value) in mapping {
          let name = key.string ?? ""
          guard Self.isName(name) else {
            problem(key, "timetables.\(name)", "A timetable name uses lower-case letters, digits and underscores.")
            continue
          }
          if let timetable = timetable(name, value) {
            timetables.removeAll { $0.name == name }
            timetables.append(timetable)
          }
        }
      } else {
        problem(node, "timetables", "Give a mapping of timetable names to their weekly hours.")
      }
    }

    var rules: [DeadlinePolicy.Rule] = []
    guard let deadlinesNode = fields["deadlines"] else {
      problem(nil, "deadlines", "The policy has no deadlines section.", line: line)
      return nil
    }
    guard let deadlines = deadlinesNode.mapping else {
      problem(deadlinesNode, "deadlines", "Give a mapping of deadline names to their settings.")
      return nil
    }
    var names: [String] = []
    for (key, value) in deadlines {
      let name = key.string ?? ""
      guard Self.isName(name) else {
        problem(key, "deadlines.\(name)", "A deadline name uses lower-case letters, digits and underscores.")
        continue
      }
      names.append(name)
      rules += deadline(name, value, defaultWarn: warnFraction, timetables: timetables.map(\.name))
    }
    for name in PolicyFile.required where !names.contains(name) {
      problem(
        deadlinesNode, "deadlines.\(name)", "Missing: the published policies promise this deadline, so the policy must define it."
      )
    }
    var historyDays = DeadlinePolicy.defaultStatusHistoryDays
    if let node = fields["status_page"] {
      var page: [String: Node] = [:]
      if let mapping = node.mapping {
        page = entries(mapping, "status_page", allowed: ["history_days"])
      } else {
        problem(node, "status_page", "Give a mapping with history_days.")
      }
      if let days = page["history_days"] {
        if let value = days.int, (1...3650).contains(value) {
          historyDays = value
        } else {
          problem(days, "status_page.history_days", "Give a whole number of days from 1 to 3650.")
        }
      }
    }
    return DeadlinePolicy(rules: rules, timetables: timetables, statusHistoryDays: historyDays)
  }

  static func isName(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
  }

  mutating func percent(_ node: Node, _ path: String) -> Double? {
    guard let value = node.int, (1...99).contains(value) else {
      problem(node, path, "Give a whole percentage from 1 to 99.")
      return nil
    }
    return Double(value) / 100
  }

  mutating func timetable(_ name: String, _ node: Node) -> Timetable? {
    let path = "timetables.\(name)"
    guard let mapping = node.mapping else {
      problem(node, path, "Give the hours for each day, monday to sunday, and bank_holidays.")
      return nil
    }
    let fields = entries(mapping, path, allowed: PolicyFile.weekdays + ["bank_holidays"])
    var days: [[Timetable.Period]] = []
    var valid = true
    for day in PolicyFile.weekdays + ["bank_holidays"] {
      guard let value = fields[day] else {
        problem(node, "\(path).\(day)", "Missing: give the hours (\"08:00-18:00\") or closed.")
        valid = false
        continue
      }
      if let periods = periods(value, "\(path).\(day)") { days.append(periods) } else { valid = false }
    }
    guard valid, days.count == 8 else { return nil }
    return Timetable(name: name, weekdays: Array(days[0..<7]), bankHolidays: days[7])
  }

  /// `closed`, `"08:00-18:00"`, or a list of such periods.
  mutating func periods(_ node: Node, _ path: String) -> [Timetable.Period]? {
    let texts: [Node] = node.sequence.map { Array($0) } ?? [node]
    var periods: [Timetable.Period] = []
    for item in texts {
      guard let text = item.string?.trimmingCharacters(in: .whitespaces) else {
        problem(item, path, "Write hours as \"08:00-18:00\", a list of them, or closed.")
        return nil
      }
      if text == "closed" && texts.count == 1 { return [] }
      let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]) else {
        problem(
          item, path, "\"\(text)\" is not a period; write it as \"08:00-18:00\" (24-hour clock, 24:00 for midnight at the end).")
        return nil
      }
      guard start < end else {
        problem(item, path, "\"\(text)\" ends before it starts; a period stays within one day.")
        return nil
      }
      periods.append(Timetable.Period(start: start, end: end))
    }
    return periods
  }

  static func minutes(_ text: String) -> Int? {
    let parts = text.split(separator: ":")
    guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
      (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0
    else { return nil }
    return hour * 60 + minute
  }

  mutating func deadline(_ name: String, _ node: Node, defaultWarn: Double, timetables: [String]) -> [DeadlinePolicy.Rule] {
    let path = "deadlines.\(name)"
    guard let mapping = node.mapping else {
      problem(node, path, "Give the deadline's kind, starts, stops, clock and duration.")
      return []
    }
    let timing = ["clock", "timetable", "duration", "warn_at_percent"]
    let fields = entries(
      mapping, path, allowed: ["kind", "starts", "stops", "pause_while_waiting", "by_severity", "by_priority"] + timing)
    var kind: CaseKind?
    if let node = fields["kind"] {
      kind = CaseKind(rawValue: node.string ?? "")
      if kind == nil {
        problem(node, "\(path).kind", "Use one of: \(CaseKind.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
    } else {
      problem(node, "\(path).kind", "Missing: which kind of case this deadline is for.")
    }
    let starts = event(fields["starts"], "\(path).starts", parent: node)
    var stops: [DeadlineEvent] = []
    if let node = fields["stops"] {
      let items: [Node] = node.sequence.map { Array($0) } ?? [node]
      for item in items { if let event = event(item, "\(path).stops", parent: node) { stops.append(event) } }
      if items.isEmpty { problem(node, "\(path).stops", "Name at least one event that meets the deadline.") }
    } else {
      problem(node, "\(path).stops", "Missing: the events that meet the deadline, such as [staff_reply].")
    }
    var pausable = false
    if let node = fields["pause_while_waiting"] {
      if let value = node.bool { pausable = value } else { problem(node, "\(path).pause_while_waiting", "Write true or false.") }
    }
    if pausable && starts == .breachAware {
      problem(fields["pause_while_waiting"], "\(path).pause_while_waiting", "The data-breach clock can never be paused.")
    }

    var timings: [(Int?, DeadlineClock, DeadlineLength, Double)] = []
    if let bySeverity = fields["by_severity"] {
      if timing.contains(where: { fields[$0] != nil }) {
        problem(
          bySeverity, "\(path).by_severity", "Give clock and duration either for every severity or in by_severity, not both.")
      }
      if let mapping = bySeverity.mapping {
        for (key, value) in mapping {
          guard let severity = key.int, (1...5).contains(severity) else {
            problem(key, "\(path).by_severity", "Severities are 1 to 5.")
            continue
          }
          let itemPath = "\(path).by_severity.\(severity)"
          guard let itemMapping = value.mapping else {
            problem(value, itemPath, "Give clock and duration for this severity.")
            continue
          }
          let itemFields = entries(itemMapping, itemPath, allowed: timing)
          if let parsed = self.timing(itemFields, itemPath, parent: value, defaultWarn: defaultWarn, timetables: timetables) {
            timings.append((severity, parsed.0, parsed.1, parsed.2))
          }
        }
      } else {
        problem(bySeverity, "\(path).by_severity", "Give a mapping of severities (1 to 5) to clock and duration.")
      }
      if kind != nil && kind != .incident { problem(bySeverity, "\(path).by_severity", "Only incidents have severities.") }
    } else if let parsed = self.timing(fields, path, parent: node, defaultWarn: defaultWarn, timetables: timetables) {
      timings.append((nil, parsed.0, parsed.1, parsed.2))
    }
    // Timing for cases of one priority (an emergency's first response), over the general one.
    var byPriority: [(CasePriority, DeadlineClock, DeadlineLength, Double)] = []
    if let node = fields["by_priority"] {
      if fields["by_severity"] != nil {
        problem(node, "\(path).by_priority", "Give by_priority or by_severity, not both.")
      } else if let mapping = node.mapping {
        for (key, value) in mapping {
          guard let priority = CasePriority(rawValue: key.string ?? "") else {
            problem(
              key, "\(path).by_priority", "Priorities are \(CasePriority.allCases.map(\.rawValue).joined(separator: " and ")).")
            continue
          }
          let itemPath = "\(path).by_priority.\(priority.rawValue)"
          guard let itemMapping = value.mapping else {
            problem(value, itemPath, "Give clock and duration for this priority.")
            continue
          }
          let itemFields = entries(itemMapping, itemPath, allowed: timing)
          if let parsed = self.timing(itemFields, itemPath, parent: value, defaultWarn: defaultWarn, timetables: timetables) {
            byPriority.append((priority, parsed.0, parsed.1, parsed.2))
          }
        }
      } else {
        problem(node, "\(path).by_priority", "Give a mapping of priorities (urgent, normal) to clock and duration.")
      }
    }
    guard let kind, let starts, !stops.isEmpty else { return [] }
    return timings.map { severity, clock, length, warn in
      DeadlinePolicy.Rule(
        name: name, kind: kind, severity: severity, starts: starts, stops: stops, clock: clock, length: length,
        warnFraction: warn,
        pausable: pausable)
    }
      + byPriority.map { priority, clock, length, warn in
        DeadlinePolicy.Rule(
          name: name, kind: kind, priority: priority, starts: starts, stops: stops, clock: clock, length: length,
          warnFraction: warn, pausable: pausable)
      }
  }

  mutating func event(_ node: Node?, _ path: String, parent: Node) -> DeadlineEvent? {
    guard let node else {
      problem(parent, path, "Missing: the event that starts the deadline, such as received.")
      return nil
    }
    guard let event = DeadlineEvent(rawValue: node.string ?? "") else {
      problem(
        node, path,
        "\"\(node.string ?? "")\" is not an event. Use one of: \(DeadlineEvent.allCases.map(\.rawValue).joined(separator: ", "))."
      )
      return nil
    }
    return event
  }

  mutating func timing(_ fields: [String: Node], _ path: String, parent: Node, defaultWarn: Double, timetables: [String])
    -> (DeadlineClock, DeadlineLength, Double)?
  {
    var clock: DeadlineClock?
    if let node = fields["clock"] {
      if let kind = ClockKind(rawValue: node.string ?? "") {
        if kind == .businessHours {
          if let timetableNode = fields["timetable"] {
            let name = timetableNode.string ?? ""
            if timetables.contains(name) {
              clock = .businessHours(name)
            } else {
              problem(
                timetableNode, "\(path).timetable", "No timetable \"\(name)\". Defined: \(timetables.joined(separator: ", ")).")
            }
          } else {
            problem(node, "\(path).timetable", "Missing: business_hours needs the timetable it counts, such as supported_hours.")
          }
        } else {
          clock = DeadlineClock(kind)
          if let timetableNode = fields["timetable"] {
            problem(timetableNode, "\(path).timetable", "Only a business_hours clock has a timetable.")
          }
        }
      } else {
        problem(
          node, "\(path).clock",
          "\"\(node.string ?? "")\" is not a clock. Use one of: \(ClockKind.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
    } else {
      problem(parent, "\(path).clock", "Missing: which clock counts this deadline.")
    }
    var length: DeadlineLength?
    if let node = fields["duration"] {
      length = DeadlineLength(node.string ?? "")
      if length == nil {
        problem(
          node, "\(path).duration",
          "\"\(node.string ?? "")\" is not a duration; write \"3 working days\", \"7 days\", \"4 hours\" or \"90 minutes\".")
      } else if let length, let clock, !length.fits(clock.kind) {
        problem(node, "\(path).duration", "A \(clock.kind.rawValue) clock does not count \(length.unit.rawValue).")
      }
    } else {
      problem(parent, "\(path).duration", "Missing: how long, such as \"3 working days\".")
    }
    var warn = defaultWarn
    if let node = fields["warn_at_percent"], let value = percent(node, "\(path).warn_at_percent") { warn = value }
    guard let clock, let length, length.fits(clock.kind) else { return nil }
    return (clock, length, warn)
  }
}
