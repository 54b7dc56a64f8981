import Foundation

public typealias ChatID = UUID

/// Where a chat is: waiting for an agent, being answered, or over (domain §7).
public enum ChatState: String, Sendable, Codable, CaseIterable {
  case waiting, active, ended
}

/// Who wrote a line of a chat. Notes are for staff only.
public enum ChatAuthor: String, Sendable, Codable, CaseIterable {
  case visitor, agent, note, system

  public var isVisibleToVisitor: Bool { self != .note }
}

/// One line of a chat. `seq` numbers a chat's lines from 1 with no gaps: what a client
/// acknowledges and resumes from. `clientID` is the sender's own id for the line, so a line
/// sent again after a dropped connection is stored once.
public struct ChatMessage: Sendable, Equatable, Codable {
  public var chatID: ChatID
  public var seq: Int
  public var author: ChatAuthor
  public var staffID: StaffID?
  /// The name shown beside the line (the agent's, or the visitor's if given).
  public var authorName: String?
  public var body: String
  public var clientID: String?
  public var createdAt: Date

  public init(
    chatID: ChatID, seq: Int, author: ChatAuthor, staffID: StaffID? = nil, authorName: String? = nil, body: String,
    clientID: String? = nil, createdAt: Date
  ) {
    self.chatID = chatID
    self.seq = seq
    self.author = author
    self.staffID = staffID
    self.authorName = authorName
    self.body = body
    self.clientID = clientID
    self.createdAt = createdAt
  }
}

/// A line about to be stored: the store gives it its sequence number.
public struct NewChatLine: Sendable, Equatable {
  public var author: ChatAuthor
  public var staffID: StaffID?
  public var authorName: String?
  public var body: String
  public var clientID: String?

  public init(author: ChatAuthor, staffID: StaffID? = nil, authorName: String? = nil, body: String, clientID: String? = nil) {
    self.author = author
    self.staffID = staffID
    self.authorName = authorName
    self.body = body
    self.clientID = clientID
  }
}

/// One conversation. It becomes a support request with its first message; `caseID` is set
/// once that case is open.
public struct Chat: Sendable, Equatable, Identifiable {
  public var id: ChatID
  public var caseID: CaseID?
  public var reference: String?
  public var state: ChatState
  public var visitorName: String?
  public var visitorEmail: String?
  public var agentID: StaffID?
  public var agentName: String?
  public var createdAt: Date
  /// When the visitor started waiting for an agent: what the queue is ordered by.
  public var waitingSince: Date
  public var acceptedAt: Date?
  public var endedAt: Date?
  /// Started while chat was closed: answered first when it opens.
  public var outOfHours: Bool
  public var lastSeq: Int

  public init(
    id: ChatID = .timeOrdered(), caseID: CaseID? = nil, reference: String? = nil, state: ChatState = .waiting,
    visitorName: String? = nil, visitorEmail: String? = nil, agentID: StaffID? = nil, agentName: String? = nil,
    createdAt: Date, waitingSince: Date? = nil, acceptedAt: Date? = nil, endedAt: Date? = nil, outOfHours: Bool = false,
    lastSeq: Int = 0
  ) {
    self.id = id
    self.caseID = caseID
    self.reference = reference
    self.state = state
    self.visitorName = visitorName
    self.visitorEmail = visitorEmail
    self.agentID = agentID
    self.agentName = agentName
    self.createdAt = createdAt
    self.waitingSince = waitingSince ?? createdAt
    self.acceptedAt = acceptedAt
    self.endedAt = endedAt
    self.outOfHours = outOfHours
    self.lastSeq = lastSeq
  }
}

/// Whether an agent takes new chats.
public enum PresenceStatus: String, Sendable, Codable, CaseIterable {
  case available, away
}

public struct AgentPresence: Sendable, Equatable, Codable {
  public var staffID: StaffID
  public var name: String
  public var status: PresenceStatus
  public var updatedAt: Date

  public init(staffID: StaffID, name: String, status: PresenceStatus, updatedAt: Date) {
    self.staffID = staffID
    self.name = name
    self.status = status
    self.updatedAt = updatedAt
  }
}

/// Where chats and their lines are kept, shared by every process.
public protocol ChatStore: Sendable {
  /// Stores a new chat and its first line together; the line gets `seq` 1.
  func create(_ chat: Chat, tokenHash: String, first: NewChatLine) async throws -> ChatMessage
  func chat(id: ChatID) async throws -> Chat?
  func chat(tokenHash: String) async throws -> Chat?
  /// The chat a case was opened from, if any.
  func chat(caseID: CaseID) async throws -> Chat?
  /// Gives the line the chat's next sequence number and stores it, in one transaction. A line
  /// whose `clientID` the chat already has is not stored again: the stored one comes back
  /// with `duplicate` true. With `requireOpen`, a line for an ended chat is refused
  /// (`ChatError.ended`) in the same transaction.
  func append(_ line: NewChatLine, to chatID: ChatID, at: Date, requireOpen: Bool) async throws -> (
    message: ChatMessage, duplicate: Bool
  )
  /// Lines after `seq`, oldest first.
  func messages(of chatID: ChatID, after seq: Int, limit: Int) async throws -> [ChatMessage]
  func setCase(_ chatID: ChatID, caseID: CaseID, reference: String) async throws
  /// Writes state, agent and times. Fails with a conflict when the chat's state is no longer
  /// `expected`, so two agents cannot both accept it.
  func update(_ chat: Chat, expected: ChatState) async throws
  /// Chats not ended, oldest waiting first.
  func openChats() async throws -> [Chat]
  func setPresence(_ presence: AgentPresence) async throws
  func clearPresence(_ staffID: StaffID) async throws
  /// Transcripts emailed, for `TranscriptLimits`: the addresses one chat's went to, how many
  /// went to an address since a time, and a new one.
  func transcriptAddresses(of chatID: ChatID) async throws -> [String]
  func transcriptCount(to address: String, since: Date) async throws -> Int
  func recordTranscript(of chatID: ChatID, to address: String, at: Date) async throws
  func presence() async throws -> [AgentPresence]
}
