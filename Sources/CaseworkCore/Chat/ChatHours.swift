import Foundation

/// Whether live chat is open at an instant, when it next opens, and the week's hours, in words a
/// visitor reads, from the timetable in force (domain §7 gives the defaults; Europe/London).
public struct ChatHours: Sendable {
  public var timetable: Timetable
  public var holidays: BankHolidays

  public init(timetable: Timetable = .liveChat, holidays: BankHolidays) {
    self.timetable = timetable
    self.holidays = holidays
  }

  /// The live-chat timetable in force (a policy file may change it) and the holidays.
  public init(calendars: Calendars) {
    self.init(timetable: calendars.timetables[Timetable.liveChat.name] ?? .liveChat, holidays: calendars.holidays)
  }

  public struct Availability: Sendable, Equatable {
    public var isOpen: Bool
    /// When chat next opens (closed now) or the end of the current period (open now).
    public var nextOpening: Date?
    public var closesAt: Date?
    /// "We open again at 09:00 on Saturday." or "Open now until 20:00."
    public var words: String
  }

  public func availability(at now: Date) -> Availability {
    if timetable.isOpen(at: now, holidays: holidays) {
      let closes = closingTime(at: now)
      let words = closes.map { "Open now until \(Self.clock($0))." } ?? "Open now."
      return Availability(isOpen: true, nextOpening: nil, closesAt: closes, words: words)
    }
    guard let next = timetable.nextOpening(after: now, holidays: holidays) else {
      return Availability(isOpen: false, nextOpening: nil, closesAt: nil, words: "Live chat is closed.")
    }
    return Availability(isOpen: false, nextOpening: next, closesAt: nil, words: Self.openingWords(next, now: now))
  }

  /// The end of the period open at `now`.
  func closingTime(at now: Date) -> Date? {
    let (day, minute) = Timetable.localPosition(now)
    guard let period = timetable.periods(on: day, holidays: holidays).first(where: { $0.start <= minute && minute < $0.end })
    else { return nil }
    return day.instant(hour: period.end / 60, minute: period.end % 60)
  }

  /// "We open again at 09:00 on Saturday." Today's and this week's openings are named by
  /// day; further ones by date too.
  public static func openingWords(_ next: Date, now: Date) -> String {
    let day = LocalDate(next)
    let when: String
    switch day.dayNumber - LocalDate(now).dayNumber {
    case 0: when = "today"
    case 1...6: when = "on \(day.weekdayName)"
    default: when = "on \(day.weekdayName) \(day.components.day) \(day.monthName)"
    }
    return "We open again at \(clock(next)) \(when)."
  }

  /// The week in words, from the timetable in force: "Monday to Friday: 08:00 to 20:00",
  /// days with the same hours run together, bank holidays last (joined to the day before when
  /// they share its hours).
  public var schedule: [String] {
    let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    var groups: [(first: Int, last: Int, periods: [Timetable.Period])] = []
    for (index, periods) in timetable.weekdays.enumerated() {
      if let last = groups.last, last.periods == periods {
        groups[groups.count - 1].last = index
      } else {
        groups.append((index, index, periods))
      }
    }
    var lines = groups.map { group -> (days: String, periods: [Timetable.Period]) in
      let days =
        group.first == group.last
        ? names[group.first]
        : group.last == group.first + 1
          ? "\(names[group.first]) and \(names[group.last])" : "\(names[group.first]) to \(names[group.last])"
      return (days, group.periods)
    }
    if lines.last?.periods == timetable.bankHolidays, !lines.last!.days.contains(" and ") {
      lines[lines.count - 1].days += " and bank holidays"
    } else {
      lines.append(("Bank holidays", timetable.bankHolidays))
    }
    return lines.map { "\($0.days): \(Self.words($0.periods))" }
  }

  /// "08:00 to 20:00", "08:00 to 12:00 and 13:00 to 17:00", or "closed".
  static func words(_ periods: [Timetable.Period]) -> String {
    guard !periods.isEmpty else { return "closed" }
    return periods.map { "\(time($0.start)) to \(time($0.end))" }.joined(separator: " and ")
  }

  static func clock(_ instant: Date) -> String {
    time(Timetable.localPosition(instant).1)
  }

  /// "09:05" for minutes after midnight.
  static func time(_ minutes: Int) -> String {
    let hours = minutes / 60
    let rest = minutes % 60
    return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
  }
}
