import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Incidents over the API: triage queue, decisions, severity")
struct IncidentAPITests {
  func send(
    _ app: Application, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: Any]? = nil
  ) async throws -> (HTTPStatus, [String: Any]) {
    let response = try await app.testing().sendRequest(
      method, path, headers: .bearer(token), body: try body.map { try jsonBody($0) })
    return (response.status, (try? json(response)) ?? [:])
  }

  @Test("flagged email waits in the queue; declaring, linking and dismissing empty it", arguments: Engine.all)
  func triage(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken(role: .incidentManager)
      var ids: [String] = []
      for n in 1...3 {
        let raw = Data(
          "From: Practice \(n) <p\(n)@example.nhs.uk>\r\nTo: support@casework.test\r\nSubject: Incident: messages not arriving \(n)\r\nMessage-ID: <inc-\(n)@example>\r\n\r\nNothing since 08:30.\r\n"
            .utf8)
        guard case .opened(let id, _) = try await app.casework.mail.receive(raw, source: "test") else {
          Issue.record("not opened")
          return
        }
        ids.append(id.uuidString.lowercased())
      }
      var (status, queue) = try await send(app, .GET, "/api/v1/triage", token: token)
      #expect(status == .ok)
      #expect((queue["data"] as? [[String: Any]])?.map { $0["caseId"] as? String } == ids)

      var (created, incident) = try await send(
        app, .POST, "/api/v1/cases/\(ids[0])/triage", token: token,
        ["decision": "declare", "subject": "Messaging outage", "impact": 2, "urgency": 1])
      #expect(created == .created)
      #expect(incident["severity"] as? Int == 1)
      let reference = try #require(incident["reference"] as? String)
      (status, incident) = try await send(
        app, .POST, "/api/v1/cases/\(ids[1])/triage", token: token, ["decision": "link", "incident": reference])
      #expect(status == .ok)
      #expect(incident["reports"] as? [String] == ["SR-2026-000001", "SR-2026-000002"])
      (status, _) = try await send(
        app, .POST, "/api/v1/cases/\(ids[2])/triage", token: token, ["decision": "not_an_incident", "reason": "Test message"])
      #expect(status == .noContent)
      (status, queue) = try await send(app, .GET, "/api/v1/triage", token: token)
      #expect((queue["data"] as? [Any])?.isEmpty == true)

      (status, _) = try await send(
        app, .POST, "/api/v1/cases/\(ids[2])/triage", token: token, ["decision": "not_an_incident", "reason": "Again"])
      #expect(status == .conflict)

      let incidentID = try #require(incident["caseId"] as? String)
      (status, incident) = try await send(
        app, .POST, "/api/v1/cases/\(incidentID)/incident/assessment", token: token, ["impact": 6, "urgency": 1])
      #expect(status == .unprocessableEntity)
      (status, incident) = try await send(
        app, .POST, "/api/v1/cases/\(incidentID)/incident/assessment", token: token,
        ["impact": 3, "urgency": 3, "severity": 2, "reason": "Clinical lead asks for 2"])
      #expect(status == .ok)
      #expect(incident["severity"] as? Int == 2)
      #expect(incident["suggestedSeverity"] as? Int == 3)
      let (_, caseBody) = try await send(app, .GET, "/api/v1/cases/\(incidentID)", token: token)
      let resolve = (caseBody["deadlines"] as? [[String: Any]])?.first { $0["name"] as? String == "resolve" }
      #expect(resolve?["length"] as? String == "8 hours")
    }
  }
}
