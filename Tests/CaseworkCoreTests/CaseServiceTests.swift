import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("Case service")
struct CaseServiceTests {
  let repository = InMemoryCaseRepository()
  let service: CaseService

  init() {
    // 21 Nov 2026 10:00 UTC.
    service = CaseService(
      cases: repository, clock: SteppingWallClock(start: Date(timeIntervalSince1970: 1_795_255_200)), hasher: ReversingHasher())
  }

  func input(_ description: String, nhs: String? = nil) -> NewCaseInput {
    NewCaseInput(
      channel: .web, subject: "App problem", description: description, requesterName: "Ann", requesterEmail: "ann@example.com",
      nhsNumber: nhs)
  }

  @Test("opening stores the message, an acknowledgement with the reference and safety net, and the audit trail")
  func open() async throws {
    let opened = try await service.open(input("The app will not load"), by: .requester)
    #expect(opened.record.reference.description == "SR-2026-000001")
    #expect(opened.record.status == .new)
    #expect(opened.record.priority == .normal)
    let messages = try await repository.messages(of: opened.record.id)
    #expect(messages.map(\.kind) == [.inbound, .outbound])
    #expect(messages[1].body.contains("SR-2026-000001"))
    #expect(messages[1].body.contains(SafetyNetText.standard.notice))
    #expect(!messages[1].body.contains(CaseDraft.referencePlaceholder))
    let audit = try await repository.auditTrail(of: opened.record.id)
    #expect(audit.contains { $0.field == "status" && $0.after == "new" && $0.actor == .requester })
    // The private link works by its secret and only its digest is kept.
    #expect(try await service.caseForAccessToken(opened.accessToken)?.id == opened.record.id)
    #expect(try await service.caseForAccessToken(String(opened.accessToken.dropLast()) + "x") == nil)
  }

  @Test("emergency wording marks the case urgent and puts 999 first; the message is still stored")
  func emergency() async throws {
    let opened = try await service.open(input("I have chest pain and the app crashed"), by: .requester)
    #expect(opened.record.emergencyFlag)
    #expect(opened.record.clinicalFlag)
    #expect(opened.record.priority == .urgent)
    #expect(opened.record.tags.contains("clinical-content"))
    let messages = try await repository.messages(of: opened.record.id)
    #expect(messages[0].body == "I have chest pain and the app crashed")
    #expect(messages[1].body.hasPrefix("If you or someone else needs urgent help, call 999 now"))
  }

  @Test("an NHS number in the text is lifted into its own field")
  func nhsNumberLifted() async throws {
    let opened = try await service.open(input("My number is 943 476 5919"), by: .requester)
    #expect(opened.record.requester.nhsNumber?.digits == "9434765919")
  }

  @Test("a staff reply opens a new case; notes change nothing; a requester reply reopens a resolved case")
  func conversation() async throws {
    let id = try await service.open(input("Login fails"), by: .requester).record.id
    let staff = Actor.staff(UUID())
    let (afterReply, reply) = try await service.reply(to: id, body: "Try again now", by: staff)
    #expect(afterReply.status == .open)
    #expect(reply.kind == .outbound)
    let (afterNote, note) = try await service.addNote(to: id, body: "Known bug", by: staff)
    #expect(afterNote.status == .open)
    #expect(!note.isVisibleToRequester)
    try await service.update(id, with: CaseUpdate(status: .resolved), by: staff)
    let (afterRequester, _) = try await service.requesterReply(to: id, body: "Still broken")
    #expect(afterRequester.status == .open)
    let audit = try await repository.auditTrail(of: id)
    #expect(audit.contains { $0.field == "status" && $0.before == "resolved" && $0.after == "open" && $0.actor == .requester })
  }

  @Test("a requester reply with emergency wording makes the case urgent and signposts 999")
  func requesterEmergency() async throws {
    let id = try await service.open(input("Login fails"), by: .requester).record.id
    let (updated, _) = try await service.requesterReply(to: id, body: "now I can't breathe")
    #expect(updated.priority == .urgent)
    #expect(updated.emergencyFlag)
    let last = try #require(try await repository.messages(of: id).last)
    #expect(last.author == .system)
    #expect(last.body.contains("999"))
  }

  @Test("field changes are audited with before and after; a forbidden transition is refused")
  func updates() async throws {
    let id = try await service.open(input("Login fails"), by: .requester).record.id
    let staffID = UUID()
    let actor = Actor.staff(staffID)
    try await service.update(id, with: CaseUpdate(status: .open, assignee: .some(staffID), tags: ["Login", "ios"]), by: actor)
    let audit = try await repository.auditTrail(of: id)
    #expect(audit.contains { $0.field == "assignee" && $0.before == nil && $0.after == staffID.uuidString.lowercased() })
    #expect(audit.contains { $0.field == "tags" && $0.after == "login, ios" })
    try await service.update(id, with: CaseUpdate(status: .closed), by: actor)
    await #expect(throws: CaseworkError.invalidTransition(from: .closed, to: .resolved)) {
      try await service.update(id, with: CaseUpdate(status: .resolved), by: actor)
    }
    await #expect(throws: CaseworkError.self) {
      try await service.reply(to: id, body: "   ", by: actor)
    }
    await #expect(throws: CaseworkError.caseNotFound) {
      try await service.update(UUID(), with: CaseUpdate(status: .open), by: actor)
    }
  }

  @Test("cursor tokens round-trip and reject junk")
  func cursor() {
    let cursor = CaseCursor(createdAt: Date(timeIntervalSince1970: 1_795_255_200.123456), id: UUID())
    #expect(CaseCursor(token: cursor.token) == cursor)
    #expect(CaseCursor(token: "not-a-cursor") == nil)
  }
}
