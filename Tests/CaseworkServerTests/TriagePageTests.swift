import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The triage queue page")
struct TriagePageTests {
  @Test("reports wait oldest first; a decision without a reason is refused; an empty queue says so", arguments: Engine.all)
  func queue(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      let report = try await app.casework.cases.open(
        NewCaseInput(
          channel: .email, subject: "Incident: app down", description: "Down.", requesterName: "P",
          requesterEmail: "p@example.com",
          tags: [CaseService.possibleIncidentTag]), by: .system)
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      var page = try await client.get("/staff/triage")
      #expect(page.status == .ok)
      #expect(page.html.contains(report.record.reference.description))
      let id = report.record.id.uuidString.lowercased()
      let refused = try await client.post("/staff/triage/\(id)", [("decision", "not_an_incident"), ("reason", "")])
      #expect(refused.status == .unprocessableEntity)
      #expect(refused.html.contains("Say why this is not an incident."))
      #expect(
        try await client.post("/staff/triage/\(id)", [("decision", "not_an_incident"), ("reason", "Test")]).status == .seeOther)
      page = try await client.get("/staff/triage")
      #expect(page.status == .ok)
      #expect(page.html.contains("No reports are waiting."), "\(page.html.suffix(800))")
    }
  }
}
