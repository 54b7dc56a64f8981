import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Who may make which decision (issue #21): incidents, breaches, deadlines; and NHS numbers
/// kept out of public pages, titles and email subjects.
@Suite("Decisions by role")
struct DecisionPermissionTests {
  func post(_ app: Application, _ path: String, token: String, _ body: [String: Any]) async throws -> HTTPStatus {
    try await app.testing().sendRequest(.POST, path, headers: .bearer(token), body: try jsonBody(body)).status
  }

  func declare(_ app: Application, by manager: StaffUser, subject: String = "Messages delayed") async throws -> IncidentCase {
    try await app.casework.cases.declareIncident(
      subject: subject, impact: .two, urgency: .two, reporter: Requester(name: "Ops", email: "ops@example.com"),
      by: .staff(manager.id))
  }

  @Test(
    "only incident managers and admins publish, post public updates, override severity, resolve, close and decide breaches",
    arguments: Engine.all)
  func incidentDecisions(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (manager, managerToken) = try await app.makeToken(role: .incidentManager, email: "ian@casework.test")
      let incident = try await declare(app, by: manager)
      let path = "/api/v1/cases/\(incident.record.id.lowercaseString)"
      for role in [StaffRole.supportSpecialist, .supportManager, .clinicalSafetyOfficer] {
        let (_, token) = try await app.makeToken(role: role, email: "\(role.rawValue)@casework.test")
        #expect(
          try await post(app, "\(path)/incident/updates", token: token, ["text": "Fixed soon", "public": true]) == .forbidden)
        #expect(
          try await post(app, "\(path)/incident/updates", token: token, ["text": "Looking", "publish": true]) == .forbidden)
        #expect(
          try await post(
            app, "\(path)/incident/assessment", token: token, ["impact": 2, "urgency": 2, "severity": 1, "reason": "x"])
            == .forbidden)
        #expect(try await post(app, "\(path)/incident/resolve", token: token, ["summary": "Done"]) == .forbidden)
        #expect(try await post(app, "\(path)/incident/close", token: token, [:]) == .forbidden)
        #expect(
          try await post(app, "\(path)/incident/breach-decision", token: token, ["report": false, "reason": "x"]) == .forbidden)
        // Day-to-day work stays open to them: an internal update.
        #expect(try await post(app, "\(path)/incident/updates", token: token, ["text": "Checked the queue"]) == .created)
      }
      #expect(try await app.casework.status.publishedIncidents(since: testStart.addingTimeInterval(-86_400)).isEmpty)
      // A manager's override is not undone by someone else's plain reassessment.
      #expect(
        try await post(
          app, "\(path)/incident/assessment", token: managerToken,
          ["impact": 2, "urgency": 2, "severity": 1, "reason": "Clinical lead"])
          == .ok)
      let (_, specialistToken) = try await app.makeToken(role: .supportSpecialist, email: "sam2@casework.test")
      #expect(
        try await post(app, "\(path)/incident/assessment", token: specialistToken, ["impact": 3, "urgency": 3]) == .forbidden)
      #expect(try await app.casework.cases.incident(of: incident.record.id)?.severity == 1)
      #expect(
        try await post(app, "\(path)/incident/updates", token: managerToken, ["text": "Delays", "public": true, "publish": true])
          == .created)
      #expect(try await post(app, "\(path)/incident/resolve", token: managerToken, ["summary": "Queue drained"]) == .ok)

      // The console: a specialist's public update is refused, an internal one accepted.
      try await app.makeStaff("sam@casework.test")
      let other = try await declare(app, by: manager, subject: "Login slow")
      let client = try FormClient(app)
      try await client.signIn("sam@casework.test")
      let page = "/staff/cases/\(other.record.id.lowercaseString)/incident"
      #expect(try await client.post("\(page)/updates", [("text", "Public words"), ("public", "yes")]).status == .forbidden)
      #expect(try await client.post("\(page)/updates", [("text", "Internal words")]).status == .seeOther)
      #expect(try await client.post("\(page)/resolve", [("summary", "Done")]).status == .forbidden)
    }
  }

  @Test(
    "only a support team manager's (or an admin's) reply answers an escalation; a specialist's leaves it running",
    arguments: Engine.all)
  func escalationAnsweredByManagers(engine: Engine) async throws {
    try await withApp(engine) { app in
      let opened = try await app.openCase()
      try await app.casework.cases.escalate(opened.record.id, by: .requester)
      let (_, specialist) = try await app.makeToken(role: .supportSpecialist, email: "sam@casework.test")
      let (_, manager) = try await app.makeToken(role: .supportManager, email: "grace@casework.test")
      let path = "/api/v1/cases/\(opened.record.id.lowercaseString)/messages"
      func escalation() async throws -> Deadline.State? {
        try await app.casework.cases.deadlines(of: opened.record.id).first { $0.name == "escalation_response" }?.state
      }
      #expect(try await post(app, path, token: specialist, ["body": "A manager will be in touch."]) == .created)
      #expect(try await escalation() == .running)
      let client = try FormClient(app)
      try await app.makeStaff("priya@casework.test")
      try await client.signIn("priya@casework.test")
      #expect(
        try await client.post("/staff/cases/\(opened.record.id.lowercaseString)/reply", [("body", "Still with the managers.")])
          .status
          == .seeOther)
      #expect(try await escalation() == .running)
      #expect(try await post(app, path, token: manager, ["body": "I am the manager: here is what we will do."]) == .created)
      #expect(try await escalation() == .met)
    }
  }

  @Test(
    "the requester's page says escalated only once a request was; a complaint's page offers no escalation", arguments: Engine.all)
  func requesterPageTellsTheTruth(engine: Engine) async throws {
    try await withApp(engine) { app in
      let complaint = try await app.casework.cases.open(
        NewCaseInput(
          kind: .complaint, channel: .web, subject: "Rude reply", description: "I was spoken to rudely.",
          requesterName: "Ann Example", requesterEmail: "ann@example.com"),
        by: .requester)
      let client = try FormClient(app)
      let complaintPage = try await client.get("/my-case/\(complaint.accessToken)").html
      #expect(!complaintPage.contains("You asked for escalation"))
      #expect(!complaintPage.contains("Not happy with our response?"))
      // Asking anyway (an old form, or "I wish to escalate" by email) changes nothing.
      _ = try await client.post("/my-case/\(complaint.accessToken)/escalate", [])
      #expect(try await app.casework.cases.find(id: complaint.record.id)?.tags.contains("escalated") == false)
      #expect(!(try await client.get("/my-case/\(complaint.accessToken)").html.contains("You asked for escalation")))

      let request = try await app.openCase()
      let before = try await client.get("/my-case/\(request.accessToken)").html
      #expect(before.contains("Not happy with our response?") && !before.contains("You asked for escalation"))
      #expect(try await client.post("/my-case/\(request.accessToken)/escalate", []).status == .seeOther)
      #expect(try await client.get("/my-case/\(request.accessToken)").html.contains("You asked for escalation"))
    }
  }

  @Test(
    "deadlines move by hand only for support managers and admins; never a complaint's, never the ICO breach clock",
    arguments: Engine.all)
  func deadlineExtensions(engine: Engine) async throws {
    try await withApp(engine) { app in
      let ian = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      try await app.makeStaff("grace@casework.test", role: .supportManager)
      let incident = try await declare(app, by: ian)
      try await app.casework.cases.flagBreach(incident.record.id, awareAt: testStart, by: .staff(ian.id))
      let complaint = try await app.casework.cases.open(
        NewCaseInput(
          kind: .complaint, channel: .web, subject: "Rude reply", description: "I was spoken to rudely on 20 November 2026",
          requesterName: "Ann Example", requesterEmail: "ann@example.com"),
        by: .requester)
      let support = try await app.openCase()

      func extend(_ client: FormClient, _ caseID: CaseID, _ name: String) async throws -> HTTPStatus {
        let deadline = try #require(try await app.casework.cases.deadlines(of: caseID).first { $0.name == name })
        return try await client.post(
          "/staff/cases/\(caseID.lowercaseString)/deadlines/extend",
          [
            ("deadline", deadline.id.lowercaseString), ("date", "2027-03-01"), ("time", "17:00"),
            ("reason", "Waiting for a supplier"),
          ]
        ).status
      }
      let grace = try FormClient(app)
      try await grace.signIn("grace@casework.test")
      let breachClock = try #require(
        try await app.casework.cases.deadlines(of: incident.record.id).first { $0.name == "breach_report" })
      #expect(try await extend(grace, incident.record.id, "breach_report") == .forbidden)
      let ackName = try #require(try await app.casework.cases.deadlines(of: complaint.record.id).first?.name)
      #expect(try await extend(grace, complaint.record.id, ackName) == .forbidden)
      let unchanged = try #require(
        try await app.casework.cases.deadlines(of: incident.record.id).first { $0.name == "breach_report" })
      #expect(unchanged.dueAt == breachClock.dueAt && unchanged.extensions.isEmpty)
      #expect(
        !(try await grace.get("/staff/cases/\(incident.record.id.lowercaseString)").html.contains(">Breach report</option>")))

      let incidentManager = try FormClient(app)
      try await incidentManager.signIn("ian@casework.test")
      #expect(try await extend(incidentManager, support.record.id, "first_response") == .forbidden)
      #expect(try await extend(grace, support.record.id, "first_response") == .seeOther)
    }
  }

  @Test(
    "NHS numbers are masked on the status page, its JSON and feed, in page titles, email subjects and webhooks",
    arguments: Engine.all)
  func nhsNumbersMasked(engine: Engine) async throws {
    let config = testConfig {
      $0.webhookURLs = ["http://127.0.0.1:9/hook"]
      $0.webhookSecret = String(repeating: "s", count: 32)
    }
    try await withApp(engine, config: config) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      let incident = try await declare(app, by: manager, subject: "Records of 943 476 5919 shown to others")
      try await app.casework.cases.addIncidentUpdate(
        incident.record.id, text: "The record of 9434765919 was shown by mistake.", isPublic: true, publish: true,
        by: .staff(manager.id), name: "Ian")
      for path in ["/status", "/status.json", "/status.atom"] {
        let body = try await app.testing().sendRequest(.GET, path).body.string
        #expect(body.contains("5919"), "\(path) still says which record, by its last digits")
        #expect(!body.contains("9434765919") && !body.contains("943 476 5919"), "\(path)")
      }

      let opened = try await app.openCase(subject: "NHS number 943 476 5919 cannot log in")
      let client = try FormClient(app)
      try await client.signIn("ian@casework.test")
      let page = try await client.get("/staff/cases/\(opened.record.id.lowercaseString)").html
      let title = try #require(extract(page, after: "<title>", before: "</title>"))
      #expect(title.contains("5919") && !title.contains("943 476 5919"))
      let subjects = try await (app.db as! any SQLDatabase).raw("SELECT subject FROM outbox").all().map {
        try $0.decode(column: "subject", as: String.self)
      }
      #expect(!subjects.isEmpty)
      #expect(subjects.allSatisfy { !$0.contains("943 476 5919") && !$0.contains("9434765919") })
      let payloads = try await (app.db as! any SQLDatabase).raw("SELECT payload FROM webhook_deliveries").all().map {
        try $0.decode(column: "payload", as: String.self)
      }
      #expect(!payloads.isEmpty)
      #expect(payloads.allSatisfy { !$0.contains("943 476 5919") && !$0.contains("9434765919") && $0.contains("5919") })
    }
  }
}
