import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Incidents: resolution, review, patient safety and personal data breach")
struct IncidentLifecycleTests {
  func send(
    _ app: Application, _ path: String, token: String, _ body: [String: Any]
  ) async throws -> (HTTPStatus, [String: Any]) {
    let response = try await app.testing().sendRequest(.POST, path, headers: .bearer(token), body: try jsonBody(body))
    return (response.status, (try? json(response)) ?? [:])
  }

  @Test(
    "resolving needs a summary and tells opted-in reporters; closing needs a review; breach and safety are recorded",
    arguments: Engine.all)
  func lifecycle(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken(role: .incidentManager, email: "ian@casework.test")
      let (_, csoToken) = try await app.makeToken(role: .clinicalSafetyOfficer, email: "cso@casework.test")
      let cso = try #require(try await app.casework.staff.find(email: "cso@casework.test"))
      let service = app.casework.cases
      let reporters = try await [
        ("a@example.com", true), ("b@example.com", false),
      ].asyncMap { email, notify in
        try await service.open(
          NewCaseInput(
            channel: .web, subject: "Incident report", description: "Messages missing", requesterName: "Reporter",
            requesterEmail: email, tags: [CaseService.possibleIncidentTag] + (notify ? [CaseService.notifyOnResolutionTag] : [])),
          by: .requester
        ).record
      }
      let incident = try #require(
        try await service.triage(
          reporters[0].id, .declare(subject: "Messaging outage", impact: .two, urgency: .two), by: .system))
      try await service.triage(reporters[1].id, .linkTo(incident.record.reference), by: .system)
      let path = "/api/v1/cases/\(incident.record.id.uuidString.lowercased())/incident"

      // Patient safety: the clinical safety officer is notified and records the review.
      var (status, body) = try await send(app, "\(path)/patient-safety", token: token, [:])
      #expect(status == .ok)
      #expect(body["patientSafety"] as? Bool == true)
      #expect(try await app.casework.notifications.unreadCount(for: cso.id) == 1)
      (status, body) = try await send(
        app, "\(path)/clinical-review", token: token,
        ["hazard": "Missed results", "likelihood": "low", "consequence": "major", "hazardLogUpdated": true])
      #expect(status == .forbidden, "only the clinical safety officer")
      (status, body) = try await send(
        app, "\(path)/clinical-review", token: csoToken,
        ["hazard": "Missed results", "likelihood": "sometimes", "consequence": "major", "hazardLogUpdated": true])
      #expect(status == .unprocessableEntity)
      (status, body) = try await send(
        app, "\(path)/clinical-review", token: csoToken,
        ["hazard": "Missed results", "likelihood": "low", "consequence": "major", "hazardLogUpdated": true])
      #expect(status == .ok)

