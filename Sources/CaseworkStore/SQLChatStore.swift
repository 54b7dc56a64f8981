import CaseworkCore
import Foundation
import SQLKit

/// Chats in `chats`, their lines in `chat_messages` (numbered per chat in the same
/// transaction that stores them), presence in `chat_presence`.
public struct SQLChatStore: ChatStore {
  let handle: DatabaseHandle

  public init(handle: DatabaseHandle) {
    self.handle = handle
  }

  static let chatColumns = """
    id, case_id, reference, state, visitor_name, visitor_email, agent_id, agent_name, created_at, waiting_since, \
    accepted_at, ended_at, out_of_hours, last_seq
    """
  static let messageColumns = "chat_id, seq, author, staff_id, author_name, body, client_id, created_at"

  public func create(_ chat: Chat, tokenHash: String, first: NewChatLine) async throws -> ChatMessage {
    let d = BindDialect(postgres: handle.isPostgres)
    let message = ChatMessage(
      chatID: chat.id, seq: 1, author: first.author, staffID: first.staffID, authorName: first.authorName, body: first.body,
      clientID: first.clientID, createdAt: chat.createdAt)
    try await handle.transaction { db in
      try await db.raw(
        """
        INSERT INTO chats (id, token_hash, case_id, reference, state, visitor_name, visitor_email, agent_id, agent_name,
          created_at, waiting_since, accepted_at, ended_at, out_of_hours, last_seq)
        VALUES (\(d.uuid(chat.id)), \(bind: tokenHash), \(d.uuid(chat.caseID)), \(d.text(chat.reference)),
          \(bind: chat.state.rawValue), \(d.text(chat.visitorName)), \(d.text(chat.visitorEmail)), \(d.uuid(chat.agentID)),
          \(d.text(chat.agentName)), \(bind: chat.createdAt), \(bind: chat.waitingSince), \(Self.time(chat.acceptedAt)),
          \(Self.time(chat.endedAt)), \(bind: chat.outOfHours), 1)
        """
      ).run()
      try await Self.insert(message, on: db, d)
    }
    return message
  }

  public func chat(id: ChatID) async throws -> Chat? {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw("SELECT \(unsafeRaw: Self.chatColumns) FROM chats WHERE id = \(d.uuid(id))").first().map(
      Self.chat)
  }

  public func chat(tokenHash: String) async throws -> Chat? {
    try await handle.sql.raw("SELECT \(unsafeRaw: Self.chatColumns) FROM chats WHERE token_hash = \(bind: tokenHash)").first()
      .map(Self.chat)
  }

  public func chat(caseID: CaseID) async throws -> Chat? {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw("SELECT \(unsafeRaw: Self.chatColumns) FROM chats WHERE case_id = \(d.uuid(caseID))")
      .first().map(Self.chat)
  }

  public func append(_ line: NewChatLine, to chatID: ChatID, at: Date, requireOpen: Bool) async throws -> (
    message: ChatMessage, duplicate: Bool
  ) {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.transaction { db in
      // The write comes first: it takes SQLite's lock, and on PostgreSQL it locks the chat's
      // row, so lines of one chat are numbered one at a time.
      guard
        let row = try await db.raw(
          """
          UPDATE chats SET last_seq = last_seq + 1
          WHERE id = \(d.uuid(chatID))\(unsafeRaw: requireOpen ? " AND state <> 'ended'" : "") RETURNING last_seq
          """
        ).first()
      else {
        let exists = try await db.raw("SELECT id FROM chats WHERE id = \(d.uuid(chatID))").first() != nil
        throw exists ? ChatError.ended : ChatError.notFound
      }
      let seq = try row.decode(column: "last_seq", as: Int.self)
      if let clientID = line.clientID,
        let existing = try await db.raw(
          """
          SELECT \(unsafeRaw: Self.messageColumns) FROM chat_messages
          WHERE chat_id = \(d.uuid(chatID)) AND client_id = \(bind: clientID)
          """
        ).first()
      {
        try await db.raw("UPDATE chats SET last_seq = last_seq - 1 WHERE id = \(d.uuid(chatID))").run()
        return (try Self.message(existing), true)
      }
      let message = ChatMessage(
        chatID: chatID, seq: seq, author: line.author, staffID: line.staffID, authorName: line.authorName, body: line.body,
        clientID: line.clientID, createdAt: at)
      try await Self.insert(message, on: db, d)
      return (message, false)
    }
  }

  public func messages(of chatID: ChatID, after seq: Int, limit: Int) async throws -> [ChatMessage] {
    let d = BindDialect(postgres: handle.isPostgres)
    // The limit is a number, not a bind: SQLite compiles a statement again on its first step
    // when a bound LIMIT's value is set.
    return try await handle.sql.raw(
      """
      SELECT \(unsafeRaw: Self.messageColumns) FROM chat_messages
      WHERE chat_id = \(d.uuid(chatID)) AND seq > \(bind: seq) ORDER BY seq LIMIT \(unsafeRaw: String(max(0, limit)))
      """
    ).all().map(Self.message)
  }

