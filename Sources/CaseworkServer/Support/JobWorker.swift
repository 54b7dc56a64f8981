import CaseworkStore
import Foundation
import Vapor

/// Runs queued jobs: claims one at a time, runs the handler for its kind, and records success
/// or failure (with backoff). Any number of workers may share a database.
public final class JobWorker: LifecycleHandler, Sendable {
  public typealias Handler = @Sendable (Job) async throws -> Void

  let queue: SQLJobQueue
  let handlers: [String: Handler]
  let name: String
  let idleDelay: Duration
  let logger: Logger
  private let loop = BackgroundLoop()

  public init(queue: SQLJobQueue, handlers: [String: Handler], logger: Logger, idleDelay: Duration = .seconds(1)) {
    self.queue = queue
    self.handlers = handlers
    self.logger = logger
    self.idleDelay = idleDelay
    name = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
  }

  /// Claims and runs one job; false when none was due.
  @discardableResult
  public func runOnce() async throws -> Bool {
    guard let job = try await queue.claim(worker: name) else { return false }
    guard let handler = handlers[job.kind] else {
      try await queue.fail(job, error: "No handler for job kind \(job.kind)")
      return true
    }
    do {
      try await handler(job)
      try await queue.complete(job)
    } catch {
      logger.warning("job failed", metadata: ["kind": .string(job.kind), "attempt": .stringConvertible(job.attempts)])
      try await queue.fail(job, error: String(describing: error))
    }
    return true
  }

  public func didBootAsync(_ application: Application) async throws {
    loop.start { [self] in
      while !Task.isCancelled {
        do {
          if try await !runOnce() { try? await Task.sleep(for: idleDelay) }
        } catch {
          logger.error("job queue unavailable", metadata: ["error": .string(String(describing: type(of: error)))])
          try? await Task.sleep(for: idleDelay * 5)
        }
      }
    }
  }

  public func shutdownAsync(_ application: Application) async {
    await loop.stop()
  }
}
