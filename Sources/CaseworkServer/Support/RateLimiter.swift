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

  /// The seconds until `key` may try again, without counting anything; nil when it may now.
  public func wait(_ key: String, now: Date) -> Int? {
    counts.withLockedValue { counts in
      guard let entry = counts[key], now.timeIntervalSince(entry.windowStart) < window, entry.count >= limit else { return nil }
      return max(1, Int((window - now.timeIntervalSince(entry.windowStart)).rounded(.up)))
    }
  }

  /// Counts one event for `key` (a failure, when only failures count).
  public func record(_ key: String, now: Date) {
    counts.withLockedValue { counts in
      if counts.count > 100_000 { counts = counts.filter { now.timeIntervalSince($0.value.windowStart) < window } }
      var entry = counts[key] ?? (now, 0)
      if now.timeIntervalSince(entry.windowStart) >= window { entry = (now, 0) }
      entry.count += 1
      counts[key] = entry
    }
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

/// Failed sign-ins in the last 15 minutes, per account (the email typed) and per client
/// address. Only failures count; past either limit, sign-in waits until the window ends.
public struct SignInThrottle: Sendable {
  public static let window: TimeInterval = 15 * 60
  let accounts: RateLimiter
  let addresses: RateLimiter

  public init(perAccount: Int, perAddress: Int) {
    accounts = RateLimiter(limit: perAccount, window: Self.window)
    addresses = RateLimiter(limit: perAddress, window: Self.window)
  }

  /// Seconds to wait before this account may try from this address, or nil.
  public func wait(email: String, address: String, now: Date) -> Int? {
    let waits = [accounts.wait(Self.key(email), now: now), addresses.wait(address, now: now)].compactMap { $0 }
    return waits.max()
  }

  public func failed(email: String, address: String, now: Date) {
    accounts.record(Self.key(email), now: now)
    addresses.record(address, now: now)
  }

  static func key(_ email: String) -> String { email.trimmingCharacters(in: .whitespaces).lowercased() }
}
