import Foundation

/// A timetable joined with the bank holidays and compiled for arithmetic: how much open time
/// lies before an instant, and the instant by which a given amount of open time has passed.
///
/// Open time before a day is whole weeks times the weekly total, plus the days of the last part
/// week, plus a correction for each bank holiday before it (a prefix sum, found by binary
/// search). Finding the day on which an amount runs out starts from the weekly estimate and
/// corrects for the holidays crossed, so adding 250 hours costs what adding 3 does. Open time is
/// measured on London's wall clock, as opening hours are published.
public struct OpenTimeline: Sendable {
  static let dayMilliseconds = LondonTime.millisecondsPerDay
  /// Monday 29 December 1969, the day before which open time is zero.
  static let anchorDay = -3

  /// Open periods in milliseconds after local midnight: index 0 = Monday … 6 = Sunday, 7 = a bank holiday.
  let periods: [[(start: Int64, end: Int64)]]
  let openPerDay: [Int64]
  /// `weekPrefix[r]` is the open time of the first `r` days of a week (Monday first).
  let weekPrefix: [Int64]
  let weekOpen: Int64
  let holidayDays: [Int]
  /// `holidayCorrection[k]` is what the first `k` holidays change the open time by.
  let holidayCorrection: [Int64]

  public let name: String

  public init(timetable: Timetable, holidays: BankHolidays) {
    name = timetable.name
    var periods = timetable.weekdays.map { day in day.map { (start: Int64($0.start) * 60_000, end: Int64($0.end) * 60_000) } }
    periods.append(timetable.bankHolidays.map { (start: Int64($0.start) * 60_000, end: Int64($0.end) * 60_000) })
    self.periods = periods
    openPerDay = periods.map { $0.reduce(0) { $0 + $1.end - $1.start } }
    var prefix: [Int64] = [0]
    for day in 0..<7 { prefix.append(prefix[day] + openPerDay[day]) }
    weekPrefix = prefix
    weekOpen = prefix[7]
    holidayDays = holidays.sortedDates.map(\.dayNumber)
    var correction: [Int64] = [0]
    for day in holidayDays {
      let weekday = LocalDate(dayNumber: day).weekday - 1
      correction.append(correction[correction.count - 1] + openPerDay[7] - openPerDay[weekday])
    }
    holidayCorrection = correction
  }

  /// Working days as a timeline: open all day Monday to Friday, closed at weekends and on bank holidays.
  public static func workingDays(holidays: BankHolidays) -> OpenTimeline {
    let allDay = [Timetable.Period(start: 0, end: 1440)]
    return OpenTimeline(
      timetable: Timetable(name: "working_days", weekdays: Array(repeating: allDay, count: 5) + [[], []], bankHolidays: []),
      holidays: holidays)
  }

  public var isEverOpen: Bool { weekOpen > 0 || openPerDay[7] > 0 }

  // MARK: Days

  /// Index of the first holiday on or after `day`.
  func holidayIndex(atOrAfter day: Int) -> Int {
    var low = 0
    var high = holidayDays.count
    while low < high {
      let mid = (low + high) / 2
      if holidayDays[mid] < day { low = mid + 1 } else { high = mid }
    }
    return low
  }

  func kind(of day: Int) -> Int {
    let index = holidayIndex(atOrAfter: day)
    if index < holidayDays.count && holidayDays[index] == day { return 7 }
    return LocalDate(dayNumber: day).weekday - 1
  }

  /// Open time on all days before `day`.
  func openBefore(day: Int) -> Int64 {
    let offset = day - Self.anchorDay
    let weeks = offset >= 0 ? offset / 7 : -((-offset + 6) / 7)
    return Int64(weeks) * weekOpen + weekPrefix[offset - weeks * 7] + holidayCorrection[holidayIndex(atOrAfter: day)]
  }

  /// The last day before which less than `amount` is open, ignoring holidays.
  func weeklyEstimate(below amount: Int64) -> Int {
    let weeks = LondonTime.floorDivide(amount - 1, weekOpen)
    let rest = amount - weeks * weekOpen
    var day = 0
    while day < 6 && weekPrefix[day + 1] < rest { day += 1 }
    return Self.anchorDay + Int(weeks) * 7 + day
  }

