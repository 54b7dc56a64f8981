import CaseworkCore
import CaseworkStore
import Foundation
import Logging
import Vapor

/// Who is connected to this process's chat sockets, and how events reach them: straight to
/// local sockets, and through PostgreSQL `NOTIFY` to other processes (on SQLite there is one
/// process, so local is everything).
actor ChatHub {
  private let processID = UUID().uuidString
  private let chats: ChatService
  private let relay: PostgresChatRelay?
  private let logger: Logger
  private var visitors: [ChatID: [UUID: WebSocket]] = [:]
  private var staff: [UUID: (staffID: StaffID, socket: WebSocket)] = [:]
  private var floods: [ChatID: FloodGuard] = [:]
  private var relayStarted: Task<Void, Never>?
  /// Connections whose handler is still running, and whether the application is stopping:
  /// a closing socket must not reach for a database that is being shut down.
  private var running = 0
  private(set) var isStopped = false

  init(chats: ChatService, relay: PostgresChatRelay?, logger: Logger) {
    self.chats = chats
    self.relay = relay
    self.logger = logger
  }

  // MARK: Connections

  func addVisitor(_ connection: UUID, chat: ChatID, socket: WebSocket) async {
    visitors[chat, default: [:]][connection] = socket
    await startRelay()
  }

  func removeVisitor(_ connection: UUID, chat: ChatID) {
    visitors[chat]?[connection] = nil
    // The chat's flood allowance is kept: reconnecting must not reset it.
    if visitors[chat]?.isEmpty == true { visitors[chat] = nil }
  }

  func addStaff(_ connection: UUID, staffID: StaffID, socket: WebSocket) async {
    staff[connection] = (staffID, socket)
    await startRelay()
  }

  /// Removes a staff socket; true when it was that person's last one here.
  func removeStaff(_ connection: UUID) -> Bool {
    guard let removed = staff.removeValue(forKey: connection) else { return false }
    return !staff.values.contains { $0.staffID == removed.staffID }
  }

  var connectionCount: Int { visitors.values.reduce(0) { $0 + $1.count } + staff.count }

  /// One visitor line's allowance (per chat, whatever the number of tabs).
  func take(_ chat: ChatID, at now: Date) throws(ChatError) {
    // Bounded: a full allowance comes back within seconds, so forgetting all is harmless.
    if floods.count > 50_000 { floods.removeAll() }
    var guardState = floods[chat] ?? FloodGuard()
    defer { floods[chat] = guardState }
    try guardState.take(at: now)
  }

  private func startRelay() async {
    guard let relay else { return }
    if relayStarted == nil {
      relayStarted = Task {
        await relay.start { [weak self] payload in await self?.remote(payload) }
      }
    }
    await relayStarted?.value
  }

  private var sockets: [UUID: WebSocket] = [:]

  func connectionStarted(_ connection: UUID, socket: WebSocket) {
    running += 1
    sockets[connection] = socket
  }

  func connectionFinished(_ connection: UUID) {
    running -= 1
    sockets[connection] = nil
  }

  /// Says "going away" on every socket, so the server can stop at once and clients reconnect
  /// (to another process, or to this one when it is back).
  func closeAll() {
    for socket in sockets.values { socket.close(code: .goingAway, promise: nil) }
  }

  /// Stops the relay and waits (up to 3 s) for connection handlers to finish.
  func stop() async {
    isStopped = true
    relay?.stop()
    for _ in 0..<300 where running > 0 {
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  // MARK: Publishing

  /// A stored line: to the chat's visitor sockets (unless a note) and every staff socket.
  func publish(_ message: ChatMessage) async {
    deliver(message)
    await broadcast(["k": "line", "c": message.chatID.uuidString, "s": message.seq])
  }

  func publishTyping(_ chat: ChatID, from: ChatAuthor, name: String?, active: Bool) async {
    deliverTyping(chat, from: from.rawValue, name: name, active: active)
    var payload: [String: Any] = ["k": "typing", "c": chat.uuidString, "f": from.rawValue, "a": active]
    if let name { payload["n"] = name }
    await broadcast(payload)
  }

  /// The visitor has seen lines up to `seq`.
  func publishSeen(_ chat: ChatID, seq: Int) async {
    deliverSeen(chat, seq: seq)
    await broadcast(["k": "seen", "c": chat.uuidString, "s": seq])
  }

  /// A chat's state changed: its visitors hear it, and every console refreshes its queue.
  func publishChanged(_ chat: ChatID) async {
    await deliverChanged(chat)
    await broadcast(["k": "chat", "c": chat.uuidString])
  }

  /// The queue or presence changed.
  func publishPanel() async {
    await deliverPanel()
    await broadcast(["k": "panel"])
  }

  private func broadcast(_ payload: [String: Any]) async {
    guard let relay else { return }
    var payload = payload
    payload["o"] = processID
    guard let data = try? JSONSerialization.data(withJSONObject: payload) else { return }
    await relay.notify(String(decoding: data, as: UTF8.self))
  }

  // MARK: Local delivery

  private func deliver(_ message: ChatMessage) {
    let text = ServerFrame.line(message, emergency: chats.isEmergency(message)).text
    if message.author.isVisibleToVisitor {
      for socket in visitors[message.chatID, default: [:]].values { socket.send(text, promise: nil) }
    }
    for entry in staff.values { entry.socket.send(text, promise: nil) }
  }

  private func deliverTyping(_ chat: ChatID, from: String, name: String?, active: Bool) {
    var frame = ServerFrame(type: "typing")
    frame.chatId = chat
    frame.from = from
    frame.active = active
    frame.message = name
    let text = frame.text
    if from == ChatAuthor.visitor.rawValue {
      for entry in staff.values { entry.socket.send(text, promise: nil) }
    } else {
      for socket in visitors[chat, default: [:]].values { socket.send(text, promise: nil) }
    }
  }

  private func deliverSeen(_ chat: ChatID, seq: Int) {
    var frame = ServerFrame(type: "seen")
    frame.chatId = chat
    frame.seq = seq
    let text = frame.text
    for entry in staff.values { entry.socket.send(text, promise: nil) }
  }

  private func deliverChanged(_ chatID: ChatID) async {
    if let sockets = visitors[chatID], !sockets.isEmpty, let chat = try? await chats.store.chat(id: chatID) {
      let text = Self.stateFrame(chat).text
      for socket in sockets.values { socket.send(text, promise: nil) }
    }
    await deliverPanel()
  }

  private func deliverPanel() async {
    guard !staff.isEmpty else { return }
    do {
      let text = try await Self.panelFrame(chats).text
      for entry in staff.values { entry.socket.send(text, promise: nil) }
    } catch {
      logger.warning("Chat queue could not be read for the console")
    }
  }

  static func stateFrame(_ chat: Chat) -> ServerFrame {
    var frame = ServerFrame(type: "state")
    frame.chatId = chat.id
    frame.state = chat.state.rawValue
    frame.reference = chat.reference
    frame.message = chat.agentName
    frame.lastSeq = chat.lastSeq
    return frame
  }

  /// The console's queue and who is available.
  static func panelFrame(_ chats: ChatService) async throws -> ServerFrame {
    var frame = ServerFrame(type: "panel")
    frame.queue = try await chats.queue().map { ServerFrame.entry($0.chat, emergency: $0.emergency) }
    frame.agents = try await chats.store.presence().map {
      ServerFrame.Agent(id: $0.staffID, name: $0.name, status: $0.status.rawValue)
    }
    return frame
  }

  // MARK: From other processes

  func remote(_ payload: String) async {
    guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
      let origin = object["o"] as? String, origin != processID, let kind = object["k"] as? String
    else { return }
    let chat = (object["c"] as? String).flatMap(UUID.init(uuidString:))
    switch kind {
    case "line":
      guard let chat, let seq = object["s"] as? Int, visitors[chat] != nil || !staff.isEmpty else { return }
      if let message = try? await chats.store.messages(of: chat, after: seq - 1, limit: 1).first, message.seq == seq {
        deliver(message)
      }
    case "typing":
      guard let chat, let from = object["f"] as? String else { return }
      deliverTyping(chat, from: from, name: object["n"] as? String, active: object["a"] as? Bool ?? false)
    case "seen":
      guard let chat, let seq = object["s"] as? Int else { return }
      deliverSeen(chat, seq: seq)
    case "chat":
      guard let chat else { return }
      await deliverChanged(chat)
    case "panel":
      await deliverPanel()
    default:
      return
    }
  }
}
