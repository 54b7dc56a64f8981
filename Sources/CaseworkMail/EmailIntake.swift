import CaseworkCore
import Foundation

/// What became of an inbound message.
public enum IntakeOutcome: Sendable, Equatable {
  /// A new case was opened for it.
  case opened(CaseID, CaseReference)
  /// It was added to an existing case as the requester's reply.
  case appended(CaseID, CaseReference)
  /// A delivery report about one of our messages: recorded on that case as a delivery failure.
  case deliveryFailure(CaseID, CaseReference)
  /// The same message was delivered before; nothing new was made.
  case duplicate(CaseID?)
  /// Intake is stopped and it would open a new case: kept, and processed when intake reopens.
  case deferred(UUID)
  /// Not an email at all; the bytes are kept, nothing else is done.
  case notAMessage(UUID)
}

/// Email in (domain §2, §4): the raw message is stored first, then the message is threaded to
/// its case or opens a new one. Threading trusts, in order: our signed Message-IDs in
/// In-Reply-To or References; a `[SR-2026-000123]` subject tag only when the sender is that
/// case's requester and our mail server vouched for the From address (`SenderAuthentication`);
/// otherwise a new case. Anyone else quoting a reference (a stranger, or a From address that
/// may be forged) gets a new case, linked to the one quoted and tagged for staff, and never
/// sees the other case.
public struct EmailIntake: Sendable {
  public let cases: CaseService
  public let store: any InboundMailStore
  public let ids: ThreadingIDs
  /// Recipient address (lower case) to the kind of case it opens: `complaints@…` → complaint.
  public let kindByAddress: [String: CaseKind]
  /// Our receiving mail server's authserv-id, whose `Authentication-Results` we believe.
  public let authservID: String?
  /// Larger messages are kept whole but only their headers are read.
  public let maxBytes: Int
  /// Marks the outbox entry a delivery report is about; nil where nothing is sent (tests).
  public let returnedMail: (any ReturnedMailRecorder)?
  /// The intake switch (domain §8); nil accepts everything.
  public let intake: (any IntakeSwitch)?

  public init(
    cases: CaseService, store: any InboundMailStore, ids: ThreadingIDs, kindByAddress: [String: CaseKind] = [:],
    maxBytes: Int = 25 * 1024 * 1024, returnedMail: (any ReturnedMailRecorder)? = nil, intake: (any IntakeSwitch)? = nil,
    authservID: String? = nil
  ) {
    self.authservID = authservID
    self.intake = intake
    self.maxBytes = maxBytes
    self.returnedMail = returnedMail
    self.cases = cases
    self.store = store
    self.ids = ids
    self.kindByAddress = kindByAddress
  }

  public func receive(_ raw: Data, source: String) async throws -> IntakeOutcome {
    let now = cases.clock.now().wholeMilliseconds
    var parsed: MailMessage
    do {
      let oversized = raw.count > maxBytes
      parsed = try MailParser.parse(oversized ? Self.headerSection(of: raw) : raw)
      if oversized {
        parsed.notes.append(
          "The message was \(raw.count) bytes, over the \(maxBytes)-byte limit: only its headers were read. It is kept whole as received."
        )
        parsed.text = "(This message was too large to read here. It is kept as received; see the note.)"
        parsed.attachments = []
      }
    } catch {
      let stored = try await store.store(
        raw: raw, dedupeKey: "sha256:" + cases.hasher.digest(raw.base64EncodedString()), source: source, receivedAt: now)
      if stored.isNew { try await store.markProcessed(stored.id, caseID: nil, outcome: "not a message", at: now) }
      return .notAMessage(stored.id)
    }
    let key = parsed.messageID.map { "mid:" + $0.lowercased() } ?? "sha256:" + cases.hasher.digest(raw.base64EncodedString())
    let stored = try await store.store(raw: raw, dedupeKey: key, source: source, receivedAt: now)
    guard stored.isNew else { return .duplicate(stored.caseID) }
    // While intake is stopped, only replies to existing cases go through; the rest wait.
    if let intake, try await !intake.current().isOpen, !parsed.isDeliveryReport, try await existingCase(for: parsed) == nil {
      try await store.markProcessed(stored.id, caseID: nil, outcome: "deferred", at: now)
      return .deferred(stored.id)
    }
    let outcome = try await process(parsed)
    try await record(outcome, of: stored.id, at: now)
    return outcome
  }

