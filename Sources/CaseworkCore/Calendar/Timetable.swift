import Foundation

/// Opening hours in Europe/London: periods for each weekday and separate periods for bank
/// holidays (domain §3, §6, §7). Times are minutes after local midnight, so a period keeps its
/// wall-clock times across daylight-saving changes.
public struct Timetable: Sendable, Equatable, Codable {
  public struct Period: Sendable, Equatable, Codable {
    /// Minutes after midnight, start inclusive, end exclusive (24:00 is 1440).
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
      precondition(0 <= start && start < end && end <= 1440, "a period runs forward within one day")
      self.start = start
      self.end = end
    }

    /// `Period("08:00", "20:00")`.
    public init(_ from: String, _ to: String) {
      func minutes(_ text: String) -> Int {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        return parts[0] * 60 + parts[1]
      }
      self.init(start: minutes(from), end: minutes(to))
    }
  }

  public var name: String
  /// Index 0 = Monday … 6 = Sunday.
  public var weekdays: [[Period]]
  public var bankHolidays: [Period]

  public init(name: String, weekdays: [[Period]], bankHolidays: [Period]) {
    precondition(weekdays.count == 7, "a timetable lists seven days, Monday first")
    self.name = name
    self.weekdays = weekdays.map(Self.normalised)
    self.bankHolidays = Self.normalised(bankHolidays)
  }

  /// Sorted, with touching or overlapping periods joined.
  static func normalised(_ periods: [Period]) -> [Period] {
    var result: [Period] = []
    for period in periods.sorted(by: { $0.start < $1.start }) {
      if let last = result.last, period.start <= last.end {
        result[result.count - 1].end = max(last.end, period.end)
      } else {
        result.append(period)
      }
    }
    return result
  }

  /// Live chat (domain §7): Monday to Friday 08:00–20:00, Saturday 09:00–17:00, Sunday and
  /// bank holidays 09:00–13:00.
  public static let liveChat = Timetable(
    name: "live_chat",
    weekdays: Array(repeating: [Period("08:00", "20:00")], count: 5) + [[Period("09:00", "17:00")], [Period("09:00", "13:00")]],
    bankHolidays: [Period("09:00", "13:00")])

  /// Supported hours for incident targets (domain §6): Monday to Friday 08:00–18:00, closed at
  /// weekends and on bank holidays.
  public static let supportedHours = Timetable(
    name: "supported_hours", weekdays: Array(repeating: [Period("08:00", "18:00")], count: 5) + [[], []],
    bankHolidays: [])

  public func periods(on date: LocalDate, holidays: BankHolidays) -> [Period] {
    holidays.isHoliday(date) ? bankHolidays : weekdays[date.weekday - 1]
  }

  /// Minutes after local midnight of an instant, and its local date.
  static func localPosition(_ instant: Date) -> (LocalDate, Int) {
    let local = LondonTime.localMilliseconds(of: instant)
    let day = LondonTime.floorDivide(local, LondonTime.millisecondsPerDay)
    return (LocalDate(dayNumber: Int(day)), Int((local - day * LondonTime.millisecondsPerDay) / 60_000))
  }

  public func isOpen(at instant: Date, holidays: BankHolidays) -> Bool {
    let (date, minute) = Self.localPosition(instant)
    return periods(on: date, holidays: holidays).contains { $0.start <= minute && minute < $0.end }
  }

  /// The next time it opens strictly after `instant`, or nil if it never opens again within
  /// a year (an empty timetable).
  public func nextOpening(after instant: Date, holidays: BankHolidays) -> Date? {
    let (date, minute) = Self.localPosition(instant)
    for offset in 0...366 {
      let day = date.adding(days: offset)
      for period in periods(on: day, holidays: holidays) where offset > 0 || period.start > minute {
        return day.instant(hour: period.start / 60, minute: period.start % 60)
      }
    }
    return nil
  }
}
