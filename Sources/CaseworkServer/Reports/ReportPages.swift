import CaseworkCore
import CaseworkStore
import Foundation
import Vapor

/// SVG charts of the complaints report. Every bar carries its number as text and the two
/// on-time series differ by pattern (solid and hatched) as well as shade, so the charts read
/// without colour; the tables beside them hold the same figures.
enum ComplaintCharts {
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// Complaints received in each month.
  static func received(_ report: ComplaintReport) -> String {
    let width = 720.0
    let height = 240.0
    let top = 24.0
    let bottom = 30.0
    let slot = (width - 20) / 12
    let most = max(1, report.months.map(\.received).max() ?? 1)
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="received-title" class="chart">
      <title id="received-title">Complaints received each month of \(report.year)</title>
      <line x1="10" y1="\(height - bottom)" x2="\(width - 10)" y2="\(height - bottom)" stroke="#0b0c0c"/>

      """
    for (index, line) in report.months.enumerated() {
      let x = 10 + Double(index) * slot + slot * 0.2
      let barHeight = (height - top - bottom) * Double(line.received) / Double(most)
      let y = height - bottom - barHeight
      svg += """
        <rect x="\(f(x))" y="\(f(y))" width="\(f(slot * 0.6))" height="\(f(barHeight))" fill="#0b0c0c"/>
        <text x="\(f(x + slot * 0.3))" y="\(f(y - 6))" text-anchor="middle" font-size="13">\(line.received)</text>
        <text x="\(f(x + slot * 0.3))" y="\(f(height - 10))" text-anchor="middle" font-size="12">\(escape(String(line.label.prefix(3))))</text>

        """
    }
    return svg + "</svg>"
  }

  /// Percentage acknowledged on time (solid) and responded to on time (hatched) each month.
  static func onTime(_ report: ComplaintReport) -> String {
    let width = 720.0
    let height = 260.0
    let top = 40.0
    let bottom = 30.0
    let slot = (width - 20) / 12
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="ontime-title" class="chart">
      <title id="ontime-title">Percentage of complaints acknowledged on time (solid bars, A) and responded to on time (hatched bars, R) each month of \(report.year)</title>
      <defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#505a5f" stroke-width="3"/></pattern></defs>
      <rect x="10" y="6" width="14" height="14" fill="#0b0c0c"/><text x="30" y="18" font-size="13">A: acknowledged on time</text>
      <rect x="220" y="6" width="14" height="14" fill="url(#hatch)" stroke="#0b0c0c"/><text x="240" y="18" font-size="13">R: responded to on time</text>
      <line x1="10" y1="\(height - bottom)" x2="\(width - 10)" y2="\(height - bottom)" stroke="#0b0c0c"/>

      """
    for (index, line) in report.months.enumerated() {
      let x = 10 + Double(index) * slot + slot * 0.1
      let barWidth = slot * 0.38
      for (offset, percent, fill, letter) in [
        (0.0, line.acknowledgedPercent, "#0b0c0c", "A"), (barWidth + 2, line.respondedPercent, "url(#hatch)", "R"),
      ] {
        let barHeight = (height - top - bottom - 16) * Double(percent ?? 0) / 100
        let y = height - bottom - barHeight
        svg += """
          <rect x="\(f(x + offset))" y="\(f(y))" width="\(f(barWidth))" height="\(f(barHeight))" fill="\(fill)" stroke="#0b0c0c"/>
          <text x="\(f(x + offset + barWidth / 2))" y="\(f(y - 4))" text-anchor="middle" font-size="10">\(letter) \(percent.map { "\($0)%" } ?? "–")</text>

          """
      }
      svg += """
        <text x="\(f(x + slot * 0.4))" y="\(f(height - 10))" text-anchor="middle" font-size="12">\(escape(String(line.label.prefix(3))))</text>

        """
    }
    return svg + "</svg>"
  }

