import Foundation

/// Live chat's rules (domain §7): who may write to which chat, what is stored before anyone
/// is told, how a chat becomes a support request, and the lines the system adds. Pushing
/// lines to connected people is the server's job; everything here is storage and rules.
public struct ChatService: Sendable {
  public let store: any ChatStore
  public let cases: CaseService
  public let staff: any StaffRepository
  public let intake: any IntakeSwitch
  public let clock: any WallClock
  public let hasher: any SecretHasher

  public init(
    store: any ChatStore, cases: CaseService, staff: any StaffRepository, intake: any IntakeSwitch, clock: any WallClock,
    hasher: any SecretHasher
  ) {
    self.store = store
    self.cases = cases
    self.staff = staff
    self.intake = intake
    self.clock = clock
    self.hasher = hasher
  }

  /// Opening hours with the holidays and timetable in force.
  public var hours: ChatHours { ChatHours(calendars: cases.deadlineEngine.value.calendars) }

  public static let outOfHoursTag = "out-of-hours"
  public static let visitorFallbackName = "Chat visitor"

  // MARK: Visitor

  /// Who a visitor says they are; both optional.
  public struct VisitorProfile: Sendable, Equatable {
    public var name: String?
    public var email: String?

    public init(name: String? = nil, email: String? = nil) {
      self.name = name
      self.email = email
    }

    /// Blank fields dropped; a malformed email refused with the reason.
    func validated() throws(ChatError) -> VisitorProfile {
      let name = InputRules.cleanLine(name).map { String($0.prefix(InputRules.maxName)) }
      let email = InputRules.clean(email)
      if let email, email.unicodeScalars.count > InputRules.maxEmail || !InputRules.isPlausibleEmail(email) {
        throw .invalid("Enter an email address like name@example.com, or leave it empty.")
      }
      return VisitorProfile(name: name, email: email)
    }
  }

  /// A new chat with its first line, stored together before the visitor is told it arrived.
  /// Refused while intake is stopped (domain §8): nothing was written, so nothing is lost.
  public func start(_ profile: VisitorProfile, clientID: String?, body: String) async throws -> (
    chat: Chat, token: String, first: ChatMessage
  ) {
    let text = try ChatRules.validate(body)
    let profile = try profile.validated()
    let state = try await intake.current()
    guard state.isOpen else { throw ChatError.intakeStopped(message: state.message) }
    let now = clock.now().wholeMilliseconds
    let token = SecretGenerator.token()
    let chat = Chat(
      visitorName: profile.name, visitorEmail: profile.email, createdAt: now,
      outOfHours: !hours.availability(at: now).isOpen, lastSeq: 1)
    let first = try await store.create(
      chat, tokenHash: hasher.digest(token),
      first: NewChatLine(author: .visitor, authorName: profile.name, body: text, clientID: clientID))
    return (chat, token, first)
  }

  /// The chat a visitor's token opens; a malformed or unknown token opens none.
  public func chat(forToken token: String) async throws -> Chat {
    guard token.count >= 20, token.count <= 100, let chat = try await store.chat(tokenHash: hasher.digest(token)) else {
      throw ChatError.forbidden
    }
    return chat
  }

  /// A visitor's line, stored (once per client id) before anything else happens to it.
  public func visitorSend(_ chat: Chat, clientID: String?, body: String) async throws -> (
    message: ChatMessage, duplicate: Bool
  ) {
    let text = try ChatRules.validate(body)
    return try await store.append(
      NewChatLine(author: .visitor, authorName: chat.visitorName, body: text, clientID: clientID), to: chat.id,
      at: clock.now().wholeMilliseconds, requireOpen: true)
  }

