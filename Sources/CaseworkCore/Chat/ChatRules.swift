import Foundation

/// What a chat line may be, and how fast a visitor may send them.
public enum ChatRules {
  /// Characters in one line: a chat is a conversation, not a letter.
  public static let maxMessage = 2_000
  /// Lines one visitor may send in a burst, and how fast the allowance comes back.
  public static let burst = 8
  public static let refillSeconds = 1.0

  /// The cleaned text, or why it cannot be sent.
  public static func validate(_ body: String) throws(ChatError) -> String {
    guard let text = InputRules.clean(body) else { throw .empty }
    guard text.count <= maxMessage else { throw .tooLong(limit: maxMessage) }
    return text
  }
}

/// Why a chat request was refused: a code for the client and words for the person.
public enum ChatError: Error, Sendable, Equatable {
  case empty
  case tooLong(limit: Int)
  case tooFast(retryAfter: Int)
  /// The token does not open this chat (or any).
  case forbidden
  /// A resume from a sequence number the chat has not reached.
  case badSequence(latest: Int)
  case intakeStopped(message: String)
  case ended
  case notFound
  case invalid(String)
  case conflict(String)

  public var code: String {
    switch self {
    case .empty: "empty"
    case .tooLong: "too_long"
    case .tooFast: "too_fast"
    case .forbidden: "forbidden"
    case .badSequence: "bad_sequence"
    case .intakeStopped: "intake_stopped"
    case .ended: "ended"
    case .notFound: "not_found"
    case .invalid: "invalid"
    case .conflict: "conflict"
    }
  }

  public var message: String {
    switch self {
    case .empty: "Write a message before sending."
    case .tooLong(let limit): "A message can be up to \(limit) characters. Split it into shorter messages."
    case .tooFast(let seconds):
      "You are sending messages too quickly. Please slow down and try again in \(seconds) second\(seconds == 1 ? "" : "s")."
    case .forbidden: "This chat could not be opened. Start a new chat."
    case .badSequence(let latest): "The chat has \(latest) messages; showing the whole conversation again."
    case .intakeStopped(let message): message
    case .ended: "This chat has ended. Start a new chat if you need more help."
    case .notFound: "There is no such chat."
    case .invalid(let text), .conflict(let text): text
    }
  }
}

/// A token bucket per sender: `burst` lines at once, then one per `refillSeconds`.
public struct FloodGuard: Sendable, Equatable {
  public var capacity: Double
  public var refillSeconds: Double
  private var tokens: Double
  private var updatedAt: Date?

  public init(capacity: Int = ChatRules.burst, refillSeconds: Double = ChatRules.refillSeconds) {
    self.capacity = Double(capacity)
    self.refillSeconds = refillSeconds
    tokens = Double(capacity)
  }

  /// Takes one line's allowance, or says how many seconds until one is free.
  public mutating func take(at now: Date) throws(ChatError) {
    if let updatedAt {
      tokens = min(capacity, tokens + max(0, now.timeIntervalSince(updatedAt)) / refillSeconds)
    }
    updatedAt = now
    guard tokens >= 1 else {
      throw .tooFast(retryAfter: max(1, Int(((1 - tokens) * refillSeconds).rounded(.up))))
    }
    tokens -= 1
  }
}

extension ChatService {
  /// Whether a chat line is about an emergency: a visitor's words that screening finds to be
  /// one, or the 999 signposting said back. The agent's console marks such lines (colour and
  /// words), and the visitor's page sets the 999 line apart from ordinary system lines.
  public func isEmergency(_ line: ChatMessage) -> Bool {
    switch line.author {
    case .visitor: cases.screener.screen(line.body).isEmergency
    case .system: line.body.contains(cases.safetyNet.emergencySignposting)
    case .agent, .note: false
    }
  }

  /// The open chats for the console's queue, emergencies first, then as they waited.
  public func queue() async throws -> [(chat: Chat, emergency: Bool)] {
    var entries: [(chat: Chat, emergency: Bool)] = []
    for chat in try await store.openChats() {
      var emergency = false
      if let caseID = chat.caseID { emergency = try await cases.cases.find(id: caseID)?.emergencyFlag ?? false }
      entries.append((chat, emergency))
    }
    // A stable sort: emergencies first, each group in the store's order (longest waiting first).
    return entries.enumerated().sorted { a, b in
      a.element.emergency != b.element.emergency ? a.element.emergency : a.offset < b.offset
    }.map(\.element)
  }
}
