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
