import CaseworkCore
import CaseworkStore
import Foundation
import Vapor

/// `/staff/reports/complaints` and `/staff/reports/incidents`: the report pages and their CSV.
struct StaffReportsController {
  func boot(_ routes: any RoutesBuilder) {
    let reading = routes.grouped(StaffAuthentication(permission: .readCases))
    reading.get(.complaintReport, use: page)
    reading.get(.complaintReportCSV, use: csv)
    reading.get(.incidentReport, use: incidentsPage)
    reading.get(.incidentReportCSV, use: incidentsCSV)
  }

  func incidentReport(_ request: Request) async throws -> IncidentReport {
    let services = request.casework
    let year = (try? request.query.get(Int.self, at: "year")) ?? LocalDate(services.clock.now()).year
    guard (2000...2100).contains(year) else {
      throw CaseworkError.invalid([FieldError(field: "year", message: "Choose a year from 2000 to 2100.")])
    }
    return IncidentReport(year: year, rows: try await SQLIncidentReports(handle: request.databaseHandle).rows())
  }

  func incidentsPage(_ request: Request) async throws -> Response {
    try await Pages.render(
      request, "staff-incident-report", IncidentStatisticsPage(PageContext(request), report: try await incidentReport(request)))
  }

  func incidentsCSV(_ request: Request) async throws -> Response {
    let report = try await incidentReport(request)
    return csvResponse(report.csv, filename: "incidents-\(report.year).csv")
  }

  func report(_ request: Request) async throws -> ComplaintReport {
    let services = request.casework
    let thisYear = LocalDate(services.clock.now()).year
    let year = (try? request.query.get(Int.self, at: "year")) ?? thisYear
    guard (2000...2100).contains(year) else {
      throw CaseworkError.invalid([FieldError(field: "year", message: "Choose a year from 2000 to 2100.")])
    }
    return ComplaintReport(year: year, rows: try await SQLComplaintReports(handle: request.databaseHandle).rows(year: year))
  }

  func page(_ request: Request) async throws -> Response {
    try await Pages.render(
      request, "staff-complaint-report", ComplaintReportPage(PageContext(request), report: try await report(request)))
  }

  func csv(_ request: Request) async throws -> Response {
    let report = try await report(request)
    return csvResponse(report.csv, filename: "complaints-\(report.year).csv")
  }
}
