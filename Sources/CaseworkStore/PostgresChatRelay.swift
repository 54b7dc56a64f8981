import FluentPostgresDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit

/// Carries chat events between `casework serve` processes on one PostgreSQL database:
/// `NOTIFY` on the way out, one `LISTEN` connection per process on the way in. Payloads are
/// small (ids and sequence numbers); receivers read the lines themselves from the database.
public final class PostgresChatRelay: Sendable {
  let configuration: PostgresConnection.Configuration
  /// One channel per schema, so test databases sharing a server do not hear each other.
  let channel: String
  let handle: DatabaseHandle
  let logger: Logger
  private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

  public init(url: String, searchPath: [String]?, handle: DatabaseHandle, logger: Logger) throws {
    configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
    let schema = (searchPath?.first ?? "").lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
    channel = schema.isEmpty ? "casework_chat" : "casework_chat_\(schema.prefix(40))"
    self.handle = handle
    self.logger = logger
  }

  /// Starts listening and returns once the first `LISTEN` is in place (or after 5 s, with the
  /// listener still retrying). A lost connection is reopened after a second.
  public func start(deliver: @escaping @Sendable (String) async -> Void) async {
    let ready = ReadySignal()
    let listener = Task { [configuration, channel, handle, logger] in
      var attempt = 0
      while !Task.isCancelled {
        attempt += 1
        do {
          let connection = try await PostgresConnection.connect(
            on: handle.eventLoopGroup.any(), configuration: configuration, id: attempt, logger: logger)
          do {
            try await connection.listen(on: channel) { notifications in
              ready.signal()
              for try await notification in notifications {
                await deliver(notification.payload)
              }
            }
          } catch {
            if !Task.isCancelled { logger.warning("Chat relay lost its listening connection; reconnecting") }
          }
          try? await connection.close()
        } catch {
          logger.warning("Chat relay could not connect to PostgreSQL; retrying")
        }
        try? await Task.sleep(for: .seconds(1))
      }
    }
    task.withLockedValue { $0 = listener }
    await ready.wait(timeout: .seconds(5))
  }

  public func notify(_ payload: String) async {
    do {
      try await handle.sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
    } catch {
      logger.warning("Chat relay could not notify other processes")
    }
  }

  public func stop() {
    task.withLockedValue {
      $0?.cancel()
      $0 = nil
    }
  }
}

/// Wakes waiters once; later signals do nothing.
final class ReadySignal: Sendable {
  private let state = NIOLockedValueBox<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  func signal() {
    let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
      guard !state.done else { return [] }
      state.done = true
      defer { state.waiters = [] }
      return state.waiters
    }
    waiters.forEach { $0.resume() }
  }

  func wait(timeout: Duration) async {
    let timer = Task {
      try? await Task.sleep(for: timeout)
      self.signal()
    }
    await withCheckedContinuation { continuation in
      let resumeNow = state.withLockedValue { state -> Bool in
        if state.done { return true }
        state.waiters.append(continuation)
        return false
      }
      if resumeNow { continuation.resume() }
    }
    timer.cancel()
  }
}
