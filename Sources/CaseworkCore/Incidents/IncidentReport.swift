import Foundation

/// One incident as the report sees it.
public struct IncidentReportRow: Sendable, Equatable {
  public var reference: String
  public var declaredAt: Date
  public var severity: Int
  public var resolve: Deadline?
  public var reports: Int

  public init(reference: String, declaredAt: Date, severity: Int, resolve: Deadline?, reports: Int) {
    self.reference = reference
    self.declaredAt = declaredAt
    self.severity = severity
    self.resolve = resolve
    self.reports = reports
  }

  /// Hours from declaration to resolution, once resolved.
  var hoursToResolve: Double? {
    guard let metAt = resolve?.metAt else { return nil }
    return metAt.timeIntervalSince(resolve?.startAt ?? declaredAt) / 3600
  }
}

/// Incidents by severity and month, time to resolve against the target, and reports per
/// incident (domain §6). "Within target" is resolved by the `resolve` deadline in force.
public struct IncidentReport: Sendable, Equatable {
  public struct Line: Sendable, Equatable {
    public var label: String
    public var incidents = 0
    public var bySeverity = [0, 0, 0, 0, 0]
    public var withinTarget = 0
    public var decided = 0
    public var hoursToResolve: [Double] = []
    /// Reports linked to these incidents.
    public var reports = 0

    public init(label: String) { self.label = label }

    public var withinTargetPercent: Int? {
      decided == 0 ? nil : Int((Double(withinTarget) * 100 / Double(decided)).rounded())
    }

    /// The median time to resolve, in hours, one decimal.
    public var medianHours: Double? {
      guard !hoursToResolve.isEmpty else { return nil }
      let sorted = hoursToResolve.sorted()
      let middle = sorted.count / 2
      let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
      return (median * 10).rounded() / 10
    }

    mutating func add(_ row: IncidentReportRow) {
      incidents += 1
      reports += row.reports
      bySeverity[min(max(row.severity, 1), 5) - 1] += 1
      if let resolve = row.resolve {
        switch resolve.state {
        case .met:
          decided += 1
          if let metAt = resolve.metAt, let due = resolve.dueAt, metAt <= due { withinTarget += 1 }
        case .breached:
          decided += 1
        case .running, .paused: break
        }
      }
      if let hours = row.hoursToResolve { hoursToResolve.append(hours) }
    }
  }

  public var year: Int
  public var total: Line
  public var months: [Line]
  public var severities: [Line]
  /// The incidents with the most reports first.
  public var mostReported: [(reference: String, severity: Int, reports: Int)]

  public static func == (lhs: IncidentReport, rhs: IncidentReport) -> Bool {
    lhs.year == rhs.year && lhs.total == rhs.total && lhs.months == rhs.months && lhs.severities == rhs.severities
      && lhs.mostReported.map(\.reference) == rhs.mostReported.map(\.reference)
  }

  public init(year: Int, rows: [IncidentReportRow]) {
    self.year = year
    var total = Line(label: "All incidents")
    var months = (1...12).map { Line(label: "\(ComplaintReport.monthNames[$0 - 1]) \(year)") }
    var severities = (1...5).map { Line(label: "Severity \($0)") }
    let chosen = rows.filter { LocalDate($0.declaredAt).year == year }
    for row in chosen {
      total.add(row)
      months[LocalDate(row.declaredAt).components.month - 1].add(row)
      severities[min(max(row.severity, 1), 5) - 1].add(row)
    }
    self.total = total
    self.months = months
    self.severities = severities
    mostReported = chosen.sorted { ($0.reports, $1.reference) > ($1.reports, $0.reference) }.prefix(20)
      .map { ($0.reference, $0.severity, $0.reports) }
  }

  /// Reports per incident, on average, one decimal.
  public var averageReports: Double? {
    total.incidents == 0 ? nil : (Double(total.reports) / Double(total.incidents) * 10).rounded() / 10
  }

  public var csv: String {
    var lines = [
      "section,label,incidents,severity_1,severity_2,severity_3,severity_4,severity_5,resolved_within_target,resolved_decided,within_target_percent,median_hours_to_resolve,reports"
    ]
    for (section, rows) in [("total", [total]), ("month", months), ("severity", severities)] {
      for line in rows {
        lines.append(
          ([section, line.label, "\(line.incidents)"] + line.bySeverity.map(String.init) + [
            "\(line.withinTarget)", "\(line.decided)", line.withinTargetPercent.map(String.init) ?? "",
            line.medianHours.map { String($0) } ?? "", "\(line.reports)",
          ]).joined(separator: ","))
      }
    }
    for incident in mostReported {
      let severity = (1...5).map { $0 == incident.severity ? "1" : "0" }
      lines.append(
        (["incident", incident.reference, "1"] + severity + ["", "", "", "", "\(incident.reports)"]).joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }
}
