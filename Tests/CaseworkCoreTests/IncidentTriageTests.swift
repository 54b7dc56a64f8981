import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("Incident triage and severity (domain §6)")
struct IncidentTriageTests {
  let repository = InMemoryCaseRepository()
  let clock = SteppingWallClock(start: LocalDate("2026-11-16")!.instant(hour: 9))  // Monday 09:00
  let service: CaseService
  let specialist = UUID()

  init() {
    service = CaseService(cases: repository, clock: clock, hasher: ReversingHasher())
  }

  func report(_ subject: String = "Incident: messages not arriving", email: String = "gp@example.nhs.uk") async throws -> Case {
    try await service.open(
      NewCaseInput(
        channel: .email, subject: subject, description: "Since 08:30 no patient messages arrive.", requesterName: "Dr Gupta",
        requesterEmail: email, tags: [CaseService.possibleIncidentTag]),
      by: .system
    ).record
  }

  @Test("declaring opens INC-… linked to the report, with the matrix severity and its deadlines")
  func declare() async throws {
    let first = try await report()
    let declared = try #require(
      try await service.triage(
        first.id, .declare(subject: "Messaging outage", impact: .two, urgency: .one), by: .staff(specialist)))
    #expect(declared.record.reference.description == "INC-2026-000001")
    #expect(declared.incident.severity == 1)
    #expect(declared.record.team == "incident_manager")
    let deadlines = try await repository.deadlines(of: declared.record.id)
    let resolve = try #require(deadlines.first { $0.name == "resolve" })
    #expect(resolve.length.description == "4 hours")
    #expect(resolve.dueAt == declared.incident.declaredAt.addingTimeInterval(4 * 3600))
    #expect(deadlines.first { $0.name == "update" }?.length.description == "1 hour")
    #expect(try await repository.links(of: first.id).contains { $0.reference == declared.record.reference })
    #expect(try await repository.find(id: first.id)?.tags.contains(CaseService.triagedTag) == true)
    // A report is triaged once.
    await #expect(throws: CaseworkError.self) {
      try await service.triage(first.id, .notAnIncident(reason: "Duplicate"), by: .staff(specialist))
    }
  }

  @Test("many reports link to one incident; not an incident needs a reason")
  func linkAndDismiss() async throws {
    let first = try await report()
    let declared = try #require(
      try await service.triage(first.id, .declare(subject: "Outage", impact: .three, urgency: .three), by: .staff(specialist)))
    for n in 2...4 {
      let another = try await report("Incident \(n)", email: "p\(n)@example.com")
      try await service.triage(another.id, .linkTo(declared.record.reference), by: .staff(specialist))
    }
    let reports = try await repository.links(of: declared.record.id).filter { $0.relation == .reportOf }
    #expect(reports.count == 4)
    let noise = try await report("Incident? app slow once")
    await #expect(throws: CaseworkError.self) {
      try await service.triage(noise.id, .notAnIncident(reason: " "), by: .staff(specialist))
    }
    try await service.triage(noise.id, .notAnIncident(reason: "One slow screen, not reproducible."), by: .staff(specialist))
    let notes = try await repository.messages(of: noise.id).filter { $0.kind == .note }
    #expect(notes.contains { $0.body.contains("not reproducible") })
  }

  @Test("a severity change recomputes resolve and update from the declaration, with the reason for an override")
  func severityChange() async throws {
    let first = try await report()
    let declared = try #require(
      try await service.triage(first.id, .declare(subject: "Outage", impact: .three, urgency: .three), by: .staff(specialist)))
    let id = declared.record.id
    var deadlines = try await repository.deadlines(of: id)
    #expect(declared.incident.severity == 3)
    #expect(deadlines.first { $0.name == "resolve" }?.length.description == "40 hours")
    #expect(!deadlines.contains { $0.name == "update" })
    // Worse than first thought: severity 2 by the matrix.
    let worse = try await service.assessIncident(
      id, impact: .two, urgency: .two, override: nil, by: .staff(specialist), staffID: specialist)
    #expect(worse.incident.severity == 2)
    deadlines = try await repository.deadlines(of: id)
    let resolve = try #require(deadlines.first { $0.name == "resolve" })
    #expect(resolve.length.description == "8 hours")
    #expect(resolve.startAt == declared.incident.declaredAt, "same start, new length")
    #expect(resolve.dueAt == declared.incident.declaredAt.addingTimeInterval(8 * 3600))
    #expect(deadlines.first { $0.name == "update" && $0.isOpen }?.length.description == "2 hours")
    // The manager sets 4 with a reason; updates are no longer due.
    await #expect(throws: CaseworkError.self) {
      try await service.assessIncident(
        id, impact: .two, urgency: .two, override: (4, ""), by: .staff(specialist), staffID: specialist)
    }
    await #expect(throws: CaseworkError.self) {
      try await service.assessIncident(
        id, impact: .two, urgency: .two, override: (6, "x"), by: .staff(specialist), staffID: specialist)
    }
    let overridden = try await service.assessIncident(
      id, impact: .two, urgency: .two, override: (4, "Workaround published to all practices."), by: .staff(specialist),
      staffID: specialist)
    #expect(overridden.incident.severity == 4)
    #expect(overridden.incident.suggestedSeverity == 2)
    deadlines = try await repository.deadlines(of: id)
    #expect(deadlines.first { $0.name == "resolve" }?.length.description == "120 hours")
    #expect(!deadlines.contains { $0.name == "update" && $0.isOpen })
    let audit = try await repository.auditTrail(of: id).filter { $0.field == "severity" }
    #expect(audit.last?.after == "4 (Workaround published to all practices.)")
  }
}

@Suite("Status changes that would skip the policy")
struct GuardedStatusTests {
  @Test("an incident cannot be resolved, nor a complaint moved, by a bare status change")
  func guarded() async throws {
    let repository = InMemoryCaseRepository()
    let clock = SteppingWallClock(start: LocalDate("2026-11-16")!.instant(hour: 9))
    let service = CaseService(cases: repository, clock: clock, hasher: ReversingHasher())
    let incident = try await service.declareIncident(
      subject: "Outage", impact: .three, urgency: .three, reporter: Requester(name: "Ops", email: "ops@example.com"), by: .system)
    await #expect(throws: CaseworkError.self) {
      try await service.update(incident.record.id, with: CaseUpdate(status: .resolved), by: .system)
    }
    let complaint = try await service.open(
      NewCaseInput(
        kind: .complaint, channel: .web, subject: "C", description: "D", requesterName: "Ann", requesterEmail: "ann@example.com",
        complaint: ComplaintInput(incidentDate: LocalDate("2026-11-01"))), by: .requester)
    await #expect(throws: CaseworkError.self) {
      try await service.update(complaint.record.id, with: CaseUpdate(status: .closed), by: .system)
    }
    // Other changes still work.
    let tagged = try await service.update(complaint.record.id, with: CaseUpdate(tags: ["billing"]), by: .system)
    #expect(tagged.tags == ["billing"])
  }
}
