import CaseworkCore
import Foundation
import Testing

@Suite("Dates, bank holidays and working days")
struct CalendarTests {
  let holidays = BankHolidayFile.shipped()
  var workingDays: WorkingDays { WorkingDays(holidays: holidays) }

  func date(_ text: String) -> LocalDate { LocalDate(text)! }

  /// domain.md §3, from GOV.UK.
  static let table: [Int: [String]] = [
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
  ]

  @Test("day numbers round-trip every date from 1900 to 2100, and weekdays are right")
  func dayNumbers() {
    var previous: LocalDate?
    for year in 1900...2100 {
      for month in 1...12 {
        for day in 1...LocalDate.daysIn(month: month, year: year) {
          let date = LocalDate(year: year, month: month, day: day)!
          #expect(date.components == (year, month, day))
          if let previous { #expect(date.dayNumber == previous.dayNumber + 1) }
          previous = date
        }
      }
    }
    #expect(date("2025-04-17").weekday == 4)  // Thursday
    #expect(date("1970-01-01").weekday == 4)
    #expect(date("2027-12-25").weekday == 6)
    #expect(LocalDate("2025-02-29") == nil)
    #expect(LocalDate("2024-02-29") != nil)
    #expect(LocalDate("2025-4-17") == nil)
  }

  @Test("the shipped data holds every England and Wales bank holiday of 2018 to 2027")
  func shippedData() {
    for (year, dates) in Self.table {
      #expect(holidays.events(in: year).map(\.date) == dates.map { date("\(year)-\($0)") }, "\(year)")
      #expect(!holidays.usesFallback(year: year))
    }
  }

  @Test("the statutory rules reproduce every year without a special holiday")
  func statutoryRules() {
    for year in [2018, 2019, 2021, 2024, 2025, 2026, 2027] {
      #expect(BankHolidays.statutory(year: year).map(\.date) == Self.table[year]!.map { date("\(year)-\($0)") }, "\(year)")
    }
    // Christmas 2027 falls on a Saturday: both days move to Monday and Tuesday.
    let christmas2027 = BankHolidays.statutory(year: 2027).suffix(2)
    #expect(christmas2027.map(\.date) == [date("2027-12-27"), date("2027-12-28")])
    #expect(christmas2027.allSatisfy { $0.notes == "Substitute day" })
    // 2032: 25 Dec is a Saturday too; 2033 Christmas is on Sunday.
    #expect(BankHolidays.statutory(year: 2033).suffix(2).map(\.date) == [date("2033-12-26"), date("2033-12-27")])
    #expect(BankHolidays.easterSunday(2025) == date("2025-04-20"))
    #expect(BankHolidays.easterSunday(2038) == date("2038-04-25"))
  }

  @Test("years the data does not cover use the statutory rules and say so")
  func fallback() {
    #expect(holidays.usesFallback(year: 2030))
    #expect(holidays.isHoliday(date("2030-12-25")))
    #expect(holidays.isHoliday(date("2030-04-19")))  // Good Friday 2030
    #expect(!holidays.isHoliday(date("2030-04-18")))
  }

  @Test("a newer GOV.UK file replaces its years and keeps the others; a bad file is refused with a reason")
  func importing() throws {
    let newer = Data(
      """
      {"england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "New Year’s Day", "date": "2028-01-03", "notes": "Substitute day", "bunting": true},
        {"title": "Made-up holiday", "date": "2027-07-01", "notes": "", "bunting": true}
      ]}, "scotland": {"division": "scotland", "events": []}}
      """.utf8)
    let merged = holidays.merging(try BankHolidayFile.parse(newer))
    #expect(merged.isHoliday(date("2027-07-01")))
    #expect(!merged.isHoliday(date("2027-12-27")), "2027 comes whole from the newer file")
    #expect(merged.isHoliday(date("2018-12-25")), "past years are kept")
    #expect(!merged.usesFallback(year: 2028))

    let problems: [(String, String)] = [
      ("not json", "not JSON"),
      ("[1, 2]", "top level is not an object"),
      (#"{"scotland": {"events": []}}"#, "no \"england-and-wales\" division"),
      (#"{"england-and-wales": {"division": "england-and-wales"}}"#, "no \"events\" list"),
      (
        #"{"england-and-wales": {"events": [{"title": "X", "date": "2027-02-30"}]}}"#,
        "Event 1 of england-and-wales (X) has no valid date"
      ),
      (#"{"england-and-wales": {"events": [{"date": "2027-02-01"}]}}"#, "Event 1 of england-and-wales has no title"),
      (#"{"england-and-wales": {"events": []}}"#, "lists no events"),
    ]
    for (text, expected) in problems {
      do {
        _ = try BankHolidayFile.parse(Data(text.utf8))
        Issue.record("accepted: \(text)")
      } catch {
        #expect(error.message.contains(expected), "\(text): \(error.message)")
      }
    }
  }

  @Test("domain §3 example: received Thu 17 Apr 2025, 3 working days, skips Easter, ends Thu 24 Apr 23:59:59 BST")
  func domainExample() {
    #expect(workingDays.nthWorkingDay(after: date("2025-04-17"), 1) == date("2025-04-22"))
    #expect(workingDays.nthWorkingDay(after: date("2025-04-17"), 3) == date("2025-04-24"))
    let received = date("2025-04-17").instant(hour: 15, minute: 30)
    let due = workingDays.due(from: received, workingDays: 3)
    #expect(ISO8601DateFormatter().string(from: due) == "2025-04-24T22:59:59Z")
  }

  @Test("edges: Friday 23:59, a bank holiday receipt, Christmas 2027, daylight-saving weekends")
  func edges() {
    // Friday 23:59 local counts as Friday: the first working day is Monday.
    let lateFriday = date("2026-03-27").instant(hour: 23, minute: 59)
    #expect(LocalDate(lateFriday) == date("2026-03-27"))
    #expect(workingDays.due(from: lateFriday, workingDays: 1) == date("2026-03-30").endOfDay)
    // Received on Easter Monday 2026: Tuesday is day 1.
    #expect(workingDays.nthWorkingDay(after: date("2026-04-06"), 1) == date("2026-04-07"))
    // Christmas Eve 2027 (Friday): 27 and 28 Dec are substitute days, so day 1 is Wednesday 29th.
    #expect(workingDays.nthWorkingDay(after: date("2027-12-24"), 1) == date("2027-12-29"))
    // The clocks change on 29 Mar and 25 Oct 2026; a due time is still 23:59:59 local.
    let spring = workingDays.due(from: date("2026-03-27").instant(hour: 12), workingDays: 1)
    #expect(ISO8601DateFormatter().string(from: spring) == "2026-03-30T22:59:59Z")
    let autumn = workingDays.due(from: date("2026-10-23").instant(hour: 12), workingDays: 1)
    #expect(ISO8601DateFormatter().string(from: autumn) == "2026-10-26T23:59:59Z")
    #expect(workingDays.count(after: date("2025-04-17"), through: date("2025-04-24")) == 3)
    #expect(workingDays.nthWorkingDay(after: date("2025-04-17"), 0) == date("2025-04-17"))
  }

  /// The plain reference: step one day at a time.
  func naiveNth(after start: LocalDate, _ n: Int) -> LocalDate {
    var day = start
    var left = n
    while left > 0 {
      day = day.adding(days: 1)
      if workingDays.isWorkingDay(day) { left -= 1 }
    }
    return day
  }

  @Test("the fast arithmetic agrees with stepping day by day over random dates from 2018 to 2032")
  func againstReference() {
    var generator = SplitMix64(seed: 20_261_121)
    let first = date("2018-01-01").dayNumber
    let last = date("2032-12-31").dayNumber
    for _ in 0..<3_000 {
      let start = LocalDate(dayNumber: Int.random(in: first...last, using: &generator))
      let n = Int.random(in: 0...260, using: &generator)
      let fast = workingDays.nthWorkingDay(after: start, n)
      #expect(fast == naiveNth(after: start, n), "\(start) + \(n)")
      #expect(workingDays.count(after: start, through: fast) == n, "\(start) + \(n)")
    }
  }
}

/// A small seeded generator so the random cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
