import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("Deadlines on cases")
struct CaseDeadlineTests {
  let repository = InMemoryCaseRepository()
  let clock = SteppingWallClock(start: LocalDate("2026-11-16")!.instant(hour: 9))  // Monday 09:00
  let service: CaseService
  let staff = Actor.staff(UUID())

  init() {
    service = CaseService(cases: repository, clock: clock, hasher: ReversingHasher())
  }

  func input(kind: CaseKind = .supportRequest, receivedAt: Date? = nil) -> NewCaseInput {
    NewCaseInput(
      kind: kind, channel: .web, subject: "App problem", description: "The app will not load", requesterName: "Ann",
      requesterEmail: "ann@example.com", receivedAt: receivedAt)
  }

  @Test("a support request starts first_response; a staff reply meets it, with the history in the audit trail")
  func firstResponse() async throws {
    let opened = try await service.open(input(), by: .requester)
    var deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines.map(\.name) == ["first_response"])
    #expect(deadlines[0].dueAt == LocalDate("2026-11-18")!.endOfDay)
    #expect(opened.record.nextDueAt == deadlines[0].dueAt)
    // The automatic acknowledgement is not a staff reply.
    #expect(deadlines[0].state == .running)
    try await service.reply(to: opened.record.id, body: "Please reinstall the app.", by: staff)
    deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines[0].state == .met)
    #expect(try await repository.find(id: opened.record.id)?.nextDueAt == nil)
    let audit = try await repository.auditTrail(of: opened.record.id)
    #expect(audit.contains { $0.field == "deadline.first_response" && $0.after == "met" })
  }

  @Test("waiting on the requester pauses it; their reply resumes it and the target moves")
  func pauseWhileWaiting() async throws {
    let opened = try await service.open(input(), by: .requester)
    try await service.update(opened.record.id, with: CaseUpdate(status: .pendingRequester), by: staff)
    var deadline = try await repository.deadlines(of: opened.record.id)[0]
    #expect(deadline.state == .paused)
    #expect(deadline.dueAt == nil)
    clock.advance(by: 2 * 86_400)  // Wednesday
    try await service.requesterReply(to: opened.record.id, body: "Still broken")
    deadline = try await repository.deadlines(of: opened.record.id)[0]
    #expect(deadline.state == .running)
    #expect(deadline.dueAt == LocalDate("2026-11-20")!.endOfDay)
    #expect(deadline.pauses.count == 1)
  }

  @Test("a complaint received by post days before entry starts its clock at receipt")
  func receivedEarlier() async throws {
    let opened = try await service.open(
      input(kind: .complaint, receivedAt: LocalDate("2026-11-11")!.instant(hour: 11)), by: staff)
    let deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines.map(\.name) == ["acknowledge"])
    #expect(deadlines[0].startAt == LocalDate("2026-11-11")!.instant(hour: 11))
    #expect(deadlines[0].dueAt == LocalDate("2026-11-16")!.endOfDay)
  }

  @Test("closing a complaint meets acknowledge and starts the 7-day follow-up")
  func followUp() async throws {
    // No dates given: eligibility is undecided, and a manager declining it closes it with a letter.
    let opened = try await service.open(input(kind: .complaint), by: staff)
    try await service.decideTimeLimit(opened.record.id, accept: false, reason: "Too late", by: staff, staffID: UUID())
    let deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines.first { $0.name == "acknowledge" }?.state == .met)
    let followUp = try #require(deadlines.first { $0.name == "follow_up" })
    #expect(followUp.state == .running)
    #expect(followUp.dueAt.map { LocalDate($0) } == LocalDate("2026-11-23"))
  }

  @Test("an extension is stored with its reason and who made it, and audited")
  func extending() async throws {
    let opened = try await service.open(input(kind: .supportRequest), by: staff)
    let deadline = try await repository.deadlines(of: opened.record.id)[0]
    await #expect(throws: CaseworkError.self) {
      try await service.extendDeadline(
        deadline.id, of: opened.record.id, to: Date().addingTimeInterval(86_400 * 400), reason: "", by: staff, name: "Sam")
    }
    let target = LocalDate("2026-11-27")!.endOfDay
    try await service.extendDeadline(
      deadline.id, of: opened.record.id, to: target, reason: "Awaiting the supplier's logs", by: staff, name: "Sam")
    let stored = try await repository.deadlines(of: opened.record.id)[0]
    #expect(stored.dueAt == target)
    #expect(stored.extensions.first?.reason == "Awaiting the supplier's logs")
    #expect(stored.extensions.first?.by == "Sam")
    #expect(
      try await repository.auditTrail(of: opened.record.id).contains {
        $0.field == "deadline.first_response" && $0.after?.contains("extended") == true
      })
  }

  @Test("a complaint's deadlines and the ICO breach clock are never moved by hand")
  func extensionsRefused() async throws {
    let complaint = try await service.open(input(kind: .complaint), by: staff)
    let acknowledge = try await repository.deadlines(of: complaint.record.id)[0]
    await #expect(throws: CaseworkError.self) {
      try await service.extendDeadline(
        acknowledge.id, of: complaint.record.id, to: LocalDate("2026-12-27")!.endOfDay, reason: "Busy", by: staff, name: "Sam")
    }
    #expect(try await repository.deadlines(of: complaint.record.id)[0].extensions.isEmpty)
    #expect(DeadlineExtensionRule.refusal(kind: .incident, deadline: "breach_report") != nil)
    #expect(DeadlineExtensionRule.refusal(kind: .incident, deadline: "resolve") == nil)
    #expect(DeadlineExtensionRule.refusal(kind: .supportRequest, deadline: "first_response") == nil)
  }
}
