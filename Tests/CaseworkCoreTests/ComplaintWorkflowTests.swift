import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@Suite("Complaint workflow (domain §5)")
struct ComplaintWorkflowTests {
  let repository = InMemoryCaseRepository()
  let clock = SteppingWallClock(start: LocalDate("2026-11-16")!.instant(hour: 9))  // Monday 09:00
  let service: CaseService
  let manager = UUID()

  init() {
    service = CaseService(cases: repository, clock: clock, hasher: ReversingHasher())
  }

  func complaint(incident: String? = "2026-11-01", discovered: String? = nil) -> NewCaseInput {
    NewCaseInput(
      kind: .complaint, channel: .web, subject: "Appointment cancelled without notice",
      description: "My appointment was cancelled and nobody told me.", requesterName: "Ann Example",
      requesterEmail: "ann@example.com",
      complaint: ComplaintInput(
        incidentDate: incident.flatMap(LocalDate.init), discoveredDate: discovered.flatMap(LocalDate.init),
        desiredOutcome: "An apology and a fix."))
  }

  @Test("one verb moves a complaint: a letter's stage sends its letter, in the words given; others move; out of order is refused")
  func oneVerb() async throws {
    let id = try await service.open(complaint(), by: .requester).record.id
    await #expect(throws: ComplaintTransitionError.self) {
      try await service.transitionComplaint(id, to: .responseSent, by: .staff(manager))
    }
    let acknowledged = try await service.transitionComplaint(
      id, to: .acknowledged, letter: "Dear Ann, we have your complaint.", by: .staff(manager))
    #expect(acknowledged.complaint.stage == .acknowledged)
    #expect(try await repository.messages(of: id).last?.body.hasPrefix("Dear Ann, we have your complaint.") == true)
    #expect(try await service.transitionComplaint(id, to: .investigating, by: .staff(manager)).complaint.stage == .investigating)
    await #expect(throws: CaseworkError.self, "the final response waits for the investigation") {
      try await service.transitionComplaint(id, to: .responseSent, by: .staff(manager))
    }
  }

  @Test("a complaint goes to the support managers, starts acknowledge, and sends nothing until acknowledged")
  func received() async throws {
    let opened = try await service.open(complaint(), by: .requester)
    #expect(opened.record.reference.description == "CMP-2026-000001")
    #expect(opened.record.team == "support_manager")
    let current = try await service.complaint(opened.record.id)
    #expect(current.complaint.stage == .received)
    #expect(current.complaint.eligibility.eligible == true)
    #expect(current.complaint.desiredOutcome == "An apology and a fix.")
    let deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines.map(\.name) == ["acknowledge"])
    #expect(deadlines[0].dueAt == LocalDate("2026-11-19")!.endOfDay)
    let messages = try await repository.messages(of: opened.record.id)
    #expect(!messages.contains { $0.body.contains("escalate") })
  }

  @Test("acknowledging sends the letter, meets acknowledge and starts investigate 10 working days on")
  func acknowledge() async throws {
    let opened = try await service.open(complaint(), by: .requester)
    let letter = try await service.letter(.acknowledgement, for: opened.record.id)
    #expect(letter.subject == "[CMP-2026-000001] We have received your complaint")
    #expect(letter.body.contains("Dear Ann Example,"))
    #expect(letter.body.contains("received on 16 November 2026"))
    #expect(letter.body.contains("by 30 November 2026"))
    let acknowledged = try await service.acknowledgeComplaint(opened.record.id, by: .staff(manager))
    #expect(acknowledged.complaint.stage == .acknowledged)
    #expect(acknowledged.record.status == .open)
    let deadlines = try await repository.deadlines(of: opened.record.id)
    #expect(deadlines.first { $0.name == "acknowledge" }?.state == .met)
    #expect(deadlines.first { $0.name == "investigate" }?.dueAt == LocalDate("2026-11-30")!.endOfDay)
    let sent = try await repository.messages(of: opened.record.id).last
    #expect(sent?.kind == .outbound)
    #expect(sent?.body.contains("by 30 November 2026") == true)
    // A second acknowledgement is a move out of order.
    await #expect(throws: ComplaintTransitionError(from: .acknowledged, to: .acknowledged)) {
      try await service.acknowledgeComplaint(opened.record.id, by: .staff(manager))
    }
  }

  @Test("with automatic acknowledgement, an eligible complaint is acknowledged on receipt; an out-of-time one waits")
  func automaticAcknowledgement() async throws {
    let automatic = CaseService(
      cases: repository, clock: clock, hasher: ReversingHasher(), complaints: ComplaintPolicy(autoAcknowledge: true))
    let opened = try await automatic.open(complaint(), by: .requester)
    #expect(try await automatic.complaint(opened.record.id).complaint.stage == .acknowledged)
    #expect(try await repository.deadlines(of: opened.record.id).first { $0.name == "investigate" }?.state == .running)
    let late = try await automatic.open(complaint(incident: "2025-01-10", discovered: "2025-01-10"), by: .requester)
    #expect(try await automatic.complaint(late.record.id).complaint.stage == .received)
  }

  @Test("moves out of order are refused with the allowed ones")
  func outOfOrder() async throws {
    let opened = try await service.open(complaint(), by: .requester)
    await #expect(throws: ComplaintTransitionError(from: .received, to: .investigating)) {
      try await service.moveComplaint(opened.record.id, to: .investigating, by: .staff(manager))
    }
    let error = ComplaintTransitionError(from: .received, to: .investigating)
    #expect(error.allowed == [.acknowledged, .closed])
    #expect(error.message == "A complaint that is received cannot move to investigating. It can move to: acknowledged, closed.")
  }

  @Test("a delay extends investigate with its reason and sends a letter with both")
  func delay() async throws {
    let opened = try await service.open(complaint(), by: .requester)
    try await service.acknowledgeComplaint(opened.record.id, by: .staff(manager))
    try await service.moveComplaint(opened.record.id, to: .investigating, by: .staff(manager))
    let delayed = try await service.recordDelay(
      opened.record.id, reason: "The engineer involved is on leave until 4 December.", newDate: LocalDate("2026-12-11")!,
      by: .staff(manager), staffID: manager, name: "Mo Manager")
    #expect(delayed.complaint.delays.count == 1)
    let investigate = try #require(try await repository.deadlines(of: opened.record.id).first { $0.name == "investigate" })
    #expect(investigate.dueAt == LocalDate("2026-12-11")!.endOfDay)
    #expect(investigate.extensions.last?.reason == "The engineer involved is on leave until 4 December.")
    #expect(investigate.extensions.last?.by == "Mo Manager")
    let letter = try #require(try await repository.messages(of: opened.record.id).last)
    #expect(letter.body.contains("The engineer involved is on leave until 4 December."))
    #expect(letter.body.contains("11 December 2026"))
    await #expect(throws: CaseworkError.self) {
      try await service.recordDelay(
        opened.record.id, reason: "  ", newDate: LocalDate("2026-12-18")!, by: .staff(manager), staffID: manager, name: "Mo")
    }
  }

  @Test("the final response needs a complete record, names what is missing, and ends with the next stage")
  func finalResponse() async throws {
    let opened = try await service.open(complaint(), by: .requester)
    try await service.acknowledgeComplaint(opened.record.id, by: .staff(manager))
    try await service.moveComplaint(opened.record.id, to: .investigating, by: .staff(manager))
    do {
      try await service.sendFinalResponse(opened.record.id, by: .staff(manager))
      Issue.record("sent without a record")
    } catch CaseworkError.invalid(let missing) {
      #expect(
        missing.map(\.field) == ["whatHappened", "whatWentWrong", "apologyGiven", "actions", "discussionOffered", "principles"])
    }
    let findings = InvestigationFindings(
      whatHappened: "A clinic session was cancelled by the practice.", whatWentWrong: "Our app did not send the cancellation.",
      apologyGiven: true, apologyWords: "We are sorry that you were not told.", discussionOffered: true,
      principles: [.gettingItRight, .puttingThingsRight])
    try await service.changeInvestigation(
      opened.record.id,
      [
        .findings(findings),
        .addAction(description: "Send cancellation notices by SMS too", owner: "Product team", due: LocalDate("2027-01-15")),
      ], by: .staff(manager))
    let sent = try await service.sendFinalResponse(opened.record.id, by: .staff(manager))
    #expect(sent.complaint.stage == .responseSent)
    let letter = try #require(try await repository.messages(of: opened.record.id).last?.body)
    #expect(letter.contains("We are sorry that you were not told."))
    #expect(letter.contains("- Send cancellation notices by SMS too (by 15 January 2027)"))
    #expect(letter.contains("03444 111 444"))
    #expect(letter.contains("www.ombudsmanassociation.org"))
    #expect(try await repository.deadlines(of: opened.record.id).first { $0.name == "investigate" }?.state == .met)
    let closed = try await service.moveComplaint(opened.record.id, to: .closed, by: .staff(manager))
    #expect(closed.record.status == .closed)
    let followUp = try #require(try await repository.deadlines(of: opened.record.id).first { $0.name == "follow_up" })
    #expect(followUp.state == .running)
    let referred = try await service.recordOmbudsmanReferral(
      opened.record.id, OmbudsmanReferral(referredOn: LocalDate("2026-11-16")!, reference: "OA-123"), by: .staff(manager))
    #expect(referred.complaint.stage == .referredToOmbudsman)
  }

  @Test("an out-of-time complaint is flagged, held, and accepted or closed with a letter by a manager")
  func outOfTime() async throws {
    let late = try await service.open(complaint(incident: "2025-01-10", discovered: "2025-01-10"), by: .requester)
    #expect(late.record.tags.contains("out-of-time"))
    await #expect(throws: CaseworkError.self) {
      try await service.acknowledgeComplaint(late.record.id, by: .staff(manager))
    }
    let closed = try await service.decideTimeLimit(
      late.record.id, accept: false, reason: "No reason for the delay was given.", by: .staff(manager), staffID: manager)
    #expect(closed.complaint.stage == .closed)
    let letter = try #require(try await repository.messages(of: late.record.id).last?.body)
    #expect(letter.contains("we cannot investigate it under our complaints policy"))
    #expect(letter.contains("more than 6 months"))
    #expect(letter.contains("Citizens Advice"))

    let undecided = try await service.open(complaint(incident: "2025-01-10"), by: .requester)
    #expect(undecided.record.tags.contains("eligibility-undecided"))
    let accepted = try await service.decideTimeLimit(
      undecided.record.id, accept: true, reason: "Found out in October; fair to look into it.", by: .staff(manager),
      staffID: manager)
    #expect(accepted.complaint.mayProceed)
    #expect(try await service.acknowledgeComplaint(undecided.record.id, by: .staff(manager)).complaint.stage == .acknowledged)
  }

  @Test("bad complaint dates are refused before anything is stored")
  func badDates() async throws {
    await #expect(throws: CaseworkError.self) {
      try await service.open(complaint(incident: "2026-12-01"), by: .requester)
    }
    await #expect(throws: CaseworkError.self) {
      try await service.open(complaint(incident: "2026-10-01", discovered: "2026-09-01"), by: .requester)
    }
    #expect(try await repository.list(CaseQuery(includeTotal: true)).total == 0)
  }

  @Test("templates with an unknown variable or an open brace are refused, saying which")
  func templates() {
    let bad = LetterTemplate(kind: .delay, subject: "[{{reference}}] Delay", body: "Dear {{complainant_name}}, {{what_happened}}")
    #expect(bad.problems.map(\.field) == ["body"])
    #expect(bad.problems[0].message.hasPrefix("Unknown variable: {{what_happened}}."))
    let open = LetterTemplate(kind: .delay, subject: "Delay {{reference", body: "x")
    #expect(open.problems[0].message == "A placeholder is opened with {{ but never closed with }}.")
    for kind in LetterKind.allCases { #expect(LetterTemplate.standard(kind).problems.isEmpty, "\(kind)") }
  }
}

