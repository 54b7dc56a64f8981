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

@Suite("The incident page's working group form")
struct IncidentPageGroupTests {
  @Test("add a person and a whole staff role from the incident page")
  func addFromPage() async throws {
    try await withApp(.sqlite) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      _ = try await app.makeStaff("cso@casework.test", role: .clinicalSafetyOfficer)
      let incident = try await app.casework.cases.declareIncident(
        subject: "Outage", impact: .three, urgency: .three, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(manager.id))
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      let path = "/staff/cases/\(incident.record.id.uuidString.lowercased())/incident"
      #expect(try await client.get(path).html.contains("Nobody yet."))
      #expect(
        try await client.post("\(path)/members", [("person", manager.id.uuidString.lowercased()), ("role", "incident_lead")])
          .status
          == .seeOther)
      #expect(
        try await client.post("\(path)/members", [("person", "role:clinical_safety_officer"), ("role", "clinical_lead")]).status
          == .seeOther)
      let page = try await client.get(path).html
      #expect(page.contains("Ian, incident lead"))
      #expect(page.contains("Cso, clinical lead"))
      let empty = try await client.post("\(path)/members", [("person", "role:admin"), ("role", "engineer")])
      #expect(empty.status == .unprocessableEntity, "no active admins besides none created")
    }
  }
}