  /// What a visitor reconnecting after `lastSeq` has missed (notes left out). A sequence
  /// number the chat never reached, or a negative one, is refused: the client then asks
  /// again from the start.
  public func history(of chat: Chat, after lastSeq: Int) async throws -> [ChatMessage] {
    let current = try await store.chat(id: chat.id) ?? chat
    guard lastSeq >= 0, lastSeq <= current.lastSeq else { throw ChatError.badSequence(latest: current.lastSeq) }
    return try await store.messages(of: chat.id, after: lastSeq, limit: 10_000).filter { $0.author.isVisibleToVisitor }
  }

  /// After a visitor's line is stored: the chat's case opened (first line) or the line added
  /// to it, and the lines the system says back (reference, signposting, when we open).
  public func afterVisitorLine(_ message: ChatMessage) async throws -> [ChatMessage] {
    guard var chat = try await store.chat(id: message.chatID) else { throw ChatError.notFound }
    var said: [ChatMessage] = []
    if chat.caseID == nil {
      said += try await openCase(&chat)
      if chat.outOfHours, let next = hours.availability(at: clock.now()).nextOpening {
        said.append(
          try await system(
            chat,
            "Live chat is closed at the moment. \(ChatHours.openingWords(next, now: clock.now())) Your message is saved and we will answer it then."
          ))
      }
      return said
    }
    guard let caseID = chat.caseID else { return said }
    let (_, added) = try await cases.recordChatLine(to: caseID, kind: .inbound, body: message.body, by: .requester)
    for signposting in added.dropFirst() where signposting.author == .system {
      said.append(try await system(chat, signposting.body, mirror: false))
    }
    return said
  }

  /// Opens the support request holding the transcript so far, and says its acknowledgement
  /// in the chat. Also repairs a chat whose case could not be opened before.
  func openCase(_ chat: inout Chat) async throws -> [ChatMessage] {
    let lines = try await store.messages(of: chat.id, after: 0, limit: 10_000).filter { $0.author == .visitor }
    let description = lines.map(\.body).joined(separator: "\n\n")
    let subject = "Live chat: " + (lines.first?.body ?? "").split(whereSeparator: \.isNewline).joined(separator: " ")
    let opened = try await cases.open(
      NewCaseInput(
        channel: .chat, subject: String(subject.prefix(80)),
        description: String(description.prefix(InputRules.maxDescription)),
        requesterName: chat.visitorName ?? Self.visitorFallbackName,
        requesterEmail: chat.visitorEmail ?? "chat-\(chat.id.uuidString.prefix(8).lowercased())@chat.invalid",
        receivedAt: chat.createdAt, tags: chat.outOfHours ? [Self.outOfHoursTag] : []),
      by: .requester, autoReply: false)
    try await store.setCase(chat.id, caseID: opened.record.id, reference: opened.record.reference.description)
    chat.caseID = opened.record.id
    chat.reference = opened.record.reference.description
    // An agent may have accepted the chat while its case was being opened.
    if let agentID = try await store.chat(id: chat.id)?.agentID {
      try await cases.update(opened.record.id, with: CaseUpdate(status: .open, assignee: .some(agentID)), by: .staff(agentID))
    }
    let acknowledgement = try await cases.cases.messages(of: opened.record.id).first { $0.kind == .outbound }
    guard let acknowledgement else { return [] }
    return [try await system(chat, acknowledgement.body, mirror: false)]
  }

  // MARK: Staff

  /// An agent takes a waiting chat: it is theirs, and so is its case.
  public func accept(_ chatID: ChatID, by user: StaffUser) async throws -> (Chat, [ChatMessage]) {
    guard var chat = try await store.chat(id: chatID) else { throw ChatError.notFound }
    guard chat.state == .waiting else {
      throw ChatError.conflict(
        chat.state == .ended ? "This chat has ended." : "\(chat.agentName ?? "Another agent") has already accepted this chat.")
    }
    chat.state = .active
    chat.agentID = user.id
    chat.agentName = user.name
    chat.acceptedAt = clock.now().wholeMilliseconds
    try await store.update(chat, expected: .waiting)
    if let caseID = chat.caseID {
      let current = try await cases.cases.find(id: caseID)
      try await cases.update(
        caseID, with: CaseUpdate(status: current?.status == .new ? .open : nil, assignee: .some(user.id)),
        by: .staff(user.id))
    }
    return (chat, [try await system(chat, "\(user.name) from the support team has joined the chat.")])
  }

