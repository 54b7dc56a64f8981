import Foundation

/// One complaint as the report sees it.
public struct ComplaintReportRow: Sendable, Equatable {
  public var receivedOn: LocalDate
  /// Staff tags, used as categories.
  public var categories: [String]
  public var principles: [ComplaintPrinciple]
  public var acknowledge: Deadline?
  public var investigate: Deadline?

  public init(
    receivedOn: LocalDate, categories: [String], principles: [ComplaintPrinciple], acknowledge: Deadline?, investigate: Deadline?
  ) {
    self.receivedOn = receivedOn
    self.categories = categories
    self.principles = principles
    self.acknowledge = acknowledge
    self.investigate = investigate
  }
}

/// Complaints received, acknowledged on time and responded to on time (domain §5), by month,
/// category and principle. "On time" is met by the target in force, extensions included
/// (each was told to the complainant); a deadline still running is not yet counted either way.
public struct ComplaintReport: Sendable, Equatable {
  public struct Line: Sendable, Equatable {
    public var label: String
    public var received = 0
    public var acknowledgedOnTime = 0
    public var acknowledgedDecided = 0
    public var respondedOnTime = 0
    public var respondedDecided = 0

    public init(label: String) { self.label = label }

    public var acknowledgedPercent: Int? { Self.percent(acknowledgedOnTime, of: acknowledgedDecided) }
    public var respondedPercent: Int? { Self.percent(respondedOnTime, of: respondedDecided) }

    static func percent(_ part: Int, of whole: Int) -> Int? {
      whole == 0 ? nil : Int((Double(part) * 100 / Double(whole)).rounded())
    }

    mutating func add(_ row: ComplaintReportRow) {
      received += 1
      if let outcome = ComplaintReport.onTime(row.acknowledge) {
        acknowledgedDecided += 1
        if outcome { acknowledgedOnTime += 1 }
      }
      if let outcome = ComplaintReport.onTime(row.investigate) {
        respondedDecided += 1
        if outcome { respondedOnTime += 1 }
      }
    }
  }

  public var year: Int
  public var total: Line
  public var months: [Line]
  public var categories: [Line]
  public var principles: [Line]

  /// Tags that describe handling, not what the complaint is about.
  static let systemTags: Set<String> = ["out-of-time", "eligibility-undecided", "clinical-content", "escalated"]
  public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  public init(year: Int, rows: [ComplaintReportRow]) {
    self.year = year
    var total = Line(label: "All complaints")
    var months = (1...12).map { Line(label: "\(Self.monthNames[$0 - 1]) \(year)") }
    var categories: [String: Line] = [:]
    var principles = ComplaintPrinciple.allCases.map { Line(label: $0.displayName) }
    for row in rows where row.receivedOn.year == year {
      total.add(row)
      months[row.receivedOn.components.month - 1].add(row)
      let tags = row.categories.filter { !Self.systemTags.contains($0) }
      for tag in tags.isEmpty ? ["Uncategorised"] : tags { categories[tag, default: Line(label: tag)].add(row) }
      for principle in row.principles {
        principles[ComplaintPrinciple.allCases.firstIndex(of: principle)!].add(row)
      }
    }
    self.total = total
    self.months = months
    self.categories = categories.values.sorted { ($0.received, $1.label) > ($1.received, $0.label) }
    self.principles = principles
  }

  /// Met by its target: true; breached or met late: false; still running: nil.
  static func onTime(_ deadline: Deadline?) -> Bool? {
    guard let deadline else { return nil }
    switch deadline.state {
    case .met:
      guard let metAt = deadline.metAt, let due = deadline.dueAt else { return nil }
      return metAt <= due
    case .breached: return false
    case .running, .paused: return nil
    }
  }

  /// The report as CSV (RFC 4180): a line per row of each section.
  public var csv: String {
    var lines = [
      "section,label,received,acknowledged_on_time,acknowledged_decided,acknowledged_on_time_percent,responded_on_time,responded_decided,responded_on_time_percent"
    ]
    func field(_ text: String) -> String {
      let needsQuotes = text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
      // A leading =, +, - or @ would run as a formula in a spreadsheet.
      let safe = ["=", "+", "-", "@"].contains(where: { text.hasPrefix($0) }) ? "'" + text : text
      return needsQuotes ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }
    for (section, rows) in [("total", [total]), ("month", months), ("category", categories), ("principle", principles)] {
      for line in rows {
        lines.append(
          [
            section, field(line.label), "\(line.received)", "\(line.acknowledgedOnTime)", "\(line.acknowledgedDecided)",
            line.acknowledgedPercent.map(String.init) ?? "", "\(line.respondedOnTime)", "\(line.respondedDecided)",
            line.respondedPercent.map(String.init) ?? "",
          ].joined(separator: ","))
      }
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }
}
