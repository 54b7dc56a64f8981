import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Complaints over the API: eligibility, enforced moves, letters and decisions")
struct ComplaintAPITests {
  func send(
    _ app: Application, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: Any]? = nil
  ) async throws -> (HTTPStatus, [String: Any]) {
    let response = try await app.testing().sendRequest(
      method, path, headers: .bearer(token), body: try body.map { try jsonBody($0) })
    return (response.status, (try? json(response)) ?? [:])
  }

  func complaintBody(incident: String = "2026-10-01", discovered: String? = nil) -> [String: Any] {
    var body: [String: Any] = [
      "kind": "complaint", "subject": "Appointment cancelled without notice",
      "description": "My appointment was cancelled and nobody told me.",
      "requester": ["name": "Ann Example", "email": "ann@example.com"], "incidentDate": incident,
      "desiredOutcome": "An apology.",
    ]
    if let discovered { body["discoveredDate"] = discovered }
    return body
  }

  @Test("a complaint is opened with its dates, moved through its process, and refused out of order", arguments: Engine.all)
  func workflow(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken(role: .supportManager)
      let (created, caseBody) = try await send(app, .POST, "/api/v1/cases", token: token, complaintBody())
      #expect(created == .created)
      #expect(caseBody["reference"] as? String == "CMP-2026-000001")
      let id = try #require(caseBody["id"] as? String)
      let path = "/api/v1/cases/\(id)/complaint"

      var (status, complaint) = try await send(app, .GET, path, token: token)
      #expect(status == .ok)
      #expect(complaint["stage"] as? String == "received")
      let eligibility = try #require(complaint["eligibility"] as? [String: Any])
      #expect(eligibility["eligible"] as? Bool == true)
      #expect(eligibility["rule"] as? String == "within 6 months of the incident")
      #expect((complaint["dates"] as? [String: Any])?["incident"] as? String == "2026-10-01")

      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "investigating"])
      #expect(status == .conflict)
      #expect(complaint["allowed"] as? [String] == ["acknowledged", "closed"])

      let (_, letter) = try await send(app, .GET, "\(path)/letters/acknowledgement", token: token)
      #expect((letter["body"] as? String)?.contains("Dear Ann Example,") == true)

      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "acknowledged"])
      #expect(status == .ok)
      #expect(complaint["stage"] as? String == "acknowledged")
      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "investigating"])
      #expect(complaint["stage"] as? String == "investigating")

      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "response_sent"])
      #expect(status == .unprocessableEntity)
      #expect((complaint["errors"] as? [[String: Any]])?.first?["field"] as? String == "whatHappened")

      (status, complaint) = try await send(
        app, .PUT, "\(path)/investigation", token: token,
        [
          "whatHappened": "The practice cancelled the session.", "whatWentWrong": "No notice was sent.",
          "apologyGiven": true, "apologyWords": "We are sorry.", "discussionOffered": true,
          "principles": ["getting_it_right"],
          "actions": [["description": "Send notices by SMS", "owner": "Product", "due": "2027-01-15"]],
        ])
      #expect(status == .ok)
      #expect((complaint["missingForResponse"] as? [Any])?.isEmpty == true)
      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "response_sent"])
      #expect(complaint["stage"] as? String == "response_sent")
      (status, complaint) = try await send(app, .POST, "\(path)/transitions", token: token, ["to": "closed"])
      #expect(complaint["stage"] as? String == "closed")
      #expect(complaint["allowedNext"] as? [String] == ["follow_up_sent", "reopened", "referred_to_ombudsman"])

      let (_, caseNow) = try await send(app, .GET, "/api/v1/cases/\(id)", token: token)
      #expect(caseNow["status"] as? String == "closed")
      let deadlines = (caseNow["deadlines"] as? [[String: Any]] ?? []).map {
        ($0["name"] as? String ?? "", $0["state"] as? String ?? "")
      }
      #expect(deadlines.contains { $0 == ("acknowledge", "met") })
      #expect(deadlines.contains { $0 == ("investigate", "met") })
      #expect(deadlines.contains { $0 == ("follow_up", "running") })
      let messages = try await app.casework.cases.messages(of: try #require(UUID(uuidString: id)))
      #expect(messages.filter { $0.kind == .outbound && $0.author == .system }.count == 3, "receipt, acknowledgement, response")
    }
  }

  @Test("bad dates and out-of-time complaints: refused, or flagged for a manager's decision", arguments: Engine.all)
  func eligibility(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, specialist) = try await app.makeToken(role: .supportSpecialist, email: "spec@casework.test")
      let (_, manager) = try await app.makeToken(role: .supportManager, email: "boss@casework.test")
      var (status, body) = try await send(app, .POST, "/api/v1/cases", token: specialist, complaintBody(incident: "2026-13-01"))
      #expect(status == .unprocessableEntity)
      #expect((body["errors"] as? [[String: Any]])?.first?["field"] as? String == "incidentDate")
      // An empty string is not a date either (schemathesis found it passing as "no date").
      (status, body) = try await send(app, .POST, "/api/v1/cases", token: specialist, complaintBody(incident: ""))
      #expect(status == .unprocessableEntity)
      #expect((body["errors"] as? [[String: Any]])?.first?["field"] as? String == "incidentDate")
      (status, body) = try await send(
        app, .POST, "/api/v1/cases", token: specialist, complaintBody(incident: "2026-10-01", discovered: "2026-09-01"))
      #expect(status == .unprocessableEntity)
      (status, body) = try await send(app, .POST, "/api/v1/cases", token: specialist, complaintBody(incident: "2027-01-01"))
      #expect(status == .unprocessableEntity)

      (status, body) = try await send(
        app, .POST, "/api/v1/cases", token: specialist, complaintBody(incident: "2025-01-10", discovered: "2025-01-10"))
      #expect(status == .created)
      #expect((body["tags"] as? [String])?.contains("out-of-time") == true)
      let path = "/api/v1/cases/\(try #require(body["id"] as? String))/complaint"
      (status, body) = try await send(
        app, .POST, "\(path)/time-limit", token: specialist, ["accept": false, "reason": "Too late"])
      #expect(status == .forbidden)
      (status, body) = try await send(app, .POST, "\(path)/time-limit", token: manager, ["accept": false, "reason": "Too late"])
      #expect(status == .ok)
      #expect(body["stage"] as? String == "closed")
      #expect((body["timeLimitDecision"] as? [String: Any])?["reason"] as? String == "Too late")
    }
  }
}

