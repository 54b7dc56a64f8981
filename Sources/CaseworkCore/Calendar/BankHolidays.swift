import Foundation

/// England and Wales bank holidays: the shipped GOV.UK data, any newer file imported on top,
/// and the statutory rules for years the data does not cover (domain §3).
public struct BankHolidays: Sendable, Equatable {
  public struct Event: Sendable, Codable, Equatable {
    public var title: String
    public var date: LocalDate
    public var notes: String
    public var bunting: Bool

    public init(title: String, date: LocalDate, notes: String = "", bunting: Bool = true) {
      self.title = title
      self.date = date
      self.notes = notes
      self.bunting = bunting
    }
  }

  /// Events by year, for the years the data covers.
  public private(set) var eventsByYear: [Int: [Event]]
  /// Every holiday date, data and fallback years alike, sorted: what the working-day
  /// arithmetic counts with a binary search.
  public private(set) var sortedDates: [LocalDate] = []
  /// The years whose holidays come from the statutory rules, not from data.
  public let fallbackRange: ClosedRange<Int>

  public init(events: [Event], fallbackRange: ClosedRange<Int> = 1990...2100) {
    eventsByYear = Dictionary(grouping: events) { $0.date.year }.mapValues { $0.sorted { $0.date < $1.date } }
    self.fallbackRange = fallbackRange
    rebuild()
  }

  private mutating func rebuild() {
    var dates = eventsByYear.values.flatMap { $0.map(\.date) }
    for year in fallbackRange where eventsByYear[year] == nil {
      dates += Self.statutory(year: year).map(\.date)
    }
    sortedDates = Array(Set(dates)).sorted()
  }

  public var coveredYears: [Int] { eventsByYear.keys.sorted() }

  /// True when the year's holidays are worked out from the rules because the data has none.
  public func usesFallback(year: Int) -> Bool { eventsByYear[year] == nil }

  public func events(in year: Int) -> [Event] {
    eventsByYear[year] ?? Self.statutory(year: year)
  }

  public func isHoliday(_ date: LocalDate) -> Bool {
    let year = date.year
    if eventsByYear[year] != nil || fallbackRange.contains(year) {
      let index = firstIndex(greaterThan: date)
      return index > 0 && sortedDates[index - 1] == date
    }
    return Self.statutory(year: year).contains { $0.date == date }
  }

  /// Holidays on weekdays in `(after, through]`, by binary search.
  func weekdayHolidays(after start: LocalDate, through end: LocalDate) -> Int {
    guard end > start else { return 0 }
    let lower = firstIndex(greaterThan: start)
    let upper = firstIndex(greaterThan: end)
    var count = 0
    for index in lower..<upper where !sortedDates[index].isWeekend { count += 1 }
    return count
  }

  func firstIndex(greaterThan date: LocalDate) -> Int {
    var low = 0
    var high = sortedDates.count
    while low < high {
      let mid = (low + high) / 2
      if sortedDates[mid] <= date { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// A newer file's years replace the same years here; years only here are kept.
  public func merging(_ newer: BankHolidays) -> BankHolidays {
    var merged = self
    for (year, events) in newer.eventsByYear { merged.eventsByYear[year] = events }
    merged.rebuild()
    return merged
  }

  // MARK: Statutory rules

  /// New Year's Day (or the next Monday), Good Friday, Easter Monday, the first and last
  /// Mondays of May, the last Monday of August, Christmas Day and Boxing Day with substitute
  /// weekdays.
  public static func statutory(year: Int) -> [Event] {
    func date(_ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }
    func nextWeekday(_ d: LocalDate) -> LocalDate { d.weekday == 6 ? d.adding(days: 2) : d.weekday == 7 ? d.adding(days: 1) : d }
    func firstMonday(_ month: Int) -> LocalDate {
      let first = date(month, 1)
      return first.adding(days: (8 - first.weekday) % 7)
    }
    func lastMonday(_ month: Int) -> LocalDate {
      let last = date(month, LocalDate.daysIn(month: month, year: year))
      return last.adding(days: -((last.weekday - 1) % 7))
    }
    let easter = easterSunday(year)
    let christmas = date(12, 25)
    let (christmasObserved, boxingObserved): (LocalDate, LocalDate) =
      switch christmas.weekday {
      case 5: (christmas, date(12, 28))  // Friday: Boxing Day falls on Saturday, moved to Monday
      case 6: (date(12, 27), date(12, 28))  // Saturday
      case 7: (date(12, 27), date(12, 26))  // Sunday: Boxing Day Monday, Christmas moved to Tuesday
      default: (christmas, date(12, 26))
      }
    return [
      Event(title: "New Year’s Day", date: nextWeekday(date(1, 1))),
      Event(title: "Good Friday", date: easter.adding(days: -2), bunting: false),
      Event(title: "Easter Monday", date: easter.adding(days: 1)),
      Event(title: "Early May bank holiday", date: firstMonday(5)),
      Event(title: "Spring bank holiday", date: lastMonday(5)),
      Event(title: "Summer bank holiday", date: lastMonday(8)),
      Event(title: "Christmas Day", date: christmasObserved, notes: christmasObserved == christmas ? "" : "Substitute day"),
      Event(title: "Boxing Day", date: boxingObserved, notes: boxingObserved == date(12, 26) ? "" : "Substitute day"),
    ].sorted { $0.date < $1.date }
  }

  /// Western Easter Sunday (the anonymous Gregorian algorithm).
  public static func easterSunday(_ year: Int) -> LocalDate {
    let a = year % 19
    let b = year / 100
    let c = year % 100
    let d = b / 4
    let e = b % 4
    let f = (b + 8) / 25
    let g = (b - f + 1) / 3
    let h = (19 * a + b - d - g + 15) % 30
    let i = c / 4
    let k = c % 4
    let l = (32 + 2 * e + 2 * i - h - k) % 7
    let m = (a + 11 * h + 22 * l) / 451
    let month = (h + l - 7 * m + 114) / 31
    let day = (h + l - 7 * m + 114) % 31 + 1
    return LocalDate(year: year, month: month, day: day)!
  }
}