  /// The day during which the open time reaches `position`: `openBefore(d) < position <= openBefore(d + 1)`.
  func dayReaching(_ position: Int64, near hint: Int) -> Int? {
    guard isEverOpen else { return nil }
    var guess = hint
    if weekOpen > 0 {
      guess = weeklyEstimate(below: position - holidayCorrection[holidayIndex(atOrAfter: hint)])
    }
    var low: Int
    var high: Int
    var step = 1
    if openBefore(day: guess) >= position {
      high = guess
      low = guess - 1
      while openBefore(day: low) >= position {
        high = low
        low -= step
        step *= 2
        if step > 1 << 20 { return nil }
      }
    } else {
      low = guess
      high = guess + 1
      while openBefore(day: high) < position {
        low = high
        high += step
        step *= 2
        if step > 1 << 20 { return nil }
      }
    }
    while high - low > 1 {
      let mid = (low + high) / 2
      if openBefore(day: mid) < position { low = mid } else { high = mid }
    }
    return low
  }

  // MARK: Instants

  /// Open time from the anchor to `instant`.
  public func position(of instant: Date) -> Int64 {
    let local = LondonTime.localMilliseconds(of: instant)
    let day = LondonTime.floorDivide(local, Self.dayMilliseconds)
    let time = local - day * Self.dayMilliseconds
    var open = openBefore(day: Int(day))
    for period in periods[kind(of: Int(day))] where time > period.start {
      open += min(time, period.end) - period.start
    }
    return open
  }

  /// The earliest instant at which the open time reaches `position`. An amount that runs out
  /// exactly at closing time ends at closing time, not at the next opening.
  public func instant(atPosition position: Int64, near hint: Date) -> Date? {
    guard let day = dayReaching(position, near: LocalDate(hint).dayNumber) else { return nil }
    var rest = position - openBefore(day: day)
    for period in periods[kind(of: day)] {
      let length = period.end - period.start
      if rest <= length {
        return LondonTime.instant(localMilliseconds: Int64(day) * Self.dayMilliseconds + period.start + rest)
      }
      rest -= length
    }
    return nil
  }

  /// `instant` plus `milliseconds` of open time; nil only for a timetable that never opens.
  public func adding(milliseconds: Int64, to instant: Date) -> Date? {
    guard milliseconds > 0 else { return instant }
    return self.instant(atPosition: position(of: instant) + milliseconds, near: instant)
  }

  /// Open time between two instants (negative when `end` is earlier).
  public func elapsed(from start: Date, to end: Date) -> Int64 { position(of: end) - position(of: start) }

  public func isOpen(at instant: Date) -> Bool {
    let local = LondonTime.localMilliseconds(of: instant)
    let day = LondonTime.floorDivide(local, Self.dayMilliseconds)
    let time = local - day * Self.dayMilliseconds
    return periods[kind(of: Int(day))].contains { $0.start <= time && time < $0.end }
  }

  /// The next opening strictly after `instant`: the first instant after it when open time starts
  /// to accrue again after a closed stretch (nil for a timetable that never opens).
  public func nextOpening(after instant: Date) -> Date? {
    let local = LondonTime.localMilliseconds(of: instant)
    let today = Int(LondonTime.floorDivide(local, Self.dayMilliseconds))
    let time = local - Int64(today) * Self.dayMilliseconds
    for period in periods[kind(of: today)] where period.start > time {
      return LondonTime.instant(localMilliseconds: Int64(today) * Self.dayMilliseconds + period.start)
    }
    // The next day with open time: the day on which open time passes what is open by the end of today.
    guard let day = dayReaching(openBefore(day: today + 1) + 1, near: today + 1), let first = periods[kind(of: day)].first else {
      return nil
    }
    return LondonTime.instant(localMilliseconds: Int64(day) * Self.dayMilliseconds + first.start)
  }
}
