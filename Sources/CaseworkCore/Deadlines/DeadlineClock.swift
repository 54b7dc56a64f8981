import Foundation

/// Which time a deadline counts (domain §3).
public enum ClockKind: String, Sendable, Codable, CaseIterable {
  /// Whole working days, ending at 23:59:59 on the last one; the start day never counts.
  case workingDays = "working_days"
  /// Open time of a named timetable (supported hours, live chat).
  case businessHours = "business_hours"
  /// 24x7 hours.
  case realTime = "real_time"
  /// Whole days, same wall-clock time N days later.
  case calendarDays = "calendar_days"
}

/// A clock: its kind, and for business hours the timetable it runs on.
public struct DeadlineClock: Sendable, Hashable, Codable, CustomStringConvertible {
  public var kind: ClockKind
  public var timetable: String?

  public init(_ kind: ClockKind, timetable: String? = nil) {
    self.kind = kind
    self.timetable = kind == .businessHours ? timetable : nil
  }

  public static let workingDays = DeadlineClock(.workingDays)
  public static let realTime = DeadlineClock(.realTime)
  public static let calendarDays = DeadlineClock(.calendarDays)
  public static func businessHours(_ timetable: String) -> DeadlineClock { DeadlineClock(.businessHours, timetable: timetable) }

  /// `working_days`, `real_time`, `business_hours:supported_hours`.
  public var description: String { timetable.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue }

  public init?(_ text: String) {
    // Most clocks have no timetable; reading them needs no split (listing reads one per row).
    if let kind = ClockKind(rawValue: text) {
      guard kind != .businessHours else { return nil }
      self.init(kind)
      return
    }
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard let kind = ClockKind(rawValue: parts[0]) else { return nil }
    if kind == .businessHours {
      guard parts.count == 2, !parts[1].isEmpty else { return nil }
      self.init(kind, timetable: parts[1])
    } else {
      guard parts.count == 1 else { return nil }
      self.init(kind)
    }
  }
}

/// How long a deadline runs: "3 working days", "7 days", "4 hours", "90 minutes".
public struct DeadlineLength: Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Unit: String, Sendable, Codable, CaseIterable {
    case workingDays = "working days"
    case days
    case hours
    case minutes
  }

  public var amount: Int
  public var unit: Unit

  public init(_ amount: Int, _ unit: Unit) {
    self.amount = amount
    self.unit = unit
  }

  public var description: String {
    let singular = amount == 1
    switch unit {
    case .workingDays: return "\(amount) working \(singular ? "day" : "days")"
    case .days: return "\(amount) \(singular ? "day" : "days")"
    case .hours: return "\(amount) \(singular ? "hour" : "hours")"
    case .minutes: return "\(amount) \(singular ? "minute" : "minutes")"
    }
  }

  /// Reads "3 working days", "1 day", "4 hours", "90 minutes" (singular or plural, any case,
  /// single spaces).
  public init?(_ text: String) {
    guard let space = text.firstIndex(of: " "), let amount = Int(text[..<space]), amount > 0 else { return nil }
    let unitText = text[text.index(after: space)...]
    let unit: Unit
    switch unitText {
    case "working days", "working day": unit = .workingDays
    case "days", "day": unit = .days
    case "hours", "hour": unit = .hours
    case "minutes", "minute": unit = .minutes
    default:
      guard unitText.contains(where: \.isUppercase) else { return nil }
      self.init("\(amount) \(unitText.lowercased())")
      return
    }
    self.init(amount, unit)
  }

  /// The units that a clock can count.
  public func fits(_ kind: ClockKind) -> Bool {
    switch kind {
    case .workingDays: unit == .workingDays
    case .calendarDays: unit == .days
    case .businessHours, .realTime: unit == .hours || unit == .minutes
    }
  }

  /// Milliseconds of the clock's own time (a working day is a whole day of working time).
  var milliseconds: Int64 {
    switch unit {
    case .workingDays, .days: Int64(amount) * 86_400_000
    case .hours: Int64(amount) * 3_600_000
    case .minutes: Int64(amount) * 60_000
    }
  }
}

/// The calendars in force: bank holidays and the timetables built on them, compiled once.
public struct Calendars: Sendable {
  public let holidays: BankHolidays
  public let timetables: [String: Timetable]
  let workingDayLine: OpenTimeline
  let timelines: [String: OpenTimeline]

  public init(holidays: BankHolidays, timetables: [Timetable] = [.liveChat, .supportedHours]) {
    self.holidays = holidays
    self.timetables = Dictionary(timetables.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    workingDayLine = OpenTimeline.workingDays(holidays: holidays)
    timelines = self.timetables.mapValues { OpenTimeline(timetable: $0, holidays: holidays) }
  }

  public static let shipped = Calendars(holidays: BankHolidayFile.shipped())

  public func timeline(_ name: String) -> OpenTimeline? { timelines[name] }

  /// The counted time of a clock up to `instant`, in milliseconds: what pauses and elapsed
  /// time are measured in. Nil for a business-hours clock whose timetable does not exist.
  func position(_ instant: Date, on clock: DeadlineClock) -> Int64? {
    switch clock.kind {
    case .realTime, .calendarDays: Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
    case .workingDays: workingDayLine.position(of: instant)
    case .businessHours: timelines[clock.timetable ?? ""]?.position(of: instant)
    }
  }

  /// The instant at which a clock's counted time reaches `position`. Working days end at
  /// 23:59:59 of the day the time runs out on.
  func instant(at position: Int64, on clock: DeadlineClock, near hint: Date, endOfDay: Bool) -> Date? {
    switch clock.kind {
    case .realTime, .calendarDays:
      return Date(timeIntervalSince1970: TimeInterval(position) / 1000)
    case .workingDays:
      guard endOfDay else { return workingDayLine.instant(atPosition: position, near: hint) }
      return workingDayLine.dayReaching(position, near: LocalDate(hint).dayNumber).map { LocalDate(dayNumber: $0).endOfDay }
    case .businessHours:
      return timelines[clock.timetable ?? ""]?.instant(atPosition: position, near: hint)
    }
  }

  /// Where a deadline's counting begins: the start itself, or for working days the midnight
  /// after it (the day of receipt never counts).
  func countingStart(_ start: Date, on clock: DeadlineClock) -> Int64? {
    guard clock.kind == .workingDays else { return position(start, on: clock) }
    return workingDayLine.openBefore(day: LocalDate(start).dayNumber + 1)
  }

  /// How much counted time a length is from `start`. Calendar days are the real time to the
  /// same wall-clock time N days later, so a daylight-saving change does not move the hour.
  func amount(_ length: DeadlineLength, from start: Date, on clock: DeadlineClock) -> Int64 {
    guard clock.kind == .calendarDays else { return length.milliseconds }
    let local = LondonTime.localMilliseconds(of: start)
    let later = LondonTime.instant(localMilliseconds: local + length.milliseconds)
    return Int64(((later.timeIntervalSince(start)) * 1000).rounded())
  }

  /// Working days from the day after `from` through `to`.
  public func workingDays(after from: Date, through to: Date) -> Int {
    WorkingDays(holidays: holidays).count(after: LocalDate(from), through: LocalDate(to))
  }
}
