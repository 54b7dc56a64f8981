import CaseworkCore
import Foundation
import PropertyBased
import Testing

/// The fast arithmetic held against plain references that step a day or a minute at a time and
/// read local time through Foundation's `Calendar`, over random instants from 2018 to 2032.
@Suite("Clock arithmetic against step-by-step references")
struct ClockPropertyTests {
  static let holidays = BankHolidayFile.shipped()
  static let calendars = Calendars(holidays: holidays)
  static let firstMinute = Int(LocalDate("2018-01-01")!.instant().timeIntervalSince1970 / 60)
  static let lastMinute = Int(LocalDate("2032-12-31")!.instant().timeIntervalSince1970 / 60)
  static let instants = Gen.int(in: firstMinute...lastMinute)
  static let timetables: [Timetable] = [
    .liveChat, .supportedHours,
    Timetable(
      name: "split",
      weekdays: Array(
        repeating: [Timetable.Period("07:30", "12:00"), Timetable.Period("12:00", "12:45"), Timetable.Period("14:00", "23:15")],
        count: 4)
        + [[], [Timetable.Period("10:00", "10:01")], [Timetable.Period("00:00", "00:30"), Timetable.Period("22:00", "24:00")]],
      bankHolidays: [Timetable.Period("03:00", "05:00")]),
  ]

  static func instant(minute: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(minute) * 60) }

  /// Reference: is the timetable open at this instant, read through `Calendar` and the
  /// holiday list of its year.
  static func referenceIsOpen(_ timetable: Timetable, _ instant: Date) -> Bool {
    let parts = LondonTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
    let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    let minute = parts.hour! * 60 + parts.minute!
    let isHoliday = holidays.events(in: parts.year!).contains { $0.date == date }
    let weekday = (parts.weekday! + 5) % 7  // Calendar: 1 = Sunday; timetable: 0 = Monday
    let periods = isHoliday ? timetable.bankHolidays : timetable.weekdays[weekday]
    return periods.contains { $0.start <= minute && minute < $0.end }
  }

  /// Reference: step minute by minute until `minutes` open minutes have passed.
  static func referenceAdd(_ timetable: Timetable, minutes: Int, to start: Date) -> Date {
    var cursor = start
    var left = minutes
    while left > 0 {
      if referenceIsOpen(timetable, cursor) { left -= 1 }
      cursor = cursor.addingTimeInterval(60)
    }
    return cursor
  }

  @Test("local time from the transition table matches Calendar for any instant")
  func localTime() async {
    await propertyCheck(count: 2_000, input: Gen.int(in: Self.firstMinute * 60...Self.lastMinute * 60)) { second in
      let instant = Date(timeIntervalSince1970: TimeInterval(second))
      let parts = LondonTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
      let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
      #expect(LocalDate(instant) == date)
      let wall = date.instant(hour: parts.hour!, minute: parts.minute!, second: parts.second!)
      let expected = LondonTime.calendar.date(from: parts)!
      #expect(wall == expected, "\(instant)")
    }
  }

  @Test("adding business minutes agrees with stepping minute by minute, on every timetable")
  func addBusinessTime() async {
    for timetable in Self.timetables {
      let line = Self.calendars.timeline(timetable.name) ?? OpenTimeline(timetable: timetable, holidays: Self.holidays)
      await propertyCheck(count: 150, input: Self.instants, Gen.int(in: 0...(3 * 24 * 60))) { minute, amount in
        let start = Self.instant(minute: minute)
        let fast = line.adding(milliseconds: Int64(amount) * 60_000, to: start)!
        let reference = Self.referenceAdd(timetable, minutes: amount, to: start)
        // The reference stops at the minute after the last open one, which for a stretch that
        // ends at closing time is closing time: the same instant.
        #expect(fast == reference, "\(timetable.name): \(start) + \(amount) min")
        #expect(line.elapsed(from: start, to: fast) == Int64(amount) * 60_000)
      }
    }
  }

  @Test("elapsed business time and open-or-closed agree with counting minutes")
  func elapsedAndOpen() async {
    for timetable in Self.timetables {
      let line = OpenTimeline(timetable: timetable, holidays: Self.holidays)
      await propertyCheck(count: 100, input: Self.instants, Gen.int(in: 0...(4 * 24 * 60))) { minute, span in
        let start = Self.instant(minute: minute)
        var counted: Int64 = 0
        for step in 0..<span where Self.referenceIsOpen(timetable, Self.instant(minute: minute + step)) { counted += 60_000 }
        #expect(line.elapsed(from: start, to: Self.instant(minute: minute + span)) == counted, "\(timetable.name) \(start)")
        #expect(line.isOpen(at: start) == Self.referenceIsOpen(timetable, start))
      }
    }
  }

  @Test("the next opening agrees with stepping forward minute by minute")
  func nextOpening() async {
    for timetable in Self.timetables {
      let line = OpenTimeline(timetable: timetable, holidays: Self.holidays)
      await propertyCheck(count: 100, input: Self.instants) { minute in
        let start = Self.instant(minute: minute)
        var step = minute + 1
        // An opening is an open minute after a closed one.
        while !(Self.referenceIsOpen(timetable, Self.instant(minute: step))
          && !Self.referenceIsOpen(timetable, Self.instant(minute: step - 1)))
        {
          step += 1
        }
        let fast = line.nextOpening(after: start)
        // A period that starts where the previous one ended (midnight) is not a new opening for the reference.
        if let fast, fast != Self.instant(minute: step) {
          #expect(Self.referenceIsOpen(timetable, fast.addingTimeInterval(-60)), "\(timetable.name) \(start): \(fast)")
        }
        #expect(fast != nil)
      }
    }
  }

  @Test("working-day deadlines agree with stepping day by day, for any start and N up to 260")
  func workingDayDeadlines() async {
    let days = WorkingDays(holidays: Self.holidays)
    await propertyCheck(count: 1_000, input: Self.instants, Gen.int(in: 0...260)) { minute, n in
      let start = Self.instant(minute: minute)
      var day = LocalDate(start)
      var left = n
      while left > 0 {
        day = day.adding(days: 1)
        let isHoliday = Self.holidays.events(in: day.year).contains { $0.date == day }
        if !day.isWeekend && !isHoliday { left -= 1 }
      }
      let deadline = Deadline(
        caseID: UUID(), name: "p", clock: .workingDays, length: DeadlineLength(max(n, 1), .workingDays), startAt: start)
      if n > 0 {
        #expect(Self.calendars.schedule(deadline).dueAt == day.endOfDay, "\(start) + \(n)")
      }
      #expect(days.due(from: start, workingDays: n) == day.endOfDay)
    }
  }
}
