import Foundation

/// The current time. Tests pass a fixed one.
public protocol WallClock: Sendable {
  func now() -> Date
}

public struct SystemWallClock: WallClock {
  public init() {}
  public func now() -> Date { Date() }
}

extension Date {
  /// Whole milliseconds: what both databases store and read back exactly, so a value written
  /// and read again compares equal and keyset cursors stay exact.
  public var wholeMilliseconds: Date {
    Date(timeIntervalSinceReferenceDate: (timeIntervalSinceReferenceDate * 1000).rounded() / 1000)
  }
}

public struct FixedWallClock: WallClock {
  public var instant: Date
  public init(_ instant: Date) { self.instant = instant }
  public func now() -> Date { instant }
}

/// Europe/London, the zone every date in the domain is read in.
public enum LondonTime {
  public static let timeZone = TimeZone(identifier: "Europe/London")!
  public static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    calendar.locale = Locale(identifier: "en_GB")
    return calendar
  }()
}
