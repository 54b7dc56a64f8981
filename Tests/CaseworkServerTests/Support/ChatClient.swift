import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor

/// A WebSocket chat client for tests: frames arrive in an inbox, and `next` waits (up to
/// 30 s: the whole suite shares two cores) for the first frame of a type and takes it out.
final class ChatClient: Sendable {
  let socket: WebSocket
  let inbox: FrameInbox

  private init(socket: WebSocket, inbox: FrameInbox) {
    self.socket = socket
    self.inbox = inbox
  }

  static func connect(_ url: String, headers: HTTPHeaders = [:]) async throws -> ChatClient {
    let inbox = FrameInbox()
    let box = NIOLockedValueBox<WebSocket?>(nil)
    try await WebSocket.connect(to: url, headers: headers, on: MultiThreadedEventLoopGroup.singleton) { socket in
      box.withLockedValue { $0 = socket }
      socket.onText { _, text in inbox.append(text) }
      socket.onClose.whenComplete { _ in inbox.markClosed() }
    }
    // The upgrade callback may run just after `connect` returns.
    for _ in 0..<200 where box.withLockedValue({ $0 }) == nil {
      try await Task.sleep(for: .milliseconds(10))
    }
    guard let socket = box.withLockedValue({ $0 }) else { throw TestSetupError(description: "no socket") }
    return ChatClient(socket: socket, inbox: inbox)
  }

  /// Sends a frame of strings, numbers and booleans (written by hand: a flat object needs no
  /// more, and Foundation's bridging of `Any` crashed under parallel tests here).
  func send(_ object: [String: any Sendable]) throws {
    socket.send(Self.encode(object), promise: nil)
  }

  static func encode(_ object: [String: any Sendable]) -> String {
    func quoted(_ text: String) -> String {
      var out = "\""
      for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
          if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
      }
      return out + "\""
    }
    let fields = object.sorted { $0.key < $1.key }.map { key, value -> String in
      let encoded: String
      switch value {
      case let text as String: encoded = quoted(text)
      case let number as Int: encoded = String(number)
      case let flag as Bool: encoded = flag ? "true" : "false"
      default: encoded = "null"
      }
      return quoted(key) + ":" + encoded
    }
    return "{" + fields.joined(separator: ",") + "}"
  }

  @discardableResult
  func next(_ type: String, timeout: Double = 30, where matches: @Sendable ([String: Any]) -> Bool = { _ in true })
    async throws -> [String: Any]
  {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = inbox.take(type: type, matches: matches), let frame = FrameInbox.parse(text) { return frame }
      try await Task.sleep(for: .milliseconds(10))
    }
    let left = inbox.remaining()
    throw TestSetupError(description: "no \(type) frame within \(timeout) s; inbox: \(left.prefix(5))")
  }

  /// Every frame of a type that arrives within `seconds`.
  func collect(_ type: String, for seconds: Double) async throws -> [[String: Any]] {
    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    return inbox.takeAll(type: type).compactMap(FrameInbox.parse)
  }

  func close() async {
    try? await socket.close()
  }

  var isClosed: Bool {
    inbox.closed
  }
}

/// Frames in arrival order: appended under a lock from the socket's event loop (a task per
/// frame could reorder them).
final class FrameInbox: Sendable {
  private let state = NIOLockedValueBox<(frames: [String], closed: Bool)>(([], false))

  var closed: Bool { state.withLockedValue { $0.closed } }
  func append(_ text: String) { state.withLockedValue { $0.frames.append(text) } }
  func markClosed() { state.withLockedValue { $0.closed = true } }
  func remaining() -> [String] { state.withLockedValue { $0.frames } }

  static func parse(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
  }

  func take(type: String, matches: @Sendable ([String: Any]) -> Bool) -> String? {
    state.withLockedValue { state in
      for (index, text) in state.frames.enumerated() {
        guard let frame = Self.parse(text), frame["type"] as? String == type, matches(frame) else { continue }
        state.frames.remove(at: index)
        return text
      }
      return nil
    }
  }

  func takeAll(type: String) -> [String] {
    state.withLockedValue { state in
      var taken: [String] = []
      state.frames.removeAll { text in
        guard let frame = Self.parse(text), frame["type"] as? String == type else { return false }
        taken.append(text)
        return true
      }
      return taken
    }
  }
}

extension Dictionary where Key == String, Value == Any {
  var line: [String: Any] { self["line"] as? [String: Any] ?? [:] }
}
