import Foundation

/// A staff sign-in session as stored: only a digest of the key the browser holds, so a copy
/// of the database opens no session.
public struct StaffSession: Sendable, Equatable {
  public var keyHash: String
  /// The signed-in user; nil before sign-in (a session that only carries form state).
  public var staffID: StaffID?
  /// The session's values as the web layer keeps them (JSON).
  public var data: String
  public var createdAt: Date
  public var lastSeenAt: Date

  public init(keyHash: String, staffID: StaffID?, data: String, createdAt: Date, lastSeenAt: Date) {
    self.keyHash = keyHash
    self.staffID = staffID
    self.data = data
    self.createdAt = createdAt
    self.lastSeenAt = lastSeenAt
  }
}

/// How long a sign-in lasts: it ends after `idle` without a request, and after `absolute`
/// whatever happens (settings `CASEWORK_SESSION_IDLE_MINUTES`, `CASEWORK_SESSION_MAX_HOURS`).
public struct SessionLimits: Sendable, Equatable {
  public var idle: TimeInterval
  public var absolute: TimeInterval

  public static let standard = SessionLimits(idle: 60 * 60, absolute: 12 * 3600)

  public init(idle: TimeInterval, absolute: TimeInterval) {
    self.idle = idle
    self.absolute = absolute
  }

  public func isLive(_ session: StaffSession, at now: Date) -> Bool {
    now.timeIntervalSince(session.lastSeenAt) < idle && now.timeIntervalSince(session.createdAt) < absolute
  }

  /// Sessions last seen before this, or created before `createdBefore`, are over.
  public func cutoffs(at now: Date) -> (lastSeenBefore: Date, createdBefore: Date) {
    (now.addingTimeInterval(-idle), now.addingTimeInterval(-absolute))
  }
}

/// Where sessions are kept. Keys arrive here already hashed.
public protocol StaffSessionStore: Sendable {
  func create(_ session: StaffSession) async throws
  func find(keyHash: String) async throws -> StaffSession?
  func update(keyHash: String, staffID: StaffID?, data: String, lastSeenAt: Date) async throws
  /// Marks the session as used now (activity that is not a page request, such as chat).
  func touch(keyHash: String, at: Date) async throws
  func delete(keyHash: String) async throws
  /// Ends every session of the user but the one whose key hash is `keeping`.
  func deleteAll(of staffID: StaffID, keeping: String?) async throws
  /// Removes sessions that are over.
  func deleteExpired(lastSeenBefore: Date, createdBefore: Date) async throws
}
