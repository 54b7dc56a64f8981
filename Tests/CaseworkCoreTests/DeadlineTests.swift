import CaseworkCore
import Foundation
import Testing

@Suite("Deadlines: targets, pauses, extensions and policy changes")
struct DeadlineTests {
  let engine = DeadlineEngine.standard
  var calendars: Calendars { engine.calendars }

  func local(_ date: String, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
    LocalDate(date)!.instant(hour: hour, minute: minute, second: second)
  }

  func iso(_ date: Date?) -> String? {
    guard let date else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = LondonTime.timeZone
    return formatter.string(from: date)
  }

  func deadline(_ clock: DeadlineClock, _ length: DeadlineLength, start: Date, pausable: Bool = false) -> Deadline {
    var deadline = Deadline(caseID: UUID(), name: "test", clock: clock, length: length, pausable: pausable, startAt: start)
    (deadline.dueAt, deadline.warnAt) = calendars.schedule(deadline)
    return deadline
  }

  @Test("a complaint received Thu 17 Apr 2025 is acknowledged by Thu 24 Apr 23:59:59, warned at 75%")
  func acknowledgeExample() throws {
    let started = engine.start(.received, caseID: UUID(), kind: .complaint, at: local("2025-04-17", 15, 30))
    let acknowledge = try #require(started.first { $0.name == "acknowledge" })
    #expect(started.count == 1)
    #expect(iso(acknowledge.dueAt) == "2025-04-24T23:59:59+01:00")
    // 75% of 3 working days (from midnight after receipt) is 2.25 working days: 06:00 on day 3.
    #expect(iso(acknowledge.warnAt) == "2025-04-24T06:00:00+01:00")
  }

  @Test("a Friday 23:59 receipt counts Friday as the day of receipt; a bank-holiday receipt starts on the next working day")
  func edgesOfTheDay() {
    let friday = deadline(.workingDays, DeadlineLength(1, .workingDays), start: local("2026-03-27", 23, 59))
    #expect(iso(friday.dueAt) == "2026-03-30T23:59:59+01:00")
    let holiday = deadline(.workingDays, DeadlineLength(1, .workingDays), start: local("2026-04-06", 10))
    #expect(iso(holiday.dueAt) == "2026-04-07T23:59:59+01:00")
    let christmas = deadline(.workingDays, DeadlineLength(2, .workingDays), start: local("2027-12-24", 9))
    #expect(iso(christmas.dueAt) == "2027-12-30T23:59:59Z")
  }

  @Test("real hours cross the clocks changing; supported hours keep their wall-clock times")
  func daylightSaving() {
    // Severity 1 declared Sat 28 Mar 2026 23:00 GMT: 4 real hours is 04:00 BST (03:00 UTC).
    let spring = engine.start(.incidentDeclared, caseID: UUID(), kind: .incident, severity: 1, at: local("2026-03-28", 23))
    let resolve = spring.first { $0.name == "resolve" }
    #expect(iso(resolve?.dueAt) == "2026-03-29T04:00:00+01:00")
    #expect(iso(spring.first { $0.name == "update" }?.dueAt) == "2026-03-29T00:00:00Z")
    // Autumn: Sat 24 Oct 2026 23:30 BST + 4 real hours = 02:30 GMT (the hour 01:00-02:00 happens twice).
    let autumn = deadline(.realTime, DeadlineLength(4, .hours), start: local("2026-10-24", 23, 30))
    #expect(iso(autumn.dueAt) == "2026-10-25T02:30:00Z")
    // Severity 3, 40 supported hours from Friday 27 Mar 16:00 GMT: 2 h on Friday, none at the
    // weekend (the clocks change on Sunday), 10 h Monday to Wednesday, 8 h on Thursday: 16:00 BST.
    let severity3 = engine.start(.incidentDeclared, caseID: UUID(), kind: .incident, severity: 3, at: local("2026-03-27", 16))
    #expect(iso(severity3.first { $0.name == "resolve" }?.dueAt) == "2026-04-02T16:00:00+01:00")
    // Severity 4, 120 supported hours from the same moment also skips Good Friday and Easter Monday.
    let severity4 = engine.start(.incidentDeclared, caseID: UUID(), kind: .incident, severity: 4, at: local("2026-03-27", 16))
    #expect(iso(severity4.first { $0.name == "resolve" }?.dueAt) == "2026-04-16T16:00:00+01:00")
  }

