import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The complaints report page")
struct ComplaintReportPageTests {
  @Test("figures from stored complaints, SVG charts with their numbers as text, and the CSV", arguments: Engine.all)
  func reportPage(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      for incident in ["2026-11-01", "2026-11-02"] {
        let opened = try await app.casework.cases.open(
          NewCaseInput(
            kind: .complaint, channel: .web, subject: "Complaint", description: "It went wrong.", requesterName: "Ann",
            requesterEmail: "ann@example.com", tags: ["billing"],
            complaint: ComplaintInput(incidentDate: LocalDate(incident))), by: .requester)
        if incident == "2026-11-01" { try await app.casework.cases.acknowledgeComplaint(opened.record.id, by: .staff(staff.id)) }
      }
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      let page = try await client.get("/staff/reports/complaints?year=2026")
      #expect(page.status == .ok)
      let html = page.html
      #expect(html.contains("<svg"))
      #expect(html.contains("<title id=\"received-title\">"))
      #expect(html.contains("A 100%"))
      #expect(html.contains("1 of 1 (100%)"))
      #expect(html.contains("<th scope=\"row\">billing</th>"))
      let csv = try await client.get("/staff/reports/complaints.csv?year=2026")
      #expect(csv.headers.contentType?.subType == "csv")
      #expect(csv.body.string.contains("month,Nov 2026,2,1,1,100,0,0,\r\n"))
      #expect(try await client.get("/staff/reports/complaints?year=1800").status == .unprocessableEntity)
    }
  }
}
