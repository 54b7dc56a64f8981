import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

/// "Who is told" and "who may be chosen", asked of one `StaffDirectory`.
@Suite("People: roles, assignment and who is told")
struct PeopleRulesTests {
  let now = LocalDate("2026-12-07")!.instant(hour: 10)

  func person(_ name: String, _ role: StaffRole, active: Bool = true) -> StaffUser {
    StaffUser(
      email: "\(name.lowercased())@casework.test", name: name, role: role, passwordHash: "-", active: active, createdAt: now)
  }

  @Test("a case is given only to an active member of staff, whichever adapter asks")
  func assigneeMustBeActive() async throws {
    let active = person("Priya", .supportSpecialist)
    let left = person("Sam", .supportSpecialist, active: false)
    let service = CaseService(
      cases: InMemoryCaseRepository(), clock: SteppingWallClock(start: now), hasher: ReversingHasher(),
      staff: InMemoryStaffRepository([active, left]))
    let opened = try await service.open(
      NewCaseInput(
        channel: .email, subject: "Login", description: "Cannot log in", requesterName: "Ann", requesterEmail: "ann@example.com"),
      by: .requester)
    for refused in [left.id, UUID()] {
      await #expect(throws: CaseworkError.self) {
        try await service.update(opened.record.id, with: CaseUpdate(assignee: .some(refused)), by: .system)
      }
    }
    #expect(
      try await service.update(opened.record.id, with: CaseUpdate(assignee: .some(active.id)), by: .system).assigneeID
        == active.id)
    #expect(try await service.update(opened.record.id, with: CaseUpdate(assignee: .some(nil)), by: .system).assigneeID == nil)
  }

  @Test("managers, else administrators; clinical safety officers; nobody inactive")
  func roles() async throws {
    let admin = person("Root", .admin)
    let officer = person("Helen", .clinicalSafetyOfficer)
    let former = person("Old", .clinicalSafetyOfficer, active: false)
    let noManagers = StaffDirectory(InMemoryStaffRepository([admin, officer, former]))
    #expect(try await noManagers.managersOrAdministrators().map(\.id) == [admin.id])
    #expect(try await noManagers.clinicalSafetyOfficers().map(\.id) == [officer.id])
    let manager = person("Grace", .supportManager)
    let withManager = StaffDirectory(InMemoryStaffRepository([admin, manager, person("Gone", .supportManager, active: false)]))
    #expect(try await withManager.managersOrAdministrators().map(\.id) == [manager.id])
  }

  @Test("a deadline alert goes to the assignee first, then the working group, or else the managers; each once")
  func alertRecipients() async throws {
    let repository = InMemoryCaseRepository()
    let service = CaseService(cases: repository, clock: SteppingWallClock(start: now), hasher: ReversingHasher())
    let opened = try await service.open(
      NewCaseInput(
        channel: .email, subject: "Login", description: "Cannot log in", requesterName: "Ann", requesterEmail: "ann@example.com"),
      by: .requester)
    let deadline = try #require(try await repository.deadlines(of: opened.record.id).first)
    let (assignee, manager, lead) = (UUID(), UUID(), UUID())
    let alert = DeadlineAlert(
      kind: .warning, deadline: deadline, caseReference: opened.record.reference.description, caseKind: .supportRequest,
      assigneeID: assignee)
    #expect(DeadlineMonitor.recipients(of: alert, incident: nil, managers: [manager]) == [assignee, manager])
    var incident = Incident(caseID: opened.record.id, impact: .two, urgency: .two, declaredAt: now)
    incident.members = [
      WorkingGroupMember(staffID: lead, name: "Lead", role: .incidentLead, addedAt: now),
      WorkingGroupMember(staffID: lead, name: "Lead", role: .engineer, addedAt: now),
      WorkingGroupMember(staffID: assignee, name: "Assignee", role: .engineer, addedAt: now),
    ]
    #expect(DeadlineMonitor.recipients(of: alert, incident: incident, managers: [manager]) == [lead, assignee])
  }
}