  /// A bar per label with its value written above it, for counts or percentages.
  static func bars(id: String, title: String, labels: [String], values: [Int?], suffix: String = "") -> String {
    let width = 720.0
    let height = 240.0
    let top = 24.0
    let bottom = 30.0
    let slot = (width - 20) / Double(max(labels.count, 1))
    let most = max(1, values.compactMap { $0 }.max() ?? 1)
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title" class="chart">
      <title id="\(id)-title">\(escape(title))</title>
      <line x1="10" y1="\(height - bottom)" x2="\(width - 10)" y2="\(height - bottom)" stroke="#0b0c0c"/>

      """
    for (index, label) in labels.enumerated() {
      let value = values[index]
      let x = 10 + Double(index) * slot + slot * 0.2
      let barHeight = (height - top - bottom) * Double(value ?? 0) / Double(most)
      let y = height - bottom - barHeight
      svg += """
        <rect x="\(f(x))" y="\(f(y))" width="\(f(slot * 0.6))" height="\(f(barHeight))" fill="#0b0c0c"/>
        <text x="\(f(x + slot * 0.3))" y="\(f(y - 6))" text-anchor="middle" font-size="13">\(value.map { "\($0)\(suffix)" } ?? "–")</text>
        <text x="\(f(x + slot * 0.3))" y="\(f(height - 10))" text-anchor="middle" font-size="12">\(escape(label))</text>

        """
    }
    return svg + "</svg>"
  }

  static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

struct IncidentStatisticsPage: Encodable {
  struct Row: Encodable {
    var label: String
    var incidents: Int
    var bySeverity: String
    var withinTarget: String
    var median: String
    var reports: Int
  }

  struct Reported: Encodable {
    var reference: String
    var severity: Int
    var reports: Int
  }

  var layout: Layout
  var year: Int
  var previousYear: Int
  var nextYear: Int
  var links: YearLinks
  var monthChart: String
  var severityChart: String
  var months: [Row]
  var severities: [Row]
  var total: Row
  var mostReported: [Reported]
  var hasReported: Bool
  var averageReports: String

  init(_ context: PageContext, report: IncidentReport) {
    layout = Layout(context, title: "Incidents report \(report.year)")
    links = YearLinks(page: .incidentReport, csv: .incidentReportCSV, year: report.year)
    year = report.year
    previousYear = report.year - 1
    nextYear = report.year + 1
    monthChart = ComplaintCharts.bars(
      id: "incident-months", title: "Incidents declared each month of \(report.year)",
      labels: report.months.map { String($0.label.prefix(3)) }, values: report.months.map(\.incidents))
    severityChart = ComplaintCharts.bars(
      id: "incident-target", title: "Percentage of incidents resolved within target, by severity, \(report.year)",
      labels: report.severities.map { "Sev \($0.label.suffix(1))" }, values: report.severities.map(\.withinTargetPercent),
      suffix: "%")
    func row(_ line: IncidentReport.Line) -> Row {
      Row(
        label: line.label, incidents: line.incidents,
        bySeverity: line.bySeverity.enumerated().filter { $0.element > 0 }.map { "S\($0.offset + 1): \($0.element)" }
          .joined(separator: ", "),
        withinTarget: line.withinTargetPercent.map { "\(line.withinTarget) of \(line.decided) (\($0)%)" } ?? "none resolved yet",
        median: line.medianHours.map { "\($0) h" } ?? "–", reports: line.reports)
    }
    months = report.months.map(row)
    severities = report.severities.map(row)
    total = row(report.total)
    mostReported = report.mostReported.map { Reported(reference: $0.reference, severity: $0.severity, reports: $0.reports) }
    hasReported = !mostReported.isEmpty
    averageReports = report.averageReports.map { String($0) } ?? "–"
  }
}

struct ComplaintReportPage: Encodable {
  struct Row: Encodable {
    var label: String
    var received: Int
    var acknowledged: String
    var responded: String
  }

  var layout: Layout
  var year: Int
  var previousYear: Int
  var nextYear: Int
  var links: YearLinks
  var receivedChart: String
  var onTimeChart: String
  var total: Row
  var months: [Row]
  var categories: [Row]
  var principles: [Row]

  init(_ context: PageContext, report: ComplaintReport) {
    layout = Layout(context, title: "Complaints report \(report.year)")
    links = YearLinks(page: .complaintReport, csv: .complaintReportCSV, year: report.year)
    year = report.year
    previousYear = report.year - 1
    nextYear = report.year + 1
    receivedChart = ComplaintCharts.received(report)
    onTimeChart = ComplaintCharts.onTime(report)
    func row(_ line: ComplaintReport.Line) -> Row {
      func text(_ onTime: Int, _ decided: Int, _ percent: Int?) -> String {
        percent.map { "\(onTime) of \(decided) (\($0)%)" } ?? "none decided yet"
      }
      return Row(
        label: line.label, received: line.received,
        acknowledged: text(line.acknowledgedOnTime, line.acknowledgedDecided, line.acknowledgedPercent),
        responded: text(line.respondedOnTime, line.respondedDecided, line.respondedPercent))
    }
    total = row(report.total)
    months = report.months.map(row)
    categories = report.categories.map(row)
    principles = report.principles.map(row)
  }
}

/// A yearly report's links: the years either side, and this year's CSV.
struct YearLinks: Encodable {
  var previous: String
  var next: String
  var csv: String

  init(page: SiteRoute, csv: SiteRoute, year: Int) {
    previous = page.path(query: [("year", String(year - 1))])
    next = page.path(query: [("year", String(year + 1))])
    self.csv = csv.path(query: [("year", String(year))])
  }
}
