import CaseworkCore
import Foundation
import SQLKit

/// What the complaints report reads: each complaint received in a year with its tags,
/// principles and the two deadlines the report judges.
public struct SQLComplaintReports: Sendable {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func rows(year: Int) async throws -> [ComplaintReportRow] {
    let db = handle.sql
    let found = try await db.raw(
      """
      SELECT c.case_id, c.received_on, c.record, k.tags FROM complaints c JOIN cases k ON k.id = c.case_id
      WHERE c.received_on >= \(bind: "\(year)-01-01") AND c.received_on <= \(bind: "\(year)-12-31")
      """
    ).all()
    let decoder = ComplaintRows.decoder()
    var complaints: [(CaseID, LocalDate, [String], [ComplaintPrinciple])] = []
    for row in found {
      let record = try decoder.decode(Complaint.self, from: Data(try row.decode(column: "record", as: String.self).utf8))
      let tags = (try row.decode(column: "tags", as: String?.self) ?? "").split(separator: ",").map(String.init)
      complaints.append((record.caseID, record.dates.received, tags, record.investigation.principles))
    }
    let deadlines = try await SQLCaseRepository(handle: handle).deadlines(ofCases: complaints.map(\.0))
    return complaints.map { id, received, tags, principles in
      let own = deadlines[id] ?? []
      return ComplaintReportRow(
        receivedOn: received, categories: tags, principles: principles, acknowledge: own.first { $0.name == "acknowledge" },
        investigate: own.first { $0.name == "investigate" })
    }
  }
}

/// What the incidents report reads: each incident with its severity, `resolve` deadline and
/// the number of reports linked to it.
public struct SQLIncidentReports: Sendable {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  public func rows() async throws -> [IncidentReportRow] {
    let db = handle.sql
    let found = try await db.raw(
      """
      SELECT i.case_id, i.record, k.reference,
        (SELECT COUNT(*) FROM case_links l WHERE l.to_case_id = i.case_id AND l.relation = 'report_of') AS reports
      FROM incidents i JOIN cases k ON k.id = i.case_id
      """
    ).all()
    let decoder = ComplaintRows.decoder()
    var incidents: [(CaseID, String, Incident, Int)] = []
    for row in found {
      let incident = try decoder.decode(Incident.self, from: Data(try row.decode(column: "record", as: String.self).utf8))
      incidents.append(
        (
          incident.caseID, try row.decode(column: "reference", as: String.self), incident,
          try row.decode(column: "reports", as: Int.self)
        ))
    }
    let deadlines = try await SQLCaseRepository(handle: handle).deadlines(ofCases: incidents.map(\.0))
    return incidents.map { id, reference, incident, reports in
      IncidentReportRow(
        reference: reference, declaredAt: incident.declaredAt, severity: incident.severity,
        resolve: deadlines[id]?.first { $0.name == "resolve" }, reports: reports)
    }
  }
}