  @Test("seven calendar days keep the wall-clock time across a change of the clocks")
  func calendarDays() {
    let followUp = deadline(.calendarDays, DeadlineLength(7, .days), start: local("2026-10-21", 10))
    #expect(iso(followUp.dueAt) == "2026-10-28T10:00:00Z")
  }

  @Test(
    "a pause spanning a weekend: supported hours lose nothing, working days count whole days, real time moves by the whole pause")
  func pauseOverWeekend() throws {
    let start = local("2026-11-18", 10)  // Wednesday
    let pauseFrom = local("2026-11-20", 18)  // Friday after close
    let pauseTo = local("2026-11-23", 8)  // Monday before opening
    for (clock, length) in [
      (DeadlineClock.workingDays, DeadlineLength(3, .workingDays)),
      (.businessHours("supported_hours"), DeadlineLength(30, .hours)),
      (.realTime, DeadlineLength(72, .hours)),
    ] {
      let plain = deadline(clock, length, start: start, pausable: true)
      var paused = plain
      paused.pauses = [Deadline.Pause(from: pauseFrom, to: pauseTo)]
      let moved = calendars.schedule(paused).dueAt!
      switch clock.kind {
      case .realTime:
        #expect(moved.timeIntervalSince(plain.dueAt!) == pauseTo.timeIntervalSince(pauseFrom))
      case .workingDays:
        // Whole days: Monday, the day the requester answered, does not count (like a day of
        // receipt); Saturday and Sunday never did. One working day later, not three.
        #expect(iso(plain.dueAt) == "2026-11-23T23:59:59Z")
        #expect(iso(moved) == "2026-11-24T23:59:59Z")
      default:
        #expect(moved == plain.dueAt, "\(clock)")
      }
    }
    // A pause that starts and ends within one weekend moves a working-day target by nothing.
    var weekend = deadline(.workingDays, DeadlineLength(3, .workingDays), start: start, pausable: true)
    let before = weekend.dueAt
    weekend.pauses = [Deadline.Pause(from: local("2026-11-21", 10), to: local("2026-11-22", 18))]
    #expect(calendars.schedule(weekend).dueAt == before)
  }

  @Test("pausing while waiting on the requester, then resuming, moves the target by the working time paused")
  func pauseAndResume() throws {
    let caseID = UUID()
    var deadlines = engine.start(.received, caseID: caseID, kind: .supportRequest, at: local("2026-11-16", 9))  // Monday
    #expect(iso(deadlines[0].dueAt) == "2026-11-18T23:59:59Z")
    deadlines = engine.apply(.awaitingRequester, kind: .supportRequest, to: deadlines, at: local("2026-11-17", 12))
    #expect(deadlines[0].state == .paused)
    #expect(deadlines[0].dueAt == nil)
    // Paused Tuesday noon to Thursday noon: two working days.
    deadlines = engine.apply(.requesterReplied, kind: .supportRequest, to: deadlines, at: local("2026-11-19", 12))
    #expect(deadlines[0].state == .running)
    #expect(iso(deadlines[0].dueAt) == "2026-11-20T23:59:59Z")
    // A staff reply meets it.
    deadlines = engine.apply(.staffReply, kind: .supportRequest, to: deadlines, at: local("2026-11-19", 13))
    #expect(deadlines[0].state == .met)
    #expect(deadlines[0].metAt == local("2026-11-19", 13))
    // Nothing happens to a met deadline afterwards.
    #expect(engine.apply(.awaitingRequester, kind: .supportRequest, to: deadlines, at: local("2026-11-19", 14)).isEmpty)
  }

