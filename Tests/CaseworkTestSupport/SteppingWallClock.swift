import CaseworkCore
import Foundation

/// A clock for tests: moves on by `step` each time it is read (so events keep their
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
