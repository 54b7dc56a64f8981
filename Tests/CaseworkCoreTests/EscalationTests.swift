import CaseworkCore
import CaseworkTestSupport
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

  @Test("an escalation goes to the active support team managers: assigned away from a specialist, notified, emailed, queued")
  func goesToTheManagers() async throws {
    let repository = InMemoryCaseRepository()
    let clock = SteppingWallClock(start: LocalDate("2026-12-04")!.instant(hour: 10))  // Friday
    let now = clock.now()
    let specialist = StaffUser(email: "sam@example.com", name: "Sam", role: .supportSpecialist, passwordHash: "", createdAt: now)
    let manager = StaffUser(email: "mo@example.com", name: "Mo", role: .supportManager, passwordHash: "", createdAt: now)
    let away = StaffUser(
      email: "old@example.com", name: "Old", role: .supportManager, passwordHash: "", active: false, createdAt: now)
    let admin = StaffUser(email: "ad@example.com", name: "Ad", role: .admin, passwordHash: "", createdAt: now)
    let links = MACCaseLinks(
      baseURL: "https://help.example", paths: .sample, mac: { Array($0.reversed()) + Array(repeating: 7, count: 24) })
    let service = CaseService(
      cases: repository, clock: clock, hasher: ReversingHasher(),
      staff: InMemoryStaffRepository([specialist, manager, away, admin]), caseLinks: links)
    let opened = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Login", description: "Cannot log in", requesterName: "Ann", requesterEmail: "ann@example.com"),
      by: .requester)
    try await service.update(opened.record.id, with: CaseUpdate(assignee: .some(specialist.id)), by: .staff(specialist.id))
    #expect(try await service.openEscalations().isEmpty)

    let escalated = try await service.escalate(opened.record.id, by: .requester)
    #expect(escalated.assigneeID == nil)
    let notified = await repository.notifications
    #expect(notified.map(\.recipientID) == [manager.id])
    #expect(notified.first?.kind == .escalation)
    #expect(notified.first?.message.contains("Friday 11 December 2026") == true)
    let emails = await repository.outgoing
    let toManager = try #require(emails.first { $0.toAddress == manager.email })
    #expect(toManager.subject == "Escalation: \(escalated.reference)")
    #expect(toManager.body.contains("https://help.example/staff/cases/\(opened.record.id.lowercaseString)"))
    #expect(!toManager.body.contains("Ann"))
    // The requester's notice names the date and carries the way back to the case.
    let toRequester = try #require(emails.last { $0.toAddress == "ann@example.com" })
    #expect(toRequester.body.contains("Friday 11 December 2026"))
    #expect(toRequester.body.contains(links.url(for: opened.record.id)))
    #expect(try await service.caseForAccessToken(links.token(for: opened.record.id))?.id == opened.record.id)

    let queue = try await service.openEscalations()
    #expect(queue.map(\.record.id) == [opened.record.id])
    #expect(queue.first?.deadline.dueAt == LocalDate("2026-12-11")!.endOfDay)
    try await service.reply(to: opened.record.id, body: "Here is our answer.", by: .staff(manager.id), role: .supportManager)
    #expect(try await service.openEscalations().isEmpty)
  }

  @Test("with no support team manager, the administrators hear of an escalation, so it reaches a person")
  func noManagerMeansAdministrators() async throws {
    let now = Date()
    let admin = StaffUser(email: "ad@example.com", name: "Ad", role: .admin, passwordHash: "", createdAt: now)
    let service = CaseService(
      cases: InMemoryCaseRepository(), clock: SteppingWallClock(start: now), hasher: ReversingHasher(),
      staff: InMemoryStaffRepository([admin]))
    #expect(try await service.escalationManagers().map(\.id) == [admin.id])
  }

  @Test("a case link's token names its case and nothing else; a forged or altered token names none")
  func linkTokens() {
    let links = MACCaseLinks(
      baseURL: "https://help.example", paths: .sample, mac: { bytes in Array(bytes.suffix(24)) + [1, 2, 3] })
    let id = UUID()
    let token = links.token(for: id)
    #expect(token.count == 64)
    #expect(links.caseID(fromToken: token) == id)
    var altered = token
    altered.removeLast()
    altered.append(token.last == "A" ? "B" : "A")
    #expect(links.caseID(fromToken: altered) == nil)
    let other = links.token(for: UUID())
    #expect(links.caseID(fromToken: String(other.prefix(32)) + String(token.suffix(32))) == nil)
    #expect(links.caseID(fromToken: "") == nil)
    #expect(links.caseID(fromToken: String(repeating: "é", count: 64)) == nil)
    #expect(links.url(token: token) == "https://help.example/my-case/\(token)")
  }
}

extension MACCaseLinks.Paths {
  /// The server's paths, as a test outside the server writes them.
  static let sample = MACCaseLinks.Paths(
    requesterCase: { "/my-case/\($0)" }, staffCase: { "/staff/cases/\($0.lowercaseString)" })
}
