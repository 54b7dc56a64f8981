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