  /// Processes the messages kept while intake was stopped, oldest first, each opening its case
  /// with an acknowledgement that says there may be a delay. Returns how many it processed.
  @discardableResult
  public func processDeferred(limit: Int = 200) async throws -> Int {
    if let intake, try await !intake.current().isOpen { return 0 }
    var processed = 0
    for (id, raw) in try await store.deferred(limit: limit) {
      let now = cases.clock.now().wholeMilliseconds
      let oversized = raw.count > maxBytes
      guard let parsed = try? MailParser.parse(oversized ? Self.headerSection(of: raw) : raw) else {
        try await store.markProcessed(id, caseID: nil, outcome: "not a message", at: now)
        continue
      }
      try await record(try await process(parsed, delayed: true), of: id, at: now)
      processed += 1
    }
    return processed
  }

  func record(_ outcome: IntakeOutcome, of id: UUID, at now: Date) async throws {
    switch outcome {
    case .opened(let caseID, _): try await store.markProcessed(id, caseID: caseID, outcome: "opened", at: now)
    case .appended(let caseID, _): try await store.markProcessed(id, caseID: caseID, outcome: "appended", at: now)
    case .deliveryFailure(let caseID, _): try await store.markProcessed(id, caseID: caseID, outcome: "delivery failure", at: now)
    default: break
    }
  }

  /// The case a message belongs to by our signed Message-IDs, or by a subject reference from
  /// that case's requester; nil when it would open a new case.
  func existingCase(for message: MailMessage) async throws -> Case? {
    for id in message.inReplyTo + message.references.reversed() {
      if let caseID = ids.caseID(in: id), let record = try await cases.find(id: caseID) { return record }
    }
    let sender = message.from ?? message.replyTo.first
    if let reference = message.subject.bracketedCaseReference, let record = try await cases.find(reference: reference),
      Self.isRequester(sender, of: record), SenderAuthentication.isVerified(message, authservID: authservID)
    {
      return record
    }
    return nil
  }

  func unusedOutcomeMarker(_ outcome: IntakeOutcome, _ stored: StoredInboundMail, _ now: Date) async throws -> IntakeOutcome {
    return outcome
  }

  /// The bytes up to the blank line that ends the header section (at most the first megabyte).
  static func headerSection(of raw: Data) -> Data {
    let window = raw.prefix(1024 * 1024)
    if let range = window.range(of: Data("\r\n\r\n".utf8)) ?? window.range(of: Data("\n\n".utf8)) {
      return raw[raw.startIndex..<range.upperBound]
    }
    return Data(window)
  }

  func process(_ message: MailMessage, delayed: Bool = false) async throws -> IntakeOutcome {
    let sender = message.from ?? message.replyTo.first
    // A bounce about one of our messages belongs on that case, as a delivery failure.
    if message.isDeliveryReport {
      let summary = message.text.split(separator: "\n").prefix(6).joined(separator: "\n")
      for id in message.reportedMessageIDs + message.inReplyTo + message.references {
        if let caseID = ids.caseID(in: id), let record = try await cases.find(id: caseID) {
          let returned = try await returnedMail?.markReturned(messageID: id, reason: summary)
          let which = returned.map { "The email \"\($0.subject)\" we sent for this case was returned." }
          try await cases.addNote(
            to: record.id, body: "Delivery failure: \(which ?? "an email we sent for this case was returned.")\n\(summary)",
            by: .system)
          return .deliveryFailure(record.id, record.reference)
        }
      }
    }
    // 1. Our own signed Message-IDs; 2. a subject reference from that case's requester.
    if let record = try await existingCase(for: message) { return try await append(message, to: record) }
    // A stranger quoting someone else's reference is noted on the new case, never joined.
    var quoted: Case?
    if let reference = message.subject.bracketedCaseReference { quoted = try await cases.find(reference: reference) }
    // 3. A new case.
    let opened = try await open(message, sender: sender, quoting: quoted, delayed: delayed)
    return .opened(opened.id, opened.reference)
  }

