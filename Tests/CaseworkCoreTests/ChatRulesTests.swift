import CaseworkCore
import Foundation
import Testing

@Suite("Live chat hours and rules")
struct ChatRulesTests {
  let hours = ChatHours(holidays: BankHolidayFile.shipped())

  func at(_ date: String, _ hour: Int, _ minute: Int) -> Date { LocalDate(date)!.instant(hour: hour, minute: minute) }

  @Test(
    "what the widget says at each boundary: Friday 19:59 and 20:00, Saturday 08:59 and 09:00, a bank holiday Monday at 13:00, Christmas Day",
    arguments: [
      ("2026-11-20", 19, 59, true, "Open now until 20:00."),
      ("2026-11-20", 20, 0, false, "We open again at 09:00 on Saturday."),
      ("2026-11-21", 8, 59, false, "We open again at 09:00 today."),
      ("2026-11-21", 9, 0, true, "Open now until 17:00."),
      ("2026-11-22", 13, 0, false, "We open again at 08:00 on Monday."),
      // Summer bank holiday: holiday hours end at 13:00; Tuesday is an ordinary weekday.
      ("2026-08-31", 12, 59, true, "Open now until 13:00."),
      ("2026-08-31", 13, 0, false, "We open again at 08:00 on Tuesday."),
      // Christmas Day (a Friday) has holiday hours; Boxing Day is a Saturday; Monday 28th is
      // the substitute bank holiday.
      ("2026-12-25", 10, 0, true, "Open now until 13:00."),
      ("2026-12-25", 13, 0, false, "We open again at 09:00 on Saturday."),
      ("2026-12-27", 13, 0, false, "We open again at 09:00 on Monday."),
      ("2026-12-28", 8, 30, false, "We open again at 09:00 today."),
    ])
  func boundaries(date: String, hour: Int, minute: Int, open: Bool, words: String) {
    let availability = hours.availability(at: at(date, hour, minute))
    #expect(availability.isOpen == open)
    #expect(availability.words == words)
  }

  @Test("the week is said from the timetable: like days run together, bank holidays last")
  func schedule() {
    #expect(
      hours.schedule == [
        "Monday to Friday: 08:00 to 20:00", "Saturday: 09:00 to 17:00", "Sunday and bank holidays: 09:00 to 13:00",
      ])
    let split = Timetable(
      name: "live_chat",
      weekdays: [
        [Timetable.Period("07:30", "12:00"), Timetable.Period("13:00", "20:00")],
        [Timetable.Period("07:30", "12:00"), Timetable.Period("13:00", "20:00")],
        [Timetable.Period("08:00", "20:00")], [Timetable.Period("08:00", "20:00")], [Timetable.Period("08:00", "20:00")],
        [], [],
      ],
      bankHolidays: [Timetable.Period("10:00", "14:00")])
    #expect(
      ChatHours(timetable: split, holidays: BankHolidayFile.shipped()).schedule == [
        "Monday and Tuesday: 07:30 to 12:00 and 13:00 to 20:00", "Wednesday to Friday: 08:00 to 20:00",
        "Saturday and Sunday: closed", "Bank holidays: 10:00 to 14:00",
      ])
  }

  @Test("an opening more than a week away is named with its date")
  func farOpening() {
    let words = ChatHours.openingWords(at("2027-01-04", 8, 0), now: at("2026-12-24", 21, 0))
    #expect(words == "We open again at 08:00 on Monday 4 January.")
  }

  @Test("a line is cleaned and limited: empty and over-long lines are refused")
  func validation() throws {
    #expect(try ChatRules.validate("  hello \r\n") == "hello")
    #expect(throws: ChatError.empty) { try ChatRules.validate(" \n\t ") }
    #expect(throws: ChatError.tooLong(limit: ChatRules.maxMessage)) {
      try ChatRules.validate(String(repeating: "a", count: ChatRules.maxMessage + 1))
    }
    #expect(try ChatRules.validate(String(repeating: "a", count: ChatRules.maxMessage)).count == ChatRules.maxMessage)
  }

  @Test("the flood guard allows a burst, then one line a second, and says how long to wait")
  func floodGuard() throws {
    var guardState = FloodGuard(capacity: 3, refillSeconds: 2)
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    for _ in 0..<3 { try guardState.take(at: start) }
    #expect(throws: ChatError.tooFast(retryAfter: 2)) { try guardState.take(at: start) }
    #expect(throws: ChatError.tooFast(retryAfter: 1)) { try guardState.take(at: start.addingTimeInterval(1)) }
    try guardState.take(at: start.addingTimeInterval(2))
    #expect(throws: ChatError.tooFast(retryAfter: 2)) { try guardState.take(at: start.addingTimeInterval(2)) }
  }
}
