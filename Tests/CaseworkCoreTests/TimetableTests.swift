import CaseworkCore
import Foundation
import Testing

@Suite("Opening hours")
struct TimetableTests {
  let holidays = BankHolidayFile.shipped()

  func at(_ date: String, _ hour: Int, _ minute: Int) -> Date { LocalDate(date)!.instant(hour: hour, minute: minute) }

  @Test("live chat boundaries: Friday 19:59 and 20:00, Saturday 08:59 and 09:00, bank holiday Monday 13:00, Christmas Day")
  func liveChatBoundaries() {
    let chat = Timetable.liveChat
    #expect(chat.isOpen(at: at("2026-11-20", 19, 59), holidays: holidays))  // Friday
    #expect(!chat.isOpen(at: at("2026-11-20", 20, 0), holidays: holidays))
    #expect(!chat.isOpen(at: at("2026-11-21", 8, 59), holidays: holidays))  // Saturday
    #expect(chat.isOpen(at: at("2026-11-21", 9, 0), holidays: holidays))
    #expect(chat.isOpen(at: at("2026-08-31", 12, 59), holidays: holidays))  // Summer bank holiday Monday
    #expect(!chat.isOpen(at: at("2026-08-31", 13, 0), holidays: holidays))
    #expect(!chat.isOpen(at: at("2026-08-31", 8, 30), holidays: holidays), "weekday hours do not apply on a bank holiday")
    #expect(chat.isOpen(at: at("2026-12-25", 10, 0), holidays: holidays))  // Christmas Day: holiday hours
    #expect(!chat.isOpen(at: at("2026-12-25", 14, 0), holidays: holidays))
  }

  @Test("the next opening: after Friday close it is Saturday 09:00; across the clocks going back")
  func nextOpening() {
    let chat = Timetable.liveChat
    #expect(chat.nextOpening(after: at("2026-11-20", 20, 0), holidays: holidays) == at("2026-11-21", 9, 0))
    #expect(chat.nextOpening(after: at("2026-08-31", 13, 0), holidays: holidays) == at("2026-09-01", 8, 0))
    // Saturday 24 Oct 2026 17:00 BST → Sunday 25 Oct 09:00 GMT (clocks went back overnight).
    let sunday = chat.nextOpening(after: at("2026-10-24", 17, 0), holidays: holidays)!
    #expect(ISO8601DateFormatter().string(from: sunday) == "2026-10-25T09:00:00Z")
    // Supported hours are closed over Easter 2026: Thursday 18:00 → Tuesday 08:00.
    let supported = Timetable.supportedHours
    #expect(supported.nextOpening(after: at("2026-04-02", 18, 0), holidays: holidays) == at("2026-04-07", 8, 0))
    #expect(!supported.isOpen(at: at("2026-04-06", 10, 0), holidays: holidays))
    let closed = Timetable(name: "never", weekdays: Array(repeating: [], count: 7), bankHolidays: [])
    #expect(closed.nextOpening(after: at("2026-04-02", 18, 0), holidays: holidays) == nil)
  }

  @Test("touching and overlapping periods are joined")
  func periodsJoin() {
    let split = Timetable(
      name: "split",
      weekdays: Array(repeating: [.init("13:00", "17:00"), .init("09:00", "13:00"), .init("16:00", "18:00")], count: 7),
      bankHolidays: [])
    #expect(split.weekdays[0] == [.init("09:00", "18:00")])
    #expect(split.isOpen(at: at("2026-11-23", 13, 0), holidays: holidays))
  }
}
