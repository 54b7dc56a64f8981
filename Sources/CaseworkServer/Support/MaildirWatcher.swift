import CaseworkCore
import CaseworkMail
import Foundation
import Vapor

/// Watches a Maildir (`CASEWORK_MAILDIR`): each file a mail server delivers into `new/` is
/// stored and threaded, then moved to `cur/` (with the `:2,S` "seen" flag), so it is read once.
/// A message that could not be stored because of a temporary failure stays in `new/` and is
/// tried again on the next scan. Before anything is read, a file is checked where it lies:
/// symbolic links, anything but a regular file, and files over `maxFileBytes` are moved aside
/// to `casework-refused/` with a log line, unread (a link could point at any file we can read).
public final class MaildirWatcher: LifecycleHandler, Sendable {
  let directory: URL
  let intake: EmailIntake
  let logger: Logger
  let interval: Duration
  let maxFileBytes: Int
  private let loop = BackgroundLoop()

  public init(
    directory: URL, intake: EmailIntake, logger: Logger, interval: Duration = .seconds(2), maxFileBytes: Int = 100 * 1024 * 1024
  ) {
    self.directory = directory
    self.maxFileBytes = maxFileBytes
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
      // `attributesOfItem` does not follow a symbolic link: it describes the link itself.
      let attributes = try fileManager.attributesOfItem(atPath: file.path)
      let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
      if let refusal = Self.refusal(type: attributes[.type] as? FileAttributeType, size: size, limit: maxFileBytes) {
        try moveAside(file, name: name, reason: refusal)
        continue
      }
      guard let data = fileManager.contents(atPath: file.path) else { continue }
      _ = try await intake.receive(data, source: "maildir")
      let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
      try fileManager.moveItem(at: file, to: current.appendingPathComponent(base + ":2,S"))
      handled += 1
    }
    return handled
  }

  static func refusal(type: FileAttributeType?, size: Int, limit: Int) -> String? {
    if type == .typeSymbolicLink { return "a symbolic link" }
    if type != .typeRegular { return "not a regular file" }
    if size > limit { return "larger than \(limit / 1024 / 1024) MB" }
    return nil
  }

  private func moveAside(_ file: URL, name: String, reason: String) throws {
    let refused = directory.appendingPathComponent("casework-refused")
    try FileManager.default.createDirectory(at: refused, withIntermediateDirectories: true)
    try FileManager.default.moveItem(at: file, to: refused.appendingPathComponent(name))
    logger.warning("maildir file moved aside unread", metadata: ["file": .string(name), "reason": .string(reason)])
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
