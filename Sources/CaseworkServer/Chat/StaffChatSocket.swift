import CaseworkCore
import Foundation
import Vapor

/// A member of staff's chat console socket (`/staff/chat/socket`): the queue, presence, and
/// every chat's lines; accept, reply, note, transfer, end, typing and incident reports.
final class StaffChatSocket: Sendable {
  let id = UUID()
  let socket: WebSocket
  let services: CaseworkServices
  let user: StaffUser
  var hub: ChatHub { services.chatHub }
  let logger: Logger
  /// Whether the sign-in (session or API token) that opened the socket still holds: asked
  /// before every request and every few seconds, so a deactivated user or an ended session
  /// neither reads nor sends any more.
  let stillAllowed: @Sendable (_ active: Bool) async -> Bool

  /// Lines to add to their cases, in order, off the path that delivers them.
  let caseLines: AsyncStream<ChatMessage>.Continuation
  private let pendingCaseLines: AsyncStream<ChatMessage>

  init(
    socket: WebSocket, services: CaseworkServices, user: StaffUser, logger: Logger,
    stillAllowed: @escaping @Sendable (_ active: Bool) async -> Bool
  ) {
    self.logger = logger
    self.stillAllowed = stillAllowed
    self.socket = socket
    self.services = services
    self.user = user
    (pendingCaseLines, caseLines) = AsyncStream.makeStream(of: ChatMessage.self)
  }

  /// Adds each delivered line to its case. A failure is logged without the text; the line
  /// itself is already stored in the chat.
  func recordCaseLines() async {
    for await message in pendingCaseLines {
      do {
        try await services.chat.afterAgentLine(message)
      } catch {
        logger.warning(
          "A chat line could not be added to its case", metadata: ["chat": "\(message.chatID)", "seq": "\(message.seq)"])
      }
    }
  }

  /// Called on the socket's event loop, so the handlers are in place before the first frame.
  static func attach(
    _ request: Request, _ socket: WebSocket, user: StaffUser, stillAllowed: @escaping @Sendable (_ active: Bool) async -> Bool
  ) {
    let connection = StaffChatSocket(
      socket: socket, services: request.casework, user: user, logger: request.logger, stillAllowed: stillAllowed)
    let frames = ChatFrameStream.open(socket)
    Task { await connection.run(frames) }
  }

  func run(_ frames: AsyncStream<String>) async {
    await hub.connectionStarted(id, socket: socket)
    await hub.addStaff(id, staffID: user.id, socket: socket)
    let recorder = Task { await recordCaseLines() }
    let watcher = Task { await watchSignIn() }
    await ChatFrameStream.each(frames, hub: hub, socket: socket, handle)
    watcher.cancel()
    caseLines.finish()
    await recorder.value
    // The last console of this person here has closed: they are no longer available.
    if await hub.removeStaff(id), !(await hub.isStopped) {
      try? await services.chat.store.clearPresence(user.id)
      await hub.publishPanel()
    }
    await hub.connectionFinished(id)
  }

  /// Closes the socket once its sign-in no longer holds.
  func watchSignIn() async {
    let interval = services.config.staffSocketRecheckSeconds
    while !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
      if Task.isCancelled { return }
      if !(await stillAllowed(false)) {
        closeSignedOut()
        return
      }
    }
  }

  private func closeSignedOut() {
    logger.notice("staff chat socket closed: its sign-in ended", metadata: ["staff": "\(user.id)"])
    socket.close(code: .policyViolation, promise: nil)
  }

  func send(_ frame: ServerFrame) {
    socket.send(frame.text, promise: nil)
  }

  func handle(_ frame: ClientFrame) async {
    let chats = services.chat
    guard await stillAllowed(frame.type != "typing") else { return closeSignedOut() }
    do {
      switch frame.type {
      case "hello":
        var panel = try await ChatHub.panelFrame(chats)
        panel.me = ServerFrame.Agent(id: user.id, name: user.name, status: nil)
        panel.colleagues = try await services.staff.all().filter { $0.active && $0.id != user.id }.map {
          ServerFrame.Agent(id: $0.id, name: $0.name, status: nil)
        }
        send(panel)
      case "presence":
        guard let status = frame.status.flatMap(PresenceStatus.init(rawValue:)) else {
          throw ChatError.invalid("Presence is \"available\" or \"away\".")
        }
        try await chats.setPresence(status, for: user)
        await hub.publishPanel()
      case "watch":
        let chatID = try required(frame.chatId)
        guard let chat = try await chats.store.chat(id: chatID) else { throw ChatError.notFound }
        send(ChatHub.stateFrame(chat))
        for line in try await chats.store.messages(of: chatID, after: max(0, frame.lastSeq ?? 0), limit: 10_000) {
          send(.line(line, emergency: chats.isEmergency(line)))
        }
      case "accept":
        let (chat, lines) = try await chats.accept(try required(frame.chatId), by: user)
        for line in lines { await hub.publish(line) }
        await hub.publishChanged(chat.id)
      case "reply", "note":
        let (message, duplicate) = try await chats.agentSend(
          try required(frame.chatId), by: user, clientID: frame.validClientID, body: frame.body ?? "",
          note: frame.type == "note")
        send(.received(message))
        if !duplicate {
          await hub.publish(message)
          caseLines.yield(message)
        }
      case "transfer":
        let (chat, lines) = try await chats.transfer(
          try required(frame.chatId), to: try required(frame.to, "Choose who to transfer the chat to."), by: user)
        for line in lines { await hub.publish(line) }
        await hub.publishChanged(chat.id)
      case "end":
        let (chat, lines) = try await chats.end(try required(frame.chatId), by: .staff(user.id))
        for line in lines { await hub.publish(line) }
        await hub.publishChanged(chat.id)
      case "typing":
        await hub.publishTyping(try required(frame.chatId), from: .agent, name: user.name, active: frame.active ?? false)
      case "incident":
        let note = try await chats.markAsIncidentReport(try required(frame.chatId), by: user)
        await hub.publish(note)
      default:
        throw ChatError.invalid("Unknown request \"\(frame.type.prefix(40))\".")
      }
    } catch {
      var reply = ServerFrame.error(error.asChatError)
      reply.chatId = frame.chatId
      reply.clientId = frame.clientId
      send(reply)
    }
  }

  private func required<T>(_ value: T?, _ message: String = "Say which chat.") throws -> T {
    guard let value else { throw ChatError.invalid(message) }
    return value
  }
}
