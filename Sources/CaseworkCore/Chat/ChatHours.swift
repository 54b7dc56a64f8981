import Foundation

/// Whether live chat is open at an instant, and when it next opens, in words a visitor reads
/// (domain §7: Monday to Friday 08:00–20:00, Saturday 09:00–17:00, Sunday and bank holidays
/// 09:00–13:00, Europe/London).
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

  static func clock(_ instant: Date) -> String {
    let (_, minutes) = Timetable.localPosition(instant)
    let hours = minutes / 60
    let rest = minutes % 60
    return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
  }
}
