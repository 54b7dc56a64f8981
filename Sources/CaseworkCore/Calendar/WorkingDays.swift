import Foundation

/// Working days: Monday to Friday except England and Wales bank holidays (domain §3).
/// "Within N working days of day D" ends at 23:59:59 local time on the Nth working day after
/// D. The arithmetic jumps whole weeks and counts holidays by binary search, so N = 250 costs
/// the same as N = 3.
public struct WorkingDays: Sendable {
  public let holidays: BankHolidays

  public init(holidays: BankHolidays) {
    self.holidays = holidays
  }

  public func isWorkingDay(_ date: LocalDate) -> Bool { !date.isWeekend && !holidays.isHoliday(date) }

  /// The Nth working day after `date`; the date itself never counts. N = 0 is the date itself.
  public func nthWorkingDay(after date: LocalDate, _ n: Int) -> LocalDate {
    precondition(n >= 0, "a number of working days is never negative")
    guard n > 0 else { return date }
    var checked = date
    var current = Self.addingWeekdays(n, to: date)
    var skipped = holidays.weekdayHolidays(after: checked, through: current)
    while skipped > 0 {
      checked = current
      current = Self.addingWeekdays(skipped, to: current)
      skipped = holidays.weekdayHolidays(after: checked, through: current)
    }
    return current
  }

  /// The end (23:59:59 in Europe/London) of the Nth working day after the day of `instant`.
  public func due(from instant: Date, workingDays n: Int) -> Date {
    nthWorkingDay(after: LocalDate(instant), n).endOfDay
  }

  /// Working days in `(start, end]`.
  public func count(after start: LocalDate, through end: LocalDate) -> Int {
    guard end > start else { return 0 }
    return Self.weekdaysThrough(end) - Self.weekdaysThrough(start) - holidays.weekdayHolidays(after: start, through: end)
  }

  /// The Nth weekday after `date` (weekends skipped, holidays not considered).
  static func addingWeekdays(_ n: Int, to date: LocalDate) -> LocalDate {
    // A weekend day counts from the Friday before it: neither weekend day is ever counted.
    let base = date.weekday >= 6 ? date.adding(days: 5 - date.weekday) : date
    let index = base.weekday - 1
    let position = index + n
    return base.adding(days: -index + 7 * (position / 5) + position % 5)
  }

  /// Weekdays from Monday 29 Dec 1969 through `date`.
  static func weekdaysThrough(_ date: LocalDate) -> Int {
    let offset = date.dayNumber + 3
    let weeks = offset >= 0 ? offset / 7 : -((-offset + 6) / 7)
    let rest = offset - weeks * 7
    return weeks * 5 + min(rest + 1, 5)
  }
}
