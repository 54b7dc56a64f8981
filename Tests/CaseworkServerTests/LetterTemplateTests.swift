import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Letter templates edited by administrators")
struct LetterTemplateTests {
  @Test(
    "an admin edits a letter: unknown variables are refused, a preview uses a real complaint, and saved words are sent",
    arguments: Engine.all)
  func editPreviewSave(engine: Engine) async throws {
    try await withApp(engine) { app in
      let admin = try await app.makeStaff("root@casework.test", role: .admin)
      let specialist = try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
      let opened = try await app.casework.cases.open(
        NewCaseInput(
          kind: .complaint, channel: .web, subject: "Cancelled", description: "Nobody told me.", requesterName: "Ann Example",
          requesterEmail: "ann@example.com", complaint: ComplaintInput(incidentDate: LocalDate("2026-11-10"))),
        by: .requester)
      let path = "/staff/settings/letters/acknowledgement"

      let other = try FormClient(app)
      try await other.signIn(specialist.email)
      #expect(try await other.get(path).status == .forbidden)

      let client = try FormClient(app)
      try await client.signIn(admin.email)
      let form = try await client.get(path)
      #expect(form.status == .ok)
      #expect(form.html.contains("{{respond_by}}"))
      #expect(try await client.get("/staff/settings/letters").html.contains("As shipped"))

      let unknown = try await client.post(
        path,
        [("action", "save"), ("subject", "[{{reference}}] Received"), ("body", "Dear {{complainant_name}}, {{what_happened}}")])
      #expect(unknown.status == .unprocessableEntity)
      #expect(unknown.html.contains("Unknown variable: {{what_happened}}"))

      let body = "Dear {{complainant_name}},\nWe will reply by {{respond_by}}.\n{{signature}}"
      let preview = try await client.post(
        path,
        [
          ("action", "preview"), ("subject", "[{{reference}}] Received"), ("body", body),
          ("preview_reference", "CMP-2026-000001"),
        ])
      #expect(preview.status == .ok)
      #expect(preview.html.contains("Dear Ann Example,"))
      #expect(preview.html.contains("[CMP-2026-000001] Received"))
      #expect(try await app.casework.settings.storedTemplate(.acknowledgement) == nil, "a preview saves nothing")

      #expect(
        try await client.post(path, [("action", "save"), ("subject", "[{{reference}}] Received"), ("body", body)]).status
          == .seeOther)
      #expect(try await client.get("/staff/settings/letters").html.contains("Edited"))
      try await app.casework.cases.acknowledgeComplaint(opened.record.id, by: .staff(admin.id))
      let sent = try #require(try await app.casework.cases.messages(of: opened.record.id).last)
      #expect(sent.body.hasPrefix("Dear Ann Example,\nWe will reply by "))
      #expect(sent.body.hasSuffix("The support team manager"))

      #expect(try await client.post(path, [("action", "reset"), ("subject", ""), ("body", "")]).status == .seeOther)
      #expect(try await app.casework.settings.storedTemplate(.acknowledgement) == nil)
    }
  }
}
