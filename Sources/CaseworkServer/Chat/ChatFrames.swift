import CaseworkCore
import Foundation
import Vapor

/// What the server sends. Fields left nil are not written.
struct ServerFrame: Encodable, Sendable {
  struct Line: Encodable, Sendable {
    var seq: Int
    var author: String
    var name: String?
    var body: String
    var at: Date
    var clientId: String?
    /// An emergency line (see `ChatService.isEmergency`); absent otherwise.
    var emergency: Bool?
  }

  struct Hours: Encodable, Sendable {
    var open: Bool
    var words: String
    var nextOpening: Date?
  }

  struct Intake: Encodable, Sendable {
    var open: Bool
    var message: String?
  }

  struct QueueEntry: Encodable, Sendable {
    var chatId: UUID
    var caseId: UUID?
    var reference: String?
    var state: String
    var visitorName: String
    var waitingSince: Date
    var outOfHours: Bool
    var agentId: UUID?
    var agentName: String?
    var lastSeq: Int
    /// Screening found an emergency in the visitor's words: first in the queue, marked.
    var emergency: Bool?
  }

  struct Agent: Encodable, Sendable {
    var id: UUID
    var name: String
    var status: String?
  }

  var type: String
  var chatId: UUID?
  var token: String?
  var reference: String?
  var caseId: UUID?
  var state: String?
  var lastSeq: Int?
  var line: Line?
  var clientId: String?
  var seq: Int?
  var from: String?
  var active: Bool?
  var hours: Hours?
  var intake: Intake?
  var code: String?
  var message: String?
  var retryAfter: Int?
  var queue: [QueueEntry]?
  var agents: [Agent]?
  var colleagues: [Agent]?
  var me: Agent?
  var email: String?
  var reset: Bool?

  init(type: String) {
    self.type = type
  }

  static func line(_ message: ChatMessage, emergency: Bool) -> ServerFrame {
    var frame = ServerFrame(type: "message")
    frame.chatId = message.chatID
    frame.line = Line(
      seq: message.seq, author: message.author.rawValue, name: message.authorName, body: message.body, at: message.createdAt,
      clientId: message.clientID, emergency: emergency ? true : nil)
    return frame
  }

  static func error(_ error: ChatError) -> ServerFrame {
    var frame = ServerFrame(type: "error")
    frame.code = error.code
    frame.message = error.message
    if case .tooFast(let seconds) = error { frame.retryAfter = seconds }
    return frame
  }

  static func received(_ message: ChatMessage) -> ServerFrame {
    var frame = ServerFrame(type: "received")
    frame.chatId = message.chatID
    frame.clientId = message.clientID
    frame.seq = message.seq
    return frame
  }

  static func entry(_ chat: Chat, emergency: Bool = false) -> QueueEntry {
    QueueEntry(
      chatId: chat.id, caseId: chat.caseID, reference: chat.reference, state: chat.state.rawValue,
      visitorName: chat.visitorName ?? ChatService.visitorFallbackName, waitingSince: chat.waitingSince,
      outOfHours: chat.outOfHours, agentId: chat.agentID, agentName: chat.agentName, lastSeq: chat.lastSeq,
      emergency: emergency ? true : nil)
  }

  var text: String {
    // Encoding these plain values cannot fail; an empty object would only confuse a client.
    (try? String(decoding: JSONWriterEncoding.bytes(of: self), as: UTF8.self)) ?? "{}"
  }
}

extension Error {
  /// Any failure as something a chat client can show: Core's chat errors as they are, field
  /// errors with their message, anything else as a retryable failure.
  var asChatError: ChatError {
    if let chat = self as? ChatError { return chat }
    if let casework = self as? CaseworkError {
      switch casework {
      case .invalid(let errors): return .invalid(errors.first?.message ?? "Check what you entered.")
      case .conflict(let text): return .conflict(text)
      case .caseNotFound: return .notFound
      case .forbidden(let text): return .invalid(text)
      default: return .conflict("That could not be done. Try again.")
      }
    }
    return .conflict("Something went wrong on our side. Try again in a moment.")
  }
}

/// A socket's text frames in arrival order, for one task to handle one at a time. A client
/// that floods faster than frames are handled loses the oldest beyond 256 and is told why by
/// the flood guard long before that.
enum ChatFrameStream {
  static func open(_ socket: WebSocket) -> AsyncStream<String> {
    let (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(256))
    socket.onText { _, text in continuation.yield(text) }
    socket.onClose.whenComplete { _ in continuation.finish() }
    return frames
  }

  /// Hands each frame to `handle`, one at a time, until the socket closes or the server stops.
  /// A frame that is not JSON is answered with an error and skipped.
  static func each(
    _ frames: AsyncStream<String>, hub: ChatHub, socket: WebSocket, _ handle: (ClientFrame) async -> Void
  ) async {
    for await text in frames {
      guard !(await hub.isStopped) else { break }
      guard let frame = ClientFrame.decode(text) else {
        socket.send(ServerFrame.error(.invalid("That message could not be read.")).text, promise: nil)
        continue
      }
      await handle(frame)
    }
  }
}
