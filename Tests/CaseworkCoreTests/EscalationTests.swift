import CaseworkCore
import Foundation
import Testing

@Suite("Escalation")
struct EscalationTests {
  @Test("the rule: asked for in the new words, not negated, not a question about it")
  func rule() {
    for yes in [
      "I wish to escalate this.", "Please escalate this complaint", "ESCALATION please", "I want this escalated to a manager",
      "Can you escalate? Nobody has helped.", "escalate",
    ] {
      #expect(EscalationRequest.isRequested(in: yes), "\(yes)")
    }
    for no in [
      "Thanks, it works now.", "No need to escalate, it is fixed", "Please don't escalate this", "I do not want to escalate",
      "How do I escalate a problem?", "What does escalation mean?", "", "I will never escalate anything",
    ] {
      #expect(!EscalationRequest.isRequested(in: no), "\(no)")
    }
  }

  @Test("escalating starts the 5-working-day response deadline, tells the requester the date, and happens once")
  func escalate() async throws {
    let repository = InMemoryCaseRepository()
    let clock = SteppingWallClock(start: LocalDate("2026-11-20")!.instant(hour: 15))  // Friday
    let service = CaseService(cases: repository, clock: clock, hasher: ReversingHasher())
    let opened = try await service.open(
      NewCaseInput(
        channel: .email, subject: "Login", description: "Cannot log in", requesterName: "Ann", requesterEmail: "ann@example.com"),
      by: .requester)
    try await service.update(opened.record.id, with: CaseUpdate(status: .resolved), by: .system)
    let escalated = try await service.escalate(opened.record.id, by: .requester)
    #expect(escalated.team == "support_manager")
    #expect(escalated.tags.contains("escalated"))
    #expect(escalated.status == .open)
    let deadline = try #require(try await repository.deadlines(of: opened.record.id).first { $0.name == "escalation_response" })
    #expect(deadline.dueAt == LocalDate("2026-11-27")!.endOfDay)
    let messages = try await repository.messages(of: opened.record.id)
    #expect(messages.last?.body.contains("by the end of Friday 27 November 2026") == true)
    try await service.escalate(opened.record.id, by: .requester)
    #expect(try await repository.deadlines(of: opened.record.id).filter { $0.name == "escalation_response" }.count == 1)
    #expect(try await repository.messages(of: opened.record.id).count == messages.count)
    // A specialist's reply is welcome but does not answer it; the support team manager's does.
    try await service.reply(
      to: opened.record.id, body: "Thanks, a manager will be in touch.", by: .staff(UUID()), role: .supportSpecialist)
    #expect(try await repository.deadlines(of: opened.record.id).first { $0.name == "escalation_response" }?.state == .running)
    try await service.reply(
      to: opened.record.id, body: "I am the manager; here is what we will do.", by: .staff(UUID()), role: .supportManager)
    #expect(try await repository.deadlines(of: opened.record.id).first { $0.name == "escalation_response" }?.state == .met)
  }
}
