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

/// A clock for tests and demos: moves on by `step` each time it is read (so events keep their
/// order) and can be moved by hand.
public final class SteppingWallClock: WallClock, @unchecked Sendable {
  // @unchecked: `current` is only read or written while holding `lock`.
  private let lock = NSLock()
  private var current: Date
  private let step: TimeInterval

  public init(start: Date, step: TimeInterval = 0.001) {
    current = start
    self.step = step
  }

  public func now() -> Date {
    lock.lock()
    defer { lock.unlock() }
    current = current.addingTimeInterval(step)
    return current
  }

  public func advance(by seconds: TimeInterval) {
    lock.lock()
    current = current.addingTimeInterval(seconds)
    lock.unlock()
  }
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