  /// An agent's reply (seen by the visitor) or note (staff only), stored. `afterAgentLine`
  /// adds it to the case; the server runs that after delivering the line, so an agent's next
  /// line never waits for the case's bookkeeping.
  public func agentSend(_ chatID: ChatID, by user: StaffUser, clientID: String?, body: String, note: Bool) async throws -> (
    message: ChatMessage, duplicate: Bool
  ) {
    let text = try ChatRules.validate(body)
    return try await store.append(
      NewChatLine(author: note ? .note : .agent, staffID: user.id, authorName: user.name, body: text, clientID: clientID),
      to: chatID, at: clock.now().wholeMilliseconds, requireOpen: !note)
  }

  /// An agent's stored line added to the chat's case: a reply as outbound (never emailed), a
  /// note as a note.
  public func afterAgentLine(_ message: ChatMessage) async throws {
    guard let staffID = message.staffID, let caseID = try await store.chat(id: message.chatID)?.caseID else { return }
    try await cases.recordChatLine(
      to: caseID, kind: message.author == .note ? .note : .outbound, body: message.body, by: .staff(staffID))
  }

  /// Hands an active chat (and its case) to a colleague.
  public func transfer(_ chatID: ChatID, to colleagueID: StaffID, by user: StaffUser) async throws -> (Chat, [ChatMessage]) {
    guard var chat = try await store.chat(id: chatID) else { throw ChatError.notFound }
    guard chat.state == .active else { throw ChatError.conflict("Only a chat someone has accepted can be transferred.") }
    guard let colleague = try await staff.find(id: colleagueID), colleague.active else {
      throw ChatError.invalid("Choose a colleague with an active account.")
    }
    guard colleague.id != chat.agentID else { throw ChatError.invalid("This chat is already with \(colleague.name).") }
    chat.agentID = colleague.id
    chat.agentName = colleague.name
    try await store.update(chat, expected: .active)
    if let caseID = chat.caseID {
      try await cases.update(caseID, with: CaseUpdate(assignee: .some(colleague.id)), by: .staff(user.id))
    }
    return (chat, [try await system(chat, "You are now talking to \(colleague.name).")])
  }

  /// Ends a chat, by an agent or the visitor. Its case stays as it is for staff to finish.
  public func end(_ chatID: ChatID, by actor: Actor) async throws -> (Chat, [ChatMessage]) {
    guard var chat = try await store.chat(id: chatID) else { throw ChatError.notFound }
    guard chat.state != .ended else { return (chat, []) }
    let expected = chat.state
    chat.state = .ended
    chat.endedAt = clock.now().wholeMilliseconds
    try await store.update(chat, expected: expected)
    let who = actor == .requester ? "You ended the chat." : "The support team ended the chat."
    return (
      chat,
      [
        try await system(
          chat, "\(who) You can ask for the transcript by email. If you need more help, start a new chat.")
      ]
    )
  }

  /// Sends the chat's case to incident triage (domain §6): tagged `possible-incident`.
  public func markAsIncidentReport(_ chatID: ChatID, by user: StaffUser) async throws -> ChatMessage {
    guard let chat = try await store.chat(id: chatID), let caseID = chat.caseID,
      let record = try await cases.cases.find(id: caseID)
    else { throw ChatError.notFound }
    if !record.tags.contains(CaseService.possibleIncidentTag) {
      try await cases.update(
        caseID, with: CaseUpdate(tags: record.tags + [CaseService.possibleIncidentTag]), by: .staff(user.id))
    }
    return try await store.append(
      NewChatLine(
        author: .note, staffID: user.id, authorName: user.name,
        body: "\(user.name) marked this chat as a possible incident; it is in the triage queue."),
      to: chatID, at: clock.now().wholeMilliseconds, requireOpen: false
    ).message
  }

