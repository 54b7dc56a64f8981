import CaseworkCore
import CaseworkMail
import Foundation
import Vapor

/// Watches a Maildir (`CASEWORK_MAILDIR`): each file a mail server delivers into `new/` is
/// stored and threaded, then moved to `cur/` (with the `:2,S` "seen" flag), so it is read once.
/// A message that could not be stored because of a temporary failure stays in `new/` and is
/// tried again on the next scan.
public final class MaildirWatcher: LifecycleHandler, Sendable {
  let directory: URL
  let intake: EmailIntake
  let logger: Logger
  let interval: Duration
  private let loop = BackgroundLoop()

  public init(directory: URL, intake: EmailIntake, logger: Logger, interval: Duration = .seconds(2)) {
    self.directory = directory
    self.intake = intake
    self.logger = logger
    self.interval = interval
  }

  /// Reads every message waiting in `new/`, oldest name first; returns how many were handled.
  @discardableResult
  public func scan() async throws -> Int {
    let fileManager = FileManager.default
    let new = directory.appendingPathComponent("new")
    let current = directory.appendingPathComponent("cur")
    try fileManager.createDirectory(at: new, withIntermediateDirectories: true)
    try fileManager.createDirectory(at: current, withIntermediateDirectories: true)
    try fileManager.createDirectory(at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    var handled = 0
    for name in try fileManager.contentsOfDirectory(atPath: new.path).sorted() where !name.hasPrefix(".") {
      let file = new.appendingPathComponent(name)
      guard let data = fileManager.contents(atPath: file.path) else { continue }
      _ = try await intake.receive(data, source: "maildir")
      let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
      try fileManager.moveItem(at: file, to: current.appendingPathComponent(base + ":2,S"))
      handled += 1
    }
    return handled
  }

  public func didBootAsync(_ application: Application) async throws {
    loop.start { [self] in
      while !Task.isCancelled {
        do {
          try await scan()
        } catch {
          logger.warning("maildir scan failed; trying again", metadata: ["error": .string(String(describing: type(of: error)))])
        }
        try? await Task.sleep(for: interval)
      }
    }
  }

  public func shutdownAsync(_ application: Application) async {
    await loop.stop()
  }
}
