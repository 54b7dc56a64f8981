import CaseworkCore
import Fluent
import Foundation
import Vapor

/// Vapor's session driver over `StaffSessionStore`: the browser holds a random key, the
/// database only its digest; a session past its idle or absolute limit reads as none (and is
/// removed). Why our own: Fluent's driver stores keys in clear and knows neither the user nor
/// the limits, so it could not end a user's other sessions.
struct StaffSessionDriver: AsyncSessionDriver {
  func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
    // A key already chosen for this request (see `Request.issueSessionKey`), else a new one.
    let key = request.storage[NewSessionKey.self] ?? SecretGenerator.token()
    // A session that holds nothing (a stale cookie read by Vapor) is not stored: the browser
    // gets a key that opens nothing, and no row is written for an anonymous visit.
    guard !data.snapshot.isEmpty else { return SessionID(string: key) }
    let services = request.casework
    let now = services.clock.now()
    try await services.sessions.create(
      StaffSession(
        keyHash: services.hasher.digest(key), staffID: Self.staffID(in: data), data: try Self.encode(data), createdAt: now,
        lastSeenAt: now))
    return SessionID(string: key)
  }

  func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
    let services = request.casework
    let keyHash = services.hasher.digest(sessionID.string)
    guard let session = try await services.sessions.find(keyHash: keyHash) else { return nil }
    guard services.config.sessionLimits.isLive(session, at: services.clock.now()) else {
      try await services.sessions.delete(keyHash: keyHash)
      return nil
    }
    return try JSONDecoder().decode(SessionData.self, from: Data(session.data.utf8))
  }

  func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
    let services = request.casework
    try await services.sessions.update(
      keyHash: services.hasher.digest(sessionID.string), staffID: Self.staffID(in: data), data: try Self.encode(data),
      lastSeenAt: services.clock.now())
    return sessionID
  }

  func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
    let services = request.casework
    try await services.sessions.delete(keyHash: services.hasher.digest(sessionID.string))
  }

  static func staffID(in data: SessionData) -> StaffID? {
    data[StaffAuthentication.sessionKey].flatMap(UUID.init(uuidString:))
  }

  static func encode(_ data: SessionData) throws -> String {
    String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
  }
}

/// The key a renewed session will be stored under, chosen when the old one is retired so the
/// page drawn in the same request can bind its forms to it.
struct NewSessionKey: StorageKey {
  typealias Value = String
}

/// Removes sessions past their limits, every quarter of an hour.
public struct SessionSweep: Sendable {
  public static let jobKind = "session_sweep"
  let services: CaseworkServices

  func run() async throws {
    let (lastSeenBefore, createdBefore) = services.config.sessionLimits.cutoffs(at: services.clock.now())
    try await services.sessions.deleteExpired(lastSeenBefore: lastSeenBefore, createdBefore: createdBefore)
  }

  func handler() -> JobWorker.Handler {
    { _ in
      try await run()
      try await services.jobs.enqueueUnlessPending(
        kind: Self.jobKind, payload: "{}", runAt: services.clock.now().addingTimeInterval(15 * 60))
    }
  }
}

/// Drops Fluent's sessions table, whose keys were stored in clear (everyone signs in again
/// once). Registered after Fluent's own migration, so a new database creates and drops it.
struct DropClearTextSessions: AsyncMigration {
  var name: String { "0014b_DropClearTextSessions" }

  func prepare(on database: any Database) async throws {
    try await SessionRecord.migration.revert(on: database).get()
  }

  func revert(on database: any Database) async throws {
    try await SessionRecord.migration.prepare(on: database).get()
  }
}