  public func setCase(_ chatID: ChatID, caseID: CaseID, reference: String) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.sql.raw(
      "UPDATE chats SET case_id = \(d.uuid(caseID)), reference = \(bind: reference) WHERE id = \(d.uuid(chatID))"
    ).run()
  }

  public func update(_ chat: Chat, expected: ChatState) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    let updated = try await handle.sql.raw(
      """
      UPDATE chats SET state = \(bind: chat.state.rawValue), agent_id = \(d.uuid(chat.agentID)),
        agent_name = \(d.text(chat.agentName)), waiting_since = \(bind: chat.waitingSince),
        accepted_at = \(Self.time(chat.acceptedAt)), ended_at = \(Self.time(chat.endedAt))
      WHERE id = \(d.uuid(chat.id)) AND state = \(bind: expected.rawValue) RETURNING id
      """
    ).first()
    guard updated != nil else { throw ChatError.conflict("Someone else changed this chat first; it has been refreshed.") }
  }

  public func openChats() async throws -> [Chat] {
    try await handle.sql.raw(
      """
      SELECT \(unsafeRaw: Self.chatColumns) FROM chats WHERE state <> 'ended'
      ORDER BY out_of_hours DESC, waiting_since, id LIMIT 500
      """
    ).all().map(Self.chat)
  }

  public func setPresence(_ presence: AgentPresence) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.sql.raw(
      """
      INSERT INTO chat_presence (staff_id, name, status, updated_at)
      VALUES (\(d.uuid(presence.staffID)), \(bind: presence.name), \(bind: presence.status.rawValue), \(bind: presence.updatedAt))
      ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, status = excluded.status, updated_at = excluded.updated_at
      """
    ).run()
  }

  public func clearPresence(_ staffID: StaffID) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.sql.raw("DELETE FROM chat_presence WHERE staff_id = \(d.uuid(staffID))").run()
  }

  public func transcriptAddresses(of chatID: ChatID) async throws -> [String] {
    let d = BindDialect(postgres: handle.isPostgres)
    return try await handle.sql.raw(
      "SELECT address FROM chat_transcripts WHERE chat_id = \(d.uuid(chatID)) ORDER BY sent_at"
    ).all().map { try $0.decode(column: "address", as: String.self) }
  }

  public func transcriptCount(to address: String, since: Date) async throws -> Int {
    try await handle.sql.raw(
      "SELECT COUNT(*) AS n FROM chat_transcripts WHERE address = \(bind: address) AND sent_at >= \(bind: since)"
    ).first()?.decode(column: "n", as: Int.self) ?? 0
  }

  public func recordTranscript(of chatID: ChatID, to address: String, at: Date) async throws {
    let d = BindDialect(postgres: handle.isPostgres)
    try await handle.sql.raw(
      "INSERT INTO chat_transcripts (chat_id, address, sent_at) VALUES (\(d.uuid(chatID)), \(bind: address), \(bind: at))"
    ).run()
  }

  public func presence() async throws -> [AgentPresence] {
    try await handle.sql.raw("SELECT staff_id, name, status, updated_at FROM chat_presence ORDER BY name").all().map { row in
      AgentPresence(
        staffID: try row.decode(column: "staff_id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
        status: PresenceStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .away,
        updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
  }

  static func time(_ value: Date?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }

  static func insert(_ message: ChatMessage, on db: any SQLDatabase, _ d: BindDialect) async throws {
    try await db.raw(
      """
      INSERT INTO chat_messages (\(unsafeRaw: messageColumns))
      VALUES (\(d.uuid(message.chatID)), \(bind: message.seq), \(bind: message.author.rawValue), \(d.uuid(message.staffID)),
        \(d.text(message.authorName)), \(bind: message.body), \(d.text(message.clientID)), \(bind: message.createdAt))
      """
    ).run()
  }

  static func chat(_ row: any SQLRow) throws -> Chat {
    let id = try row.decode(column: "id", as: UUID.self)
    guard let state = ChatState(rawValue: try row.decode(column: "state", as: String.self)) else {
      throw StoreError.corruptRow(table: "chats", id: id)
    }
    return Chat(
      id: id, caseID: try row.decode(column: "case_id", as: UUID?.self),
      reference: try row.decode(column: "reference", as: String?.self), state: state,
      visitorName: try row.decode(column: "visitor_name", as: String?.self),
      visitorEmail: try row.decode(column: "visitor_email", as: String?.self),
      agentID: try row.decode(column: "agent_id", as: UUID?.self),
      agentName: try row.decode(column: "agent_name", as: String?.self),
      createdAt: try row.decode(column: "created_at", as: Date.self),
      waitingSince: try row.decode(column: "waiting_since", as: Date.self),
      acceptedAt: try row.decode(column: "accepted_at", as: Date?.self),
      endedAt: try row.decode(column: "ended_at", as: Date?.self),
      outOfHours: try row.decode(column: "out_of_hours", as: Bool.self), lastSeq: try row.decode(column: "last_seq", as: Int.self)
    )
  }

  static func message(_ row: any SQLRow) throws -> ChatMessage {
    let chatID = try row.decode(column: "chat_id", as: UUID.self)
    guard let author = ChatAuthor(rawValue: try row.decode(column: "author", as: String.self)) else {
      throw StoreError.corruptRow(table: "chat_messages", id: chatID)
    }
    return ChatMessage(
      chatID: chatID, seq: try row.decode(column: "seq", as: Int.self), author: author,
      staffID: try row.decode(column: "staff_id", as: UUID?.self),
      authorName: try row.decode(column: "author_name", as: String?.self), body: try row.decode(column: "body", as: String.self),
      clientID: try row.decode(column: "client_id", as: String?.self),
      createdAt: try row.decode(column: "created_at", as: Date.self))
  }
}
