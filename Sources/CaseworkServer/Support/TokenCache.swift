import CaseworkCore
import Foundation
import NIOConcurrencyHelpers

/// Remembers recent API-token look-ups for a few seconds so that a busy integrator does not
/// cost a database read per request. Revoking a token in this process clears it at once;
/// another process sees the revocation within `ttl`.
public final class TokenCache: Sendable {
  private struct Entry {
    var token: APIToken
    var user: StaffUser
    var fetchedAt: Date
  }

  private let entries = NIOLockedValueBox<[String: Entry]>([:])
  private let ttl: TimeInterval
  private let maxEntries = 10_000

  public init(ttl: TimeInterval = 5) {
    self.ttl = ttl
  }

  public func get(_ hash: String, now: Date) -> (APIToken, StaffUser)? {
    entries.withLockedValue { entries in
      guard let entry = entries[hash], now.timeIntervalSince(entry.fetchedAt) < ttl else { return nil }
      return (entry.token, entry.user)
    }
  }

  public func put(_ hash: String, token: APIToken, user: StaffUser, now: Date) {
    entries.withLockedValue { entries in
      if entries.count >= maxEntries { entries.removeAll() }
      entries[hash] = Entry(token: token, user: user, fetchedAt: now)
    }
  }

  public func removeAll() {
    entries.withLockedValue { $0.removeAll() }
  }
}

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