  /// Whether the message's sender is the case's requester, by address (which alone proves
  /// nothing: see `SenderAuthentication`).
  static func isRequester(_ sender: MailAddress?, of record: Case) -> Bool {
    sender?.normalised == record.requester.email.lowercased()
  }

  func text(of message: MailMessage) -> String {
    let reply = message.reply
    let body = reply.newText.isEmpty ? message.text.trimmed : reply.newText
    return body.isEmpty ? "(The message has no text.)" : body
  }

  func append(_ message: MailMessage, to record: Case) async throws -> IntakeOutcome {
    try await cases.requesterReply(
      to: record.id, body: String(text(of: message).prefix(InputRules.maxMessage)), autoReply: !message.isAutomatic)
    if let note = readingNote(message) { try await cases.addNote(to: record.id, body: note, by: .system) }
    // Only the new words count: an old "I wish to escalate" in the quoted history does not.
    if EscalationRequest.isRequested(in: message.reply.newText) {
      try await cases.escalate(record.id, by: .requester, autoReply: !message.isAutomatic)
    }
    return .appended(record.id, record.reference)
  }

  func open(_ message: MailMessage, sender: MailAddress?, quoting quoted: Case?, delayed: Bool = false) async throws -> Case {
    let recipients = (message.to + message.cc).map(\.normalised)
    let kind = recipients.lazy.compactMap { kindByAddress[$0] }.first ?? .supportRequest
    var tags: [String] = []
    if message.subject.containsWord("incident") {
      tags.append("possible-incident")
    }
    if !message.notes.isEmpty { tags.append("unreadable-parts") }
    if sender == nil { tags.append("sender-unknown") }
    if let quoted {
      tags.append("quoted-other-reference")
      if Self.isRequester(sender, of: quoted) { tags.append("sender-not-verified") }
    }
    if delayed { tags.append(CaseService.receivedWhileStoppedTag) }
    let subject = message.subject.trimmed
    let input = NewCaseInput(
      kind: kind, channel: .email, subject: String((subject.isEmpty ? "(no subject)" : subject).prefix(InputRules.maxSubject)),
      description: String(text(of: message).prefix(InputRules.maxMessage)),
      requesterName: sender?.name ?? sender.map { String($0.address.prefix(while: { $0 != "@" })) } ?? "Unknown sender",
      requesterEmail: sender?.address ?? "unknown-sender@invalid", tags: tags)
    let opened = try await cases.open(input, by: .system, autoReply: !message.isAutomatic)
    if let quoted {
      try await cases.link(opened.record.id, to: quoted.reference.description, relation: .related, by: .system)
      let why =
        Self.isRequester(sender, of: quoted)
        ? "came from that case's requester's address, but our mail server did not confirm the address (SPF, DKIM or DMARC), so it may be forged. If it is genuine, copy it to that case"
        : "was not sent by that case's requester"
      try await cases.addNote(
        to: opened.record.id, body: "This message quoted \(quoted.reference) but \(why); it opened a new case.", by: .system)
    }
    if let note = readingNote(message) { try await cases.addNote(to: opened.record.id, body: note, by: .system) }
    return opened.record
  }

  /// An internal note listing what could not be read and the attachments received.
  func readingNote(_ message: MailMessage) -> String? {
    var lines = message.notes
    if !message.attachments.isEmpty {
      lines.append(
        "Attachments: "
          + message.attachments.map { "\($0.filename) (\($0.contentType), \($0.size) bytes)" }.joined(separator: "; ")
          + ". They are kept with the original message.")
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }
}