@Suite("Complaint report")
struct ComplaintReportTests {
  func deadline(_ name: String, due: String, met: String?, breached: Bool = false) -> Deadline {
    var deadline = Deadline(
      caseID: UUID(), name: name, clock: .workingDays, length: DeadlineLength("3 working days")!,
      startAt: LocalDate("2026-01-01")!.instant(), dueAt: LocalDate(due)!.endOfDay)
    if let met {
      deadline.state = .met
      deadline.metAt = LocalDate(met)!.instant(hour: 12)
    } else if breached {
      deadline.state = .breached
    }
    return deadline
  }

  @Test("counts on time by month, category and principle, with percentages and CSV")
  func figures() {
    let rows = [
      ComplaintReportRow(
        receivedOn: LocalDate("2026-03-02")!, categories: ["billing", "out-of-time"], principles: [.gettingItRight],
        acknowledge: deadline("acknowledge", due: "2026-03-05", met: "2026-03-04"),
        investigate: deadline("investigate", due: "2026-03-19", met: "2026-03-20")),
      ComplaintReportRow(
        receivedOn: LocalDate("2026-03-10")!, categories: [], principles: [.gettingItRight, .puttingThingsRight],
        acknowledge: deadline("acknowledge", due: "2026-03-13", met: nil, breached: true), investigate: nil),
      ComplaintReportRow(
        receivedOn: LocalDate("2026-07-01")!, categories: ["=HYPERLINK(\"x\")"], principles: [],
        acknowledge: deadline("acknowledge", due: "2026-07-06", met: nil), investigate: nil),
      ComplaintReportRow(
        receivedOn: LocalDate("2025-12-31")!, categories: [], principles: [], acknowledge: nil, investigate: nil),
    ]
    let report = ComplaintReport(year: 2026, rows: rows)
    #expect(report.total.received == 3)
    #expect(report.months[2].received == 2)
    #expect(report.months[2].acknowledgedOnTime == 1)
    #expect(report.months[2].acknowledgedDecided == 2)
    #expect(report.months[2].acknowledgedPercent == 50)
    #expect(report.months[2].respondedPercent == 0, "met a day late")
    #expect(report.months[6].acknowledgedPercent == nil, "still running")
    #expect(report.categories.map(\.label).sorted() == ["=HYPERLINK(\"x\")", "Uncategorised", "billing"])
    #expect(report.principles[0].received == 2)
    #expect(report.principles[4].received == 1)
    let csv = report.csv
    #expect(csv.hasPrefix("section,label,received,"))
    #expect(csv.contains("month,Mar 2026,2,1,2,50,0,1,0\r\n"))
    #expect(csv.contains("category,\"'=HYPERLINK(\"\"x\"\")\",1,"), "formulas are defused and quotes doubled")
  }
}
