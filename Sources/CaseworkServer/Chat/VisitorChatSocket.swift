import CaseworkCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// One visitor's WebSocket (`/chat/socket`). Frames are handled one at a time, in order.
/// A line is stored before the visitor is told `received`; a reconnect sends `hello` with
/// the chat's token and the last sequence number it has, and gets what it missed.
final class VisitorChatSocket: Sendable {
  let id = UUID()
  let socket: WebSocket
  let services: CaseworkServices
  let hub: ChatHub
  let address: String
  private let state = NIOLockedValueBox<Chat?>(nil)

  init(socket: WebSocket, services: CaseworkServices, address: String) {
    self.socket = socket
    self.services = services
    self.hub = services.chatHub
    self.address = address
  }

  var chat: Chat? { state.withLockedValue { $0 } }

  /// Called on the socket's event loop, so the handlers are in place before the first frame.
  static func attach(_ request: Request, _ socket: WebSocket) {
    let connection = VisitorChatSocket(socket: socket, services: request.casework, address: request.clientAddress)
    let frames = ChatFrameStream.open(socket)
    Task { await connection.run(frames) }
  }

  func run(_ frames: AsyncStream<String>) async {
    await hub.connectionStarted(id, socket: socket)
    await ChatFrameStream.each(frames, hub: hub, socket: socket, handle)
    if let chat { await hub.removeVisitor(id, chat: chat.id) }
    await hub.connectionFinished(id)
  }

  func send(_ frame: ServerFrame) {
    socket.send(frame.text, promise: nil)
  }

  func handle(_ frame: ClientFrame) async {
    do {
      switch frame.type {
      case "hello": try await hello(frame)
      case "send": try await sendLine(frame)
      case "typing":
        if let chat { await hub.publishTyping(chat.id, from: .visitor, name: chat.visitorName, active: frame.active ?? false) }
      case "ack":
        if let chat, let seq = frame.seq, seq > 0, seq <= (try await services.chat.store.chat(id: chat.id)?.lastSeq ?? 0) {
          await hub.publishSeen(chat.id, seq: seq)
        }
      case "end":
        guard let chat else { throw ChatError.notFound }
        let (ended, lines) = try await services.chat.end(chat.id, by: .requester)
        state.withLockedValue { $0 = ended }
        for line in lines { await hub.publish(line) }
        await hub.publishChanged(chat.id)
      case "transcript":
        guard let chat else { throw ChatError.notFound }
        // Also per client address, so many chats cannot make a mail relay of us.
        if services.transcriptLimiter.attempt(address, now: services.clock.now()) != nil {
          throw ChatError.invalid(
            "We have sent as many transcripts as we can to this connection today. Please ask again tomorrow.")
        }
        let email = try await services.chat.emailTranscript(chat.id, to: frame.email)
        var reply = ServerFrame(type: "transcript")
        reply.email = email
        send(reply)
      default:
        throw ChatError.invalid("Unknown request \"\(frame.type.prefix(40))\".")
      }
    } catch {
      var reply = ServerFrame.error(error.asChatError)
      reply.clientId = frame.clientId
      send(reply)
      if case .forbidden = error.asChatError { try? await socket.close(code: .policyViolation) }
    }
  }

  /// The opening frame: hours and intake, and for a returning visitor the chat and what
  /// they missed since `lastSeq`.
  func hello(_ frame: ClientFrame) async throws {
    var welcome = ServerFrame(type: "welcome")
    let availability = services.chat.hours.availability(at: services.clock.now())
    welcome.hours = ServerFrame.Hours(
      open: availability.isOpen, words: availability.words, nextOpening: availability.nextOpening)
    let intake = try await services.intake.current()
    welcome.intake = ServerFrame.Intake(open: intake.isOpen, message: intake.isOpen ? nil : intake.message)
    guard let token = frame.token, !token.isEmpty else {
      send(welcome)
      return
    }
    let chat = try await services.chat.chat(forToken: token)
    if let previous = self.chat, previous.id != chat.id { await hub.removeVisitor(id, chat: previous.id) }
    state.withLockedValue { $0 = chat }
    await hub.addVisitor(id, chat: chat.id, socket: socket)
    welcome.chatId = chat.id
    welcome.reference = chat.reference
    welcome.state = chat.state.rawValue
    welcome.message = chat.agentName
    welcome.lastSeq = chat.lastSeq
    var missed: [ChatMessage]
    do {
      missed = try await services.chat.history(of: chat, after: frame.lastSeq ?? 0)
    } catch let error as ChatError {
      // A forged or stale number: say so, and send the whole conversation to start over.
      send(.error(error))
      welcome.reset = true
      missed = try await services.chat.history(of: chat, after: 0)
    }
    send(welcome)
    for line in missed { send(.line(line, emergency: services.chat.isEmergency(line))) }
  }

  func sendLine(_ frame: ClientFrame) async throws {
    let body = frame.body ?? ""
    let now = services.clock.now()
    guard let chat else {
      _ = try ChatRules.validate(body)
      if let wait = services.chatStartLimiter.attempt(address, now: now) {
        throw ChatError.tooFast(retryAfter: wait)
      }
      let started = try await services.chat.start(
        ChatService.VisitorProfile(name: frame.name, email: frame.email), clientID: frame.validClientID, body: body)
      state.withLockedValue { $0 = started.chat }
      await hub.addVisitor(id, chat: started.chat.id, socket: socket)
      var session = ServerFrame(type: "session")
      session.chatId = started.chat.id
      session.token = started.token
      session.state = started.chat.state.rawValue
      send(session)
      send(.received(started.first))
      await hub.publish(started.first)
      await hub.publishPanel()
      try await followUp(started.first)
      return
    }
    try await hub.take(chat.id, at: now)
    let (message, duplicate) = try await services.chat.visitorSend(chat, clientID: frame.validClientID, body: body)
    send(.received(message))
    guard !duplicate else { return }
    await hub.publish(message)
    try await followUp(message)
  }

  /// The case side of a stored line, and what the system says back.
  func followUp(_ message: ChatMessage) async throws {
    let said = try await services.chat.afterVisitorLine(message)
    for line in said { await hub.publish(line) }
    if message.seq == 1, let updated = try await services.chat.store.chat(id: message.chatID) {
      state.withLockedValue { $0 = updated }
      await hub.publishChanged(message.chatID)
    }
  }
}
