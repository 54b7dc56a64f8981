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

  /// Takes back one counted event (an attempt that turned out to be allowed).
  public func forgive(_ key: String) {
    counts.withLockedValue { counts in
      if var entry = counts[key], entry.count > 0 {
        entry.count -= 1
        counts[key] = entry
      }
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

/// Failed sign-ins in the last 15 minutes, per account from one address (so nobody elsewhere
/// can lock a colleague out) and per address (an IPv6 address counts as its /64, which one
/// client holds). Only failures count. An attempt is counted before the password is checked
/// and given back when it succeeds, so parallel guesses cannot slip past the limit.
public struct SignInThrottle: Sendable {
  public static let window: TimeInterval = 15 * 60
  let accounts: RateLimiter
  let addresses: RateLimiter

  public init(perAccount: Int, perAddress: Int) {
    accounts = RateLimiter(limit: perAccount, window: Self.window)
    addresses = RateLimiter(limit: perAddress, window: Self.window)
  }

  /// Starts an attempt: nil when it may go ahead (and it is counted as a failure until
  /// `succeeded`), or the seconds to wait.
  public func begin(email: String, address: String, now: Date) -> Int? {
    let (account, client) = Self.keys(email, address)
    let waits = [accounts.wait(account, now: now), addresses.wait(client, now: now)].compactMap { $0 }
    if let wait = waits.max() { return wait }
    accounts.record(account, now: now)
    addresses.record(client, now: now)
    return nil
  }

  /// The attempt begun for this account and address was right: it does not count.
  public func succeeded(email: String, address: String) {
    let (account, client) = Self.keys(email, address)
    accounts.forgive(account)
    addresses.forgive(client)
  }

  static func keys(_ email: String, _ address: String) -> (account: String, client: String) {
    let client =
      IPAddressBytes.parse(address).map {
        $0.count == 16 ? $0.prefix(8).map { String($0, radix: 16) }.joined(separator: ":") + "::/64" : address
      } ?? address
    return (email.trimmingCharacters(in: .whitespaces).lowercased() + " " + client, client)
  }
}
