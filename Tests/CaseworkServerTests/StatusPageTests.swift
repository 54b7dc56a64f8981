import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The public status page and banner (domain §8)")
struct StatusPageTests {
  @Test(
    "while a component is down every public page shows the banner; published updates appear on the page, JSON and Atom",
    arguments: Engine.all)
  func bannerAndPage(engine: Engine) async throws {
    try await withApp(engine) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      let specialist = try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
      let opened = try await app.openCase()
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      #expect(try await client.post("/staff/status/components", [("name", "Messaging")]).status == .seeOther)
      #expect(try await client.post("/staff/status/components", [("name", "Appointments")]).status == .seeOther)
      let duplicate = try await client.post("/staff/status/components", [("name", "Messaging")])
      #expect(duplicate.status == .unprocessableEntity)

      let visitor = try FormClient(app)
      let publicPages = ["/", "/support", "/complaint", "/report-incident", "/status", "/my-case/\(opened.accessToken)"]
      for path in publicPages {
        #expect(!(try await visitor.get(path).html.contains("id=\"status-banner\"")), "no banner on \(path) while all is well")
      }
      #expect(try await visitor.get("/status").html.contains("There are no current incidents."))
      let messaging = try #require(try await app.casework.status.components().first { $0.name == "Messaging" })
      let path = "/staff/status/components/\(messaging.id.uuidString.lowercased())"
      #expect(try await client.post(path, [("state", "broken")]).status == .unprocessableEntity)
      #expect(try await client.post(path, [("state", "partial_outage")]).status == .seeOther)
      for page in publicPages {
        let html = try await visitor.get(page).html
        #expect(html.contains("There is currently an issue with the service. We are working hard to resolve it."), "\(page)")
        #expect(html.contains("href=\"/status\""), "\(page)")
      }
      let other = try FormClient(app)
      try await other.signIn(specialist.email)
      #expect(try await other.post(path, [("state", "operational")]).status == .forbidden)

      let incident = try await app.casework.cases.declareIncident(
        subject: "Messages delayed", impact: .two, urgency: .two, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(manager.id))
      try await app.casework.cases.addIncidentUpdate(
        incident.record.id, text: "Engineers are looking at a queue backlog.", isPublic: false, by: .staff(manager.id),
        name: "Ian")
      try await app.casework.cases.addIncidentUpdate(
        incident.record.id, text: "Messages are delayed by up to 20 minutes.", isPublic: true, publish: true,
        by: .staff(manager.id), name: "Ian")
      let status = try await visitor.get("/status").html
      #expect(status.contains("Partial outage"))
      #expect(status.contains("Messages are delayed by up to 20 minutes."))
      #expect(!status.contains("queue backlog"), "internal updates stay internal")
      let snapshot = try json(try await app.testing().sendRequest(.GET, "/status.json"))
      #expect(snapshot["status"] as? String == "partial_outage")
      #expect(((snapshot["incidents"] as? [[String: Any]])?.first?["updates"] as? [Any])?.count == 1)
      let atom = try await app.testing().sendRequest(.GET, "/status.atom")
      #expect(atom.headers.contentType?.subType == "atom+xml")
      #expect(atom.body.string.contains("<content type=\"text\">Messages are delayed by up to 20 minutes.</content>"))
      // The public update met the 2-hour update deadline and started the next.
      let updates = try await app.casework.cases.deadlines(of: incident.record.id).filter { $0.name == "update" }
      #expect(updates.count == 2)
      #expect(updates.filter(\.isOpen).count == 1)
    }
  }

  @Test(
    "the status page follows incidents: publishing shows the banner and the affected parts, resolving publishes the resolution and restores them",
    arguments: Engine.all)
  func followsIncidents(engine: Engine) async throws {
    try await withApp(engine) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      #expect(try await client.post("/staff/status/components", [("name", "Messaging")]).status == .seeOther)
      #expect(try await client.post("/staff/status/components", [("name", "Appointments")]).status == .seeOther)
      let messaging = try #require(try await app.casework.status.components().first { $0.name == "Messaging" })
      let incident = try await app.casework.cases.declareIncident(
        subject: "Messages delayed", impact: .two, urgency: .two, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(manager.id))
      let id = incident.record.id.lowercaseString
      try await client.get("/staff/cases/\(id)/incident")
      #expect(
        try await client.post(
          "/staff/cases/\(id)/incident/components", [("component[]", messaging.id.uuidString.lowercased()), ("state", "")]
        ).status == .seeOther)
      let visitor = try FormClient(app)
      // Not yet published: nothing public changes.
      try await Task.sleep(for: .seconds(3.1))
      #expect(!(try await visitor.get("/support").html.contains("id=\"status-banner\"")))
      #expect(try await visitor.get("/status").html.contains("All systems operational"))

      // Published with a public update: the banner everywhere, the overall line and the part affected agree.
      try await client.get("/staff/cases/\(id)/incident")
      #expect(
        try await client.post(
          "/staff/cases/\(id)/incident/updates",
          [("text", "Messages are delayed by up to 20 minutes."), ("public", "yes"), ("publish", "yes")]
        ).status == .seeOther)
      try await Task.sleep(for: .seconds(3.1))
      #expect(try await visitor.get("/support").html.contains("id=\"status-banner\""))
      var status = try await visitor.get("/status").html
      #expect(!status.contains("All systems operational"))
      #expect(!status.contains("There are no current incidents."))
      let snapshot = try json(try await app.testing().sendRequest(.GET, "/status.json"))
      #expect(snapshot["status"] as? String == "partial_outage")
      let parts = try #require(snapshot["components"] as? [[String: Any]])
      #expect(parts.first { $0["name"] as? String == "Messaging" }?["state"] as? String == "partial_outage")
      #expect(parts.first { $0["name"] as? String == "Appointments" }?["state"] as? String == "operational")

      // Resolved: the resolution is the last public word, the parts are restored, the banner goes.
      try await client.get("/staff/cases/\(id)/incident")
      #expect(
        try await client.post("/staff/cases/\(id)/incident/resolve", [("summary", "The queue was cleared; messages flow again.")])
          .status == .seeOther)
      try await Task.sleep(for: .seconds(3.1))
      status = try await visitor.get("/status").html
      #expect(status.contains("All systems operational"))
      #expect(status.contains("Resolved: The queue was cleared; messages flow again."))
      #expect(!(try await visitor.get("/support").html.contains("id=\"status-banner\"")))
      let after = try json(try await app.testing().sendRequest(.GET, "/status.json"))
      #expect(after["status"] as? String == "operational")
    }
  }

  @Test("the page lists past incidents for the policy's history window")
  func historyFromPolicy() async throws {
    var config = testConfig()
    config.policy.statusHistoryDays = 30
    try await withApp(.sqlite, config: config) { app in
      let html = try await (try FormClient(app)).get("/status").html
      #expect(html.contains("Past 30 days"))
      #expect(html.contains("No incidents in the past 30 days."))
      #expect(!html.contains("90 days"))
    }
  }

  @Test("incident managers may stop and restart new tickets; support specialists may not")
  func intakeByIncidentManagers() async throws {
    try await withApp(.sqlite) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      #expect(try await client.get("/staff/settings/intake").status == .ok)
      let specialist = try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
      let other = try FormClient(app)
      try await other.signIn(specialist.email)
      #expect(try await other.get("/staff/settings/intake").status == .forbidden)
    }
  }
}
