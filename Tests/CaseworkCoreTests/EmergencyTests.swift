import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("Emergencies first")
struct EmergencyTests {
  let now = LocalDate("2026-12-04")!.instant(hour: 17, minute: 30)  // Friday, half an hour before supported hours end

  func staff() -> (InMemoryStaffRepository, specialist: StaffUser, manager: StaffUser) {
    let specialist = StaffUser(email: "sam@example.com", name: "Sam", role: .supportSpecialist, passwordHash: "", createdAt: now)
    let manager = StaffUser(email: "mo@example.com", name: "Mo", role: .supportManager, passwordHash: "", createdAt: now)
    let csO = StaffUser(email: "cso@example.com", name: "Cee", role: .clinicalSafetyOfficer, passwordHash: "", createdAt: now)
    return (InMemoryStaffRepository([specialist, manager, csO]), specialist, manager)
  }

  @Test("an emergency is urgent, answered within one supported hour, tagged, and every specialist and manager is told at once")
  func emergencyAtIntake() async throws {
    let repository = InMemoryCaseRepository()
    let (people, specialist, manager) = staff()
    let service = CaseService(cases: repository, clock: SteppingWallClock(start: now), hasher: ReversingHasher(), staff: people)
    let opened = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Help", description: "I have chest pain and the app will not open", requesterName: "Ann",
        requesterEmail: "ann@example.com"),
      by: .requester)
    #expect(opened.record.priority == .urgent)
    #expect(opened.record.tags.contains(CaseService.emergencyTag))
    let first = try #require(opened.deadlines.first { $0.name == "first_response" })
    // 30 minutes on Friday, 30 more from 08:00 on Monday.
    let due = try #require(first.dueAt)
    #expect(abs(due.timeIntervalSince(LocalDate("2026-12-07")!.instant(hour: 8, minute: 30))) < 0.001)
    let notified = await repository.notifications
    #expect(Set(notified.map(\.recipientID)) == [specialist.id, manager.id])
    #expect(notified.allSatisfy { $0.kind == .emergency && !$0.message.contains("Ann") && !$0.message.contains("chest") })
    let emails = await repository.outgoing.filter { $0.toAddress == manager.email }
    #expect(emails.map(\.subject) == ["Emergency: \(opened.record.reference)"])
    #expect(try await service.emergenciesWaiting().cases.map(\.id) == [opened.record.id])

    // A font-size question keeps the ordinary 2 working days, and is not listed.
    let ordinary = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Font size", description: "The text is small", requesterName: "Bo",
        requesterEmail: "bo@example.com"),
      by: .requester)
    #expect(ordinary.record.priority == .normal)
    #expect(ordinary.deadlines.first { $0.name == "first_response" }?.dueAt == LocalDate("2026-12-08")!.endOfDay)
    #expect(try await service.emergenciesWaiting().cases.map(\.id) == [opened.record.id])

    try await service.reply(to: opened.record.id, body: "Please call 999 now.", by: .staff(specialist.id))
    #expect(try await service.emergenciesWaiting().cases.isEmpty)
  }

  @Test("an emergency written later on an ordinary case makes it urgent and alerts staff once")
  func emergencyInAReply() async throws {
    let repository = InMemoryCaseRepository()
    let (people, _, _) = staff()
    let service = CaseService(cases: repository, clock: SteppingWallClock(start: now), hasher: ReversingHasher(), staff: people)
    let opened = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Login", description: "Cannot log in", requesterName: "Ann", requesterEmail: "ann@example.com"),
      by: .requester)
    #expect(await repository.notifications.isEmpty)
    let (record, _) = try await service.requesterReply(to: opened.record.id, body: "Now I can't breathe properly")
    #expect(record.priority == .urgent)
    #expect(await repository.notifications.count == 2)
    try await service.requesterReply(to: opened.record.id, body: "Still can't breathe")
    #expect(await repository.notifications.count == 2)
  }
}