  @Test("a policy change mid-deadline recomputes the target from the same start, keeping the time already counted")
  func policyChange() throws {
    let caseID = UUID()
    let original = engine.start(.received, caseID: caseID, kind: .complaint, at: local("2026-11-16", 9))[0]
    #expect(iso(original.dueAt) == "2026-11-19T23:59:59Z")
    var rules = DeadlinePolicy.standard.rules
    let index = try #require(rules.firstIndex { $0.name == "acknowledge" })
    rules[index].length = DeadlineLength(5, .workingDays)
    let changed = DeadlineEngine(policy: DeadlinePolicy(rules: rules), calendars: calendars)
    let recomputed = changed.recompute(original, kind: .complaint)
    #expect(recomputed.startAt == original.startAt)
    #expect(iso(recomputed.dueAt) == "2026-11-23T23:59:59Z")
    #expect(recomputed.length == DeadlineLength(5, .workingDays))
    // A calendar change (a new bank holiday on Friday 20 Nov 2026) moves it a day more.
    let extra = BankHolidays(events: [BankHolidays.Event(title: "Extra", date: LocalDate("2026-11-20")!)])
    let newCalendar = DeadlineEngine(
      policy: DeadlinePolicy(rules: rules), calendars: Calendars(holidays: calendars.holidays.merging(extra)))
    #expect(iso(newCalendar.recompute(original, kind: .complaint).dueAt) == "2026-11-24T23:59:59Z")
  }

  @Test("an extension needs a reason and a future date, and is kept with who made it")
  func extending() throws {
    let start = local("2026-11-16", 9)
    let original = engine.start(.received, caseID: UUID(), kind: .complaint, at: start)[0]
    #expect(throws: CaseworkError.self) {
      try engine.extend(original, to: local("2026-11-30", 17), reason: "  ", by: "Sam", at: start)
    }
    #expect(throws: CaseworkError.self) {
      try engine.extend(original, to: local("2026-11-01"), reason: "Waiting on a supplier", by: "Sam", at: start)
    }
    let extended = try engine.extend(
      original, to: LocalDate("2026-11-30")!.endOfDay, reason: "Waiting on a supplier", by: "Sam", at: start)
    #expect(extended.dueAt == LocalDate("2026-11-30")!.endOfDay)
    #expect(extended.extensions.count == 1)
    #expect(extended.extensions[0].previousDueAt == original.dueAt)
    #expect(extended.extensions[0].by == "Sam")
  }

  @Test("breach: a running deadline past its target is breached; text says so in words")
  func breachAndText() {
    let start = local("2026-11-16", 9)
    let running = deadline(.workingDays, DeadlineLength(2, .workingDays), start: start)
    let text = DeadlineText(calendars: calendars)
    #expect(text.timeLeft(running, now: local("2026-11-16", 10)) == "2 working days left")
    #expect(text.timeLeft(running, now: local("2026-11-18", 10)) == "due by the end of today")
    let late = engine.refresh(running, now: local("2026-11-19", 10))
    #expect(late.state == .breached)
    #expect(text.timeLeft(late, now: local("2026-11-19", 10)) == "breached 10 h ago")
    #expect(text.timeLeft(late, now: local("2026-11-21", 10)) == "breached 2 days ago")
    let hours = deadline(.businessHours("supported_hours"), DeadlineLength(4, .hours), start: local("2026-11-16", 15))
    #expect(text.timeLeft(hours, now: local("2026-11-16", 15, 50)) == "3 h 10 min of supported hours left")
    let real = deadline(.realTime, DeadlineLength(4, .hours), start: start)
    #expect(text.timeLeft(real, now: local("2026-11-16", 9, 45)) == "3 h 15 min left")
  }

  @Test("durations read singular and plural in any case, and refuse anything else")
  func lengths() {
    #expect(DeadlineLength("3 working days") == DeadlineLength(3, .workingDays))
    #expect(DeadlineLength("1 Working Day") == DeadlineLength(1, .workingDays))
    #expect(DeadlineLength("7 days") == DeadlineLength(7, .days))
    #expect(DeadlineLength("1 hour") == DeadlineLength(1, .hours))
    #expect(DeadlineLength("90 MINUTES") == DeadlineLength(90, .minutes))
    for bad in ["", "3", "three days", "0 days", "-1 hours", "3 fortnights", "3  days", "days 3"] {
      #expect(DeadlineLength(bad) == nil, "\(bad)")
    }
    for length in [
      DeadlineLength(2, .workingDays), DeadlineLength(1, .days), DeadlineLength(40, .hours), DeadlineLength(1, .minutes),
    ] {
      #expect(DeadlineLength(length.description) == length)
    }
  }
}
