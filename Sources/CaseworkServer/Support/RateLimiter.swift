import Foundation
import NIOConcurrencyHelpers

/// A fixed-window counter per key (a client address): at most `limit` in each `window`.
public final class RateLimiter: Sendable {
  private let counts = NIOLockedValueBox<[String: (windowStart: Date, count: Int)]>([:])
  public let limit: Int
  public let window: TimeInterval

  public init(limit: Int, window: TimeInterval) {
    self.limit = limit
    self.window = window
  }

  /// Counts one attempt; returns nil when allowed, or the seconds until the next is allowed.
  public func attempt(_ key: String, now: Date) -> Int? {
    counts.withLockedValue { counts in
      if counts.count > 100_000 { counts = counts.filter { now.timeIntervalSince($0.value.windowStart) < window } }
      var entry = counts[key] ?? (now, 0)
      if now.timeIntervalSince(entry.windowStart) >= window { entry = (now, 0) }
      guard entry.count < limit else {
        return max(1, Int((window - now.timeIntervalSince(entry.windowStart)).rounded(.up)))
      }
      entry.count += 1
      counts[key] = entry
      return nil
    }
  }
}