  /// Emails the transcript (what the visitor saw) to the visitor. Returns the address used.
  /// It goes only to the address this chat was given (at its start, or with the first
  /// transcript asked for), within `TranscriptLimits`, so a chat cannot send mail to others.
  public func emailTranscript(_ chatID: ChatID, to address: String?) async throws -> String {
    guard let chat = try await store.chat(id: chatID), let caseID = chat.caseID else { throw ChatError.notFound }
    let earlier = try await store.transcriptAddresses(of: chatID)
    let chatAddress = chat.visitorEmail ?? earlier.first
    let profile = try VisitorProfile(name: chat.visitorName, email: address ?? chatAddress).validated()
    guard let email = profile.email else { throw ChatError.invalid("Enter the email address to send the transcript to.") }
    if let chatAddress, chatAddress.lowercased() != email.lowercased() {
      throw ChatError.invalid(
        "The transcript can only go to the address given in this chat (\(TranscriptLimits.hint(chatAddress))).")
    }
    let now = clock.now().wholeMilliseconds
    if earlier.count >= TranscriptLimits.perChat {
      throw ChatError.invalid(
        "The transcript of this chat has been sent \(TranscriptLimits.perChat) times, which is the most we send.")
    }
    if try await store.transcriptCount(to: email.lowercased(), since: now.addingTimeInterval(-86_400))
      >= TranscriptLimits.perAddressPerDay
    {
      throw ChatError.invalid("We have sent as many transcripts to this address as we can today. Please ask again tomorrow.")
    }
    let lines = try await store.messages(of: chatID, after: 0, limit: 10_000).filter { $0.author.isVisibleToVisitor }
    try await store.recordTranscript(of: chatID, to: email.lowercased(), at: now)
    try await cases.emailChatTranscript(
      caseID, to: email, name: chat.visitorName ?? Self.visitorFallbackName, body: ChatTranscript.text(lines), by: .requester)
    return email
  }

  public func setPresence(_ status: PresenceStatus, for user: StaffUser) async throws {
    try await store.setPresence(
      AgentPresence(staffID: user.id, name: user.name, status: status, updatedAt: clock.now().wholeMilliseconds))
  }

  /// A line the system says, stored like any other and, unless it is already in the case
  /// (signposting, the acknowledgement), added to the case as a note.
  func system(_ chat: Chat, _ text: String, mirror: Bool = true) async throws -> ChatMessage {
    let stored = try await store.append(
      NewChatLine(author: .system, body: text), to: chat.id, at: clock.now().wholeMilliseconds, requireOpen: false)
    if mirror, let caseID = chat.caseID {
      try await cases.recordChatLine(to: caseID, kind: .note, body: "Chat: \(text)", by: .system)
    }
    return stored.message
  }
}

/// A chat as plain text, for the visitor's email.
public enum ChatTranscript {
  public static func text(_ lines: [ChatMessage]) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_GB")
    formatter.timeZone = LondonTime.timeZone
    formatter.dateFormat = "d MMM yyyy HH:mm"
    return lines.map { line in
      let who: String
      switch line.author {
      case .visitor: who = line.authorName ?? "You"
      case .agent: who = line.authorName ?? "Support team"
      case .system: who = "Support team"
      case .note: who = "Note"
      }
      return "[\(formatter.string(from: line.createdAt))] \(who):\n\(line.body)"
    }.joined(separator: "\n\n")
  }
}

/// How many transcripts a chat may send, and an address receive.
public enum TranscriptLimits {
  public static let perChat = 3
  public static let perAddressPerDay = 10

  /// "a…@example.com": enough for the visitor to recognise the address, no more.
  public static func hint(_ address: String) -> String {
    guard let at = address.firstIndex(of: "@"), at > address.startIndex else { return "the address you gave" }
    return "\(address[address.startIndex])…\(address[at...])"
  }
}