@Suite("Complaint follow-up")
struct ComplaintFollowUpTests {
  @Test(
    "the follow-up goes out once, 7 days after closure, however many runners sweep; a reply reopens or records satisfaction",
    arguments: Engine.all)
  func followUpOnce(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart)
    try await withApp(engine, clock: clock) { app in
      let service = app.casework.cases
      func closedComplaint(_ email: String) async throws -> CaseID {
        let opened = try await service.open(
          NewCaseInput(
            kind: .complaint, channel: .web, subject: "Complaint", description: "It went wrong.", requesterName: "Ann",
            requesterEmail: email, complaint: ComplaintInput(incidentDate: LocalDate("2026-11-01"))), by: .requester)
        let id = opened.record.id
        try await service.acknowledgeComplaint(id, by: .system)
        try await service.moveComplaint(id, to: .investigating, by: .system)
        try await service.changeInvestigation(
          id,
          [
            .findings(
              InvestigationFindings(
                whatHappened: "x", whatWentWrong: "y", apologyGiven: false, discussionOffered: false,
                principles: [.gettingItRight])),
            .addAction(description: "z", owner: "o", due: LocalDate("2027-01-01")),
          ], by: .system)
        try await service.sendFinalResponse(id, by: .system)
        try await service.moveComplaint(id, to: .closed, by: .system)
        return id
      }
      let first = try await closedComplaint("ann@example.com")
      let second = try await closedComplaint("bob@example.com")
      let monitor = app.casework.deadlines
      // Six days on, nothing is due.
      clock.advance(by: 6 * 86_400)
      #expect(try await monitor.sendFollowUps() == 0)
      // Eight days on, four runners at once send each follow-up once.
      clock.advance(by: 2 * 86_400)
      let counts = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<4 { group.addTask { try await monitor.sendFollowUps() } }
        return try await group.reduce(0, +)
      }
      #expect(counts == 2)
      #expect(try await monitor.sendFollowUps() == 0)
      for id in [first, second] {
        let messages = try await service.messages(of: id)
        #expect(messages.filter { $0.body.contains("check that nothing is outstanding") }.count == 1)
        #expect(try await service.complaint(id).complaint.stage == .followUpSent)
        #expect(try await service.deadlines(of: id).first { $0.name == "follow_up" }?.state == .met)
      }
      try await service.requesterReply(to: first, body: "Satisfied, thank you.")
      let satisfied = try await service.complaint(first)
      #expect(satisfied.complaint.followUp?.answer == .satisfied)
      #expect(satisfied.record.status == .closed)
      try await service.requesterReply(to: second, body: "No, the app still does not tell me about cancellations.")
      let reopened = try await service.complaint(second)
      #expect(reopened.complaint.stage == .reopened)
      #expect(reopened.complaint.followUp?.answer == .reopened)
    }
  }
}
