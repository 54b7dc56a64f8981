import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("A complaint's investigation changed one step at a time")
struct InvestigationChangeTests {
  func investigating(_ app: Application) async throws -> CaseID {
    let service = app.casework.cases
    let opened = try await service.open(
      NewCaseInput(
        kind: .complaint, channel: .web, subject: "Complaint", description: "It went wrong.", requesterName: "Ann",
        requesterEmail: "ann@example.com", complaint: ComplaintInput(incidentDate: LocalDate("2026-11-01"))),
      by: .requester)
    try await service.acknowledgeComplaint(opened.record.id, by: .system)
    try await service.moveComplaint(opened.record.id, to: .investigating, by: .system)
    return opened.record.id
  }

  /// As the server runs: an SQLite file with its one writer, and PostgreSQL.
  static let servingEngines = Engine.all.map { $0 == .sqlite ? .sqliteFile : $0 }

  @Test("four people adding actions at once: every action is kept", arguments: Self.servingEngines)
  func concurrentActions(engine: Engine) async throws {
    try await withApp(engine) { app in
      let id = try await investigating(app)
      let service = app.casework.cases
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<4 {
          group.addTask {
            try await service.changeInvestigation(
              id,
              [
                .findings(InvestigationFindings(whatHappened: "Seen by person \(index)")),
                .addAction(description: "Action \(index)", owner: "Owner \(index)", due: LocalDate("2027-01-1\(index)")),
              ], by: .system)
          }
        }
        try await group.waitForAll()
      }
      let record = try await service.complaint(id).complaint.investigation
      #expect(Set(record.actions.map(\.description)) == ["Action 0", "Action 1", "Action 2", "Action 3"])
      #expect(record.whatHappened?.hasPrefix("Seen by person") == true)
      let audit = try await service.auditTrail(of: id).filter { $0.field == "complaint.investigation" }
      #expect(audit.count == 4)
    }
  }

  @Test("over the API: an action's id and completion are the server's; it is completed by its own request", arguments: Engine.all)
  func serverOwnedFields(engine: Engine) async throws {
    try await withApp(engine) { app in
      let id = try await investigating(app)
      let (_, token) = try await app.makeToken(role: .supportManager)
      let path = "/api/v1/cases/\(id.lowercaseString)/complaint/investigation"
      func put(_ body: [String: Any]) async throws -> (HTTPStatus, [String: Any]) {
        let response = try await app.testing().sendRequest(.PUT, path, headers: .bearer(token), body: try jsonBody(body))
        return (response.status, (try? json(response)) ?? [:])
      }
      var (status, body) = try await put([
        "whatHappened": "x",
        "actions": [
          ["id": UUID().uuidString, "description": "Forged", "owner": "o", "due": "2027-01-01", "doneAt": 1_700_000_000]
        ],
      ])
      #expect(status == .unprocessableEntity)
      #expect((body["errors"] as? [[String: Any]])?.first?["field"] as? String == "actions[0]")
      #expect(try await app.casework.cases.complaint(id).complaint.investigation.actions.isEmpty, "nothing was saved")

      (status, body) = try await put([
        "whatHappened": "x", "actions": [["description": "Send notices", "owner": "Product", "due": "2027-01-15"]],
      ])
      #expect(status == .ok)
      let actions = (body["investigation"] as? [String: Any])?["actions"] as? [[String: Any]] ?? []
      let actionID = try #require(actions.first?["id"] as? String)
      #expect(actions.first?["doneAt"] == nil || actions.first?["doneAt"] is NSNull)

      let done = try await app.testing().sendRequest(.POST, "\(path)/actions/\(actionID)/done", headers: .bearer(token))
      #expect(done.status == .ok)
      let stored = try await app.casework.cases.complaint(id).complaint.investigation.actions
      #expect(stored.count == 1 && stored[0].doneAt != nil)
      #expect(stored[0].description == "Send notices")
      let unknown = try await app.testing().sendRequest(
        .POST, "\(path)/actions/\(UUID().uuidString)/done", headers: .bearer(token))
      #expect(unknown.status == .unprocessableEntity)
    }
  }
}
