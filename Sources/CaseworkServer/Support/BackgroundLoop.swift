import Foundation
import NIOConcurrencyHelpers

/// A task that runs while the application runs: started at boot, cancelled and awaited at
/// shutdown. Shared by the job worker and the Maildir watcher.
final class BackgroundLoop: Sendable {
  private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

  func start(_ body: @escaping @Sendable () async -> Void) {
    let running = Task { await body() }
    task.withLockedValue { $0 = running }
  }

  func stop() async {
    let running = task.withLockedValue { value in
      defer { value = nil }
      return value
    }
    running?.cancel()
    await running?.value
  }
}
