import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Incident working groups")
struct WorkingGroupTests {
  @Test(
    "members added by name or by role are told in the console and by email; the lead is the assignee; reminders go to the group",
    arguments: Engine.all)
  func workingGroup(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart)
    try await withApp(engine, clock: clock) { app in
      let (lead, token) = try await app.makeToken(role: .incidentManager, email: "ian@casework.test")
      let engineer = try await app.makeStaff("eve@casework.test", role: .supportSpecialist)
      let cso1 = try await app.makeStaff("cso1@casework.test", role: .clinicalSafetyOfficer)
      let cso2 = try await app.makeStaff("cso2@casework.test", role: .clinicalSafetyOfficer)
      let incident = try await app.casework.cases.declareIncident(
        subject: "Messaging outage", impact: .one, urgency: .one, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(lead.id))
      let path = "/api/v1/cases/\(incident.record.id.uuidString.lowercased())/incident/members"
      func add(_ body: [String: Any]) async throws -> (HTTPStatus, [String: Any]) {
        let response = try await app.testing().sendRequest(.POST, path, headers: .bearer(token), body: try jsonBody(body))
        return (response.status, (try? json(response)) ?? [:])
      }
      var (status, body) = try await add(["staff": "ian@casework.test", "role": "incident_lead"])
      #expect(status == .ok)
      (status, body) = try await add(["staff": engineer.id.uuidString, "role": "engineer"])
      #expect(status == .ok)
      (status, body) = try await add(["staffRole": "clinical_safety_officer", "role": "clinical_lead"])
      #expect(status == .ok)
      #expect((body["members"] as? [[String: Any]])?.count == 4)
      (status, body) = try await add(["staff": engineer.id.uuidString, "role": "engineer"])
      #expect(status == .unprocessableEntity, "already a member")
      (status, body) = try await add(["staff": "nobody@casework.test", "role": "engineer"])
      #expect(status == .unprocessableEntity)
      (status, body) = try await add(["staff": engineer.id.uuidString, "role": "wizard"])
      #expect(status == .unprocessableEntity)

      #expect(try await app.casework.cases.find(incident.record.reference.description)?.assigneeID == lead.id)
      for person in [lead, engineer, cso1, cso2] {
        #expect(try await app.casework.notifications.unreadCount(for: person.id) == 1, "\(person.email)")
      }
      let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
      let emails = try await SQLOutbox(handle: handle).entries(of: incident.record.id)
      #expect(emails.filter { $0.subject.hasPrefix("Working group:") }.count == 4)

      // Severity 1 needs an update every hour: at 45 minutes the whole group is reminded.
      clock.advance(by: 46 * 60)
      try await app.casework.deadlines.sweep()
      for person in [lead, engineer, cso1, cso2] {
        let notes = try await app.casework.notifications.notifications(for: person.id, limit: 10)
        #expect(notes.contains { $0.kind == .deadlineWarning && $0.message.contains("update") }, "\(person.email) reminded")
      }
    }
  }
}
