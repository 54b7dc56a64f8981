import CaseworkCore
import CaseworkMail
import CaseworkStore
import Foundation
import Vapor

/// Why a message could not be handed over.
public enum MailSendError: Error, Sendable {
  /// Try again later (4xx replies, network trouble).
  case temporary(String)
  /// Will never work (5xx replies): recorded on the case.
  case permanent(String)
}

/// Hands a rendered message to something that delivers it.
public protocol MailTransport: Sendable {
  func send(_ message: Data, from: String, to: [String]) async throws(MailSendError)
}

/// The embedded default: each message becomes an `.eml` file under the data directory, for a
/// mail server to pick up or a person to read. Written to a temporary name and renamed, so a
/// reader never sees half a message.
public struct FileMailTransport: MailTransport {
  public let directory: URL

  public init(directory: URL) {
    self.directory = directory
  }

  public func send(_ message: Data, from: String, to: [String]) async throws(MailSendError) {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let name = "\(Int(Date().timeIntervalSince1970 * 1000))-\(UUID().lowercaseString).eml"
      let temporary = directory.appendingPathComponent("." + name + ".tmp")
      try message.write(to: temporary)
      try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent(name))
    } catch {
      throw .temporary("The message could not be written to \(directory.path).")
    }
  }
}

/// Sends what the outbox holds: renders each entry as an RFC 5322 message with a signed
/// Message-ID (so replies find their case), holds back automatic replies beyond a few per
/// address per hour, retries temporary failures with exponential backoff, and records a
/// permanent failure on the case.
public struct OutboxSender: Sendable {
  public static let jobKind = "outbox_send"
  /// Automatic replies to one address in an hour, at most (mail loops stop here).
  public static let automaticPerHour = 5
  static let maximumAttempts = 8

  let services: CaseworkServices
  let outbox: SQLOutbox
  let transport: any MailTransport
  let logger: Logger

  public init(services: CaseworkServices, outbox: SQLOutbox, transport: any MailTransport, logger: Logger) {
    self.services = services
    self.outbox = outbox
    self.transport = transport
    self.logger = logger
  }

  /// Sends every entry that is due; returns how many were sent.
  @discardableResult
  public func flush(limit: Int = 100) async throws -> Int {
    var sent = 0
    for _ in 0..<limit {
      let now = services.clock.now()
      guard let claimed = try await outbox.claim(now: now) else { break }
      let email = claimed.email
      if email.isAutomatic,
        try await outbox.automaticSent(to: email.toAddress, since: now.addingTimeInterval(-3600)) >= Self.automaticPerHour
      {
        try await outbox.markSuppressed(
          email.id, reason: "More than \(Self.automaticPerHour) automatic replies to this address in an hour.")
        continue
      }
      let messageID = services.mail.ids.make(for: email.caseID)
      let mail = OutgoingMail(
        from: services.config.mailFrom, to: [MailAddress(name: email.toName, address: email.toAddress)], subject: email.subject,
        text: email.body, messageID: messageID, date: now, isAutomaticReply: email.isAutomatic)
      let failure: MailSendError?
      do {
        try await transport.send(mail.render(), from: services.config.mailFrom.address, to: [email.toAddress])
        failure = nil
      } catch {
        failure = error
      }
      guard let failure else {
        try await outbox.markSent(email.id, messageID: messageID, at: services.clock.now())
        sent += 1
        continue
      }
      do {
        switch failure {
        case .temporary(let reason) where claimed.attempts < Self.maximumAttempts:
          // 1, 4, 16, 64 minutes ... up to 12 hours.
          let delay = min(12 * 3600, 60 * pow(4, Double(claimed.attempts - 1)))
          try await outbox.markFailed(email.id, error: reason, retryAt: now.addingTimeInterval(delay))
          logger.warning("email delivery deferred", metadata: ["attempt": .stringConvertible(claimed.attempts)])
        case .temporary(let reason), .permanent(let reason):
          try await outbox.markFailed(email.id, error: reason, retryAt: nil)
          try await services.cases.addNote(
            to: email.caseID, body: "Delivery failure: the email \"\(email.subject)\" could not be delivered. \(reason)",
            by: .system)
        }
      }
    }
    return sent
  }

  /// The job handler: send what is due, then queue the next run.
  public func handler(every seconds: Double = 5) -> JobWorker.Handler {
    { _ in
      try await flush()
      try await services.jobs.enqueueUnlessPending(
        kind: Self.jobKind, payload: "{}", runAt: services.clock.now().addingTimeInterval(seconds))
    }
  }
}