      // Breach: 72 hours from the moment of awareness, met by the decision.
      let aware = testStart.addingTimeInterval(-3600)
      (status, body) = try await send(
        app, "\(path)/breach", token: token, ["awareAt": ISO8601DateFormatter().string(from: aware)])
      #expect(status == .ok)
      var breachClock = try #require(
        try await service.deadlines(of: incident.record.id).first { $0.name == "breach_report" })
      #expect(breachClock.dueAt == aware.addingTimeInterval(72 * 3600))
      (status, body) = try await send(
        app, "\(path)/breach-decision", token: token, ["decision": "not_reportable", "reason": " "])
      #expect(status == .unprocessableEntity)
      (status, body) = try await send(
        app, "\(path)/breach-decision", token: token,
        ["decision": "not_reportable", "reason": "Encrypted device recovered within the hour."])
      #expect(status == .ok)
      breachClock = try #require(try await service.deadlines(of: incident.record.id).first { $0.name == "breach_report" })
      #expect(breachClock.state == .met)

      // Resolution needs a summary; reporters who opted in are told.
      (status, body) = try await send(app, "\(path)/resolve", token: token, ["summary": ""])
      #expect(status == .unprocessableEntity)
      (status, body) = try await send(
        app, "\(path)/close", token: token, ["review": ["whatHappened": "x", "cause": "y", "actions": []]])
      #expect(status == .conflict, "resolve first")
      (status, body) = try await send(app, "\(path)/resolve", token: token, ["summary": "A failed queue node was replaced."])
      #expect(status == .ok)
      #expect(body["status"] as? String == "resolved")
      let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
      let outbox = SQLOutbox(handle: handle)
      // Each reporter had the form's acknowledgement; only the one who asked hears of the resolution.
      #expect(try await outbox.entries(of: reporters[0].id).contains { $0.subject.hasPrefix("Re: [\(reporters[0].reference)]") })
      #expect(!(try await outbox.entries(of: reporters[1].id).contains { $0.subject.hasPrefix("Re: ") }), "did not ask to hear")
      #expect(try await service.deadlines(of: incident.record.id).first { $0.name == "resolve" }?.state == .met)

      (status, body) = try await send(
        app, "\(path)/close", token: token, ["review": ["whatHappened": "x", "cause": "", "actions": []]])
      #expect(status == .unprocessableEntity)
      #expect((body["errors"] as? [[String: Any]])?.map { $0["field"] as? String } == ["review.cause", "review.actions"])
      (status, body) = try await send(
        app, "\(path)/close", token: token,
        [
          "review": [
            "whatHappened": "A queue node failed.", "cause": "Disk full", "contributingFactors": "No alert on disk use",
            "actions": [["description": "Alert on disk use", "owner": "Platform team", "due": "2026-12-04"]],
          ]
        ])
      #expect(status == .ok)
      #expect(body["status"] as? String == "closed")
    }
  }
}

extension Array {
  fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
    var result: [T] = []
    for element in self { result.append(try await transform(element)) }
    return result
  }
}

@Suite("The incidents report")
struct IncidentReportTests {
  @Test(
    "incidents by severity and month, within target, median time, reports per incident, charts and CSV", arguments: Engine.all)
  func report(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart)
    try await withApp(engine, clock: clock) { app in
      let staff = try await app.makeStaff()
      let service = app.casework.cases
      var reports: [Case] = []
      for n in 1...3 {
        reports.append(
          try await service.open(
            NewCaseInput(
              channel: .web, subject: "Report \(n)", description: "Down", requesterName: "R", requesterEmail: "r\(n)@example.com",
              tags: [CaseService.possibleIncidentTag]), by: .requester
          ).record)
      }
      // Severity 1, resolved in 2 hours (within 4); severity 2, resolved after 9 hours (target 8).
      let fast = try #require(
        try await service.triage(reports[0].id, .declare(subject: "Fast", impact: .one, urgency: .one), by: .system))
      try await service.triage(reports[1].id, .linkTo(fast.record.reference), by: .system)
      let slow = try #require(
        try await service.triage(reports[2].id, .declare(subject: "Slow", impact: .two, urgency: .two), by: .system))
      clock.advance(by: 2 * 3600)
      try await service.resolveIncident(fast.record.id, summary: "Fixed", by: .system)
      clock.advance(by: 7 * 3600)
      try await service.resolveIncident(slow.record.id, summary: "Fixed late", by: .system)

      let client = try FormClient(app)
      try await client.signIn(staff.email)
      let page = try await client.get("/staff/reports/incidents?year=2026")
      #expect(page.status == .ok)
      #expect(page.html.contains("<title id=\"incident-months-title\">"))
      #expect(page.html.contains("1 of 1 (100%)"), "severity 1 within target")
      #expect(page.html.contains("0 of 1 (0%)"), "severity 2 missed")
      #expect(page.html.contains("On average 1.5 reports per incident."))
      let csv = try await client.get("/staff/reports/incidents.csv?year=2026").body.string
      #expect(csv.contains("severity,Severity 1,1,1,0,0,0,0,1,1,100,2.0,2\r\n"))
      #expect(csv.contains("severity,Severity 2,1,0,1,0,0,0,0,1,0,9.0,1\r\n"))
      #expect(csv.contains("incident,\(fast.record.reference),1,1,0,0,0,0,,,,,2\r\n"))
    }
  }
}
