import CaseworkCore
import Foundation

/// The `deadline_sweep` job: Core's `DeadlineMonitor` sweeps (recompute on a change, follow-ups,
/// warnings and breaches), email kept while intake was stopped is processed once it restarts,
/// and the next sweep is queued. Through the jobs table, so any number of processes share it.
public enum DeadlineSweepJob {
  public static let kind = "deadline_sweep"

  public static func handler(_ services: CaseworkServices) -> JobWorker.Handler {
    { _ in
      try await services.deadlines.sweep()
      // In case no one pressed the restart button in this process.
      try await services.mail.processDeferred()
      try await services.jobs.enqueueUnlessPending(
        kind: kind, payload: "{}",
        runAt: services.clock.now().addingTimeInterval(TimeInterval(services.config.deadlineSweepSeconds)))
    }
  }
}
