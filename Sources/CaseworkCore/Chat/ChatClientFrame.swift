import Foundation

/// A frame a chat client sends: `type` says which fields matter.
///
/// Visitor: `hello {token?, lastSeq?}`, `send {clientId, body, name?, email?}`, `typing {active}`,
/// `ack {seq}`, `end`, `transcript {email?}`.
/// Staff: `hello`, `presence {status}`, `watch {chatId, lastSeq?}`, `accept {chatId}`,
/// `reply`/`note {chatId, clientId, body}`, `transfer {chatId, to}`, `end {chatId}`,
/// `typing {chatId, active}`, `incident {chatId}`.
public struct ClientFrame: Decodable, Sendable {
  public var type: String
  public var token: String?
  public var lastSeq: Int?
  public var seq: Int?
  public var name: String?
  public var email: String?
  public var clientId: String?
  public var body: String?
  public var active: Bool?
  public var chatId: UUID?
  public var to: UUID?
  public var status: String?

  /// Any text a socket delivers: a frame, or nil when it is not one (never a crash).
  public static func decode(_ text: String) -> ClientFrame? {
    try? JSONDecoder().decode(ClientFrame.self, from: Data(text.utf8))
  }

  /// A client's id for a line: short printable text, or none.
  public var validClientID: String? {
    guard let clientId, !clientId.isEmpty, clientId.count <= 64,
      clientId.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
    else { return nil }
    return clientId
  }
}
