import CaseworkCore
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The intake switch in the database: the latest `intake_events` row is the state. Reads are
/// cached for a few seconds, since every public submission asks; a switch in this process is
/// seen at once, in another within the cache's lifetime.
public final class SQLIntakeSwitch: IntakeSwitch, Sendable {
  let handle: DatabaseHandle
  let cacheSeconds: TimeInterval
  private let cache = NIOLockedValueBox<(state: IntakeState, readAt: Date)?>(nil)

  public init(handle: DatabaseHandle, cacheSeconds: TimeInterval = 3) {
    self.handle = handle
    self.cacheSeconds = cacheSeconds
  }

  public func current() async throws -> IntakeState {
    let now = Date()
    if let cached = cache.withLockedValue({ $0 }), now.timeIntervalSince(cached.readAt) < cacheSeconds { return cached.state }
    let state = try await history(limit: 1).first ?? .open
    cache.withLockedValue { $0 = (state, now) }
    return state
  }

  public func set(_ state: IntakeState) async throws {
    let dialect = BindDialect(postgres: handle.isPostgres)
    let at = (state.changedAt ?? Date()).wholeMilliseconds
    try await handle.sql.raw(
      """
      INSERT INTO intake_events (id, is_open, message, changed_by, changed_at)
      VALUES (\(dialect.uuid(UUID())), \(bind: state.isOpen), \(bind: state.message), \(dialect.text(state.changedBy)), \(bind: at))
      """
    ).run()
    cache.withLockedValue { $0 = (state, Date()) }
  }

  public func history(limit: Int) async throws -> [IntakeState] {
    try await handle.sql.select().columns("is_open", "message", "changed_by", "changed_at").from("intake_events")
      .orderBy("changed_at", .descending).limit(limit).all().map {
        IntakeState(
          isOpen: try $0.decode(column: "is_open", as: Bool.self), message: try $0.decode(column: "message", as: String.self),
          changedAt: try $0.decode(column: "changed_at", as: Date.self),
          changedBy: try $0.decode(column: "changed_by", as: String?.self))
      }
  }
}
