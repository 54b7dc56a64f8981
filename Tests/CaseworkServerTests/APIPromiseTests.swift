import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

/// The API keeps the pages' promises (issue 20): a case made there acknowledges its requester
/// like the web form, an incident made there is a real incident, and a case says where its
/// escalation stands.
@Suite("The API keeps the same promises")
struct APIPromiseTests {
  func post(_ app: Application, token: String, _ body: [String: Any]) async throws -> (HTTPStatus, [String: Any]) {
    let response = try await app.testing().sendRequest(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body))
    return (response.status, (try? json(response)) ?? [:])
  }

  let requester: [String: Any] = ["name": "Ann Example", "email": "ann@example.com"]

  @Test(
    "a case from an app's own form is acknowledged by email with the private link, unless notifyRequester is false",
    arguments: Engine.all)
  func acknowledges(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let (status, created) = try await post(
        app, token: token, ["subject": "Cannot log in", "description": "Wrong password", "requester": requester])
      #expect(status == .created)
      #expect(created["escalation"] is NSNull)
      let id = try #require((created["id"] as? String).flatMap(UUID.init(uuidString:)))
      let emails = try await app.outboxEmails(of: id)
      #expect(emails.count == 1)
      #expect(emails.first?.to == "ann@example.com")
      #expect(emails.first?.body.contains(app.casework.config.publicURL + "/my-case/") == true)

      let (quiet, silent) = try await post(
        app, token: token,
        ["subject": "Cannot log in", "description": "Wrong password", "requester": requester, "notifyRequester": false])
      #expect(quiet == .created)
      let silentID = try #require((silent["id"] as? String).flatMap(UUID.init(uuidString:)))
      #expect(try await app.outboxEmails(of: silentID).isEmpty)

      // The escalation as the pages show it.
      try await app.casework.cases.escalate(id, by: .requester)
      let shown = try json(
        try await app.testing().sendRequest(.GET, "/api/v1/cases/\(id.lowercaseString)", headers: .bearer(token)))
      let escalation = try #require(shown["escalation"] as? [String: Any])
      #expect(escalation["state"] as? String == "waiting")
      #expect(escalation["dueAt"] is String)
      #expect(escalation["answeredAt"] is NSNull)
    }
  }

  @Test(
    "kind incident makes a real incident, with its levels; levels are refused elsewhere and required there", arguments: Engine.all
  )
  func incidents(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken(role: .incidentManager)
      let (status, created) = try await post(
        app, token: token,
        [
          "kind": "incident", "subject": "Messaging down", "description": "Nothing sends since 09:00.",
          "requester": ["name": "Ops", "email": "ops@example.com"], "impact": 2, "urgency": 2,
        ])
      #expect(status == .created)
      let reference = try #require(created["reference"] as? String)
      #expect(reference.hasPrefix("INC-"))
      let id = try #require(created["id"] as? String)
      #expect((created["deadlines"] as? [[String: Any]])?.contains { $0["name"] as? String == "resolve" } == true)
      let incident = try await app.testing().sendRequest(.GET, "/api/v1/cases/\(id)/incident", headers: .bearer(token))
      #expect(incident.status == .ok)
      #expect(try json(incident)["severity"] as? Int == 2)
      let update = try await app.testing().sendRequest(
        .POST, "/api/v1/cases/\(id)/incident/updates", headers: .bearer(token), body: try jsonBody(["text": "Looking."]))
      #expect(update.status == .ok || update.status == .created)
      let messages = try await app.casework.cases.messages(of: try #require(UUID(uuidString: id)))
      #expect(messages.first?.body.contains("Nothing sends since 09:00.") == true)

      let (missing, problem) = try await post(
        app, token: token,
        ["kind": "incident", "subject": "Down", "description": "Down", "requester": ["name": "Ops", "email": "ops@example.com"]])
      #expect(missing == .unprocessableEntity)
      #expect(String(describing: problem).contains("impact"))
      let (misplaced, _) = try await post(
        app, token: token, ["subject": "Login", "description": "Login", "requester": requester, "impact": 2, "urgency": 2])
      #expect(misplaced == .unprocessableEntity)
      let (outcome, _) = try await post(
        app, token: token, ["subject": "Login", "description": "Login", "requester": requester, "desiredOutcome": "Sorry"])
      #expect(outcome == .unprocessableEntity)
    }
  }
}
