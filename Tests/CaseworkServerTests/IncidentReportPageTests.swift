import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The Report an incident page")
struct IncidentReportPageTests {
  let valid = [
    ("affected", "Patient messages"), ("since", "today 08:30"), ("how_many", "All 12,000 patients of the practice"),
    ("patient_safety", "yes"), ("personal_data", "no"), ("description", "No messages have arrived since 08:30."),
    ("name", "Dr Gupta"), ("organisation", "Riverside Surgery"), ("email", "gupta@example.nhs.uk"), ("phone", ""),
    ("notify", "yes"),
  ]

  @Test("a report lands in the triage queue with its answers, flags and opt-in", arguments: Engine.all)
  func report(engine: Engine) async throws {
    try await withApp(engine) { app in
      let client = try FormClient(app)
      let form = try await client.get("/report-incident")
      #expect(form.status == .ok)
      for id in ["affected", "since", "how_many", "patient_safety_yes", "personal_data_yes", "description", "organisation"] {
        #expect(form.html.contains("id=\"\(id)\""), "\(id)")
      }
      let missing = try await client.post(
        "/report-incident", valid.filter { !["organisation", "patient_safety"].contains($0.0) })
      #expect(missing.status == .unprocessableEntity)
      #expect(missing.html.contains("Enter your organisation"))
      #expect(missing.html.contains("Say whether patient safety could be affected"))
      let sent = try await client.submit("/report-incident", valid)
      #expect(sent.posted.status == .seeOther)
      #expect(sent.page.html.contains("Report received"))
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(record.tags.contains(CaseService.possibleIncidentTag))
      #expect(record.tags.contains("patient-safety"))
      #expect(record.tags.contains("notify-on-resolution"))
      #expect(record.requester.organisation == "Riverside Surgery")
      let first = try #require(try await app.casework.cases.messages(of: record.id).first)
      #expect(first.body.contains("How many users or patients: All 12,000 patients of the practice"))
      let (_, token) = try await app.makeToken()
      let queue = try json(try await app.testing().sendRequest(.GET, "/api/v1/triage", headers: .bearer(token)))
      #expect((queue["data"] as? [[String: Any]])?.first?["reference"] as? String == "SR-2026-000001")
    }
  }
}
