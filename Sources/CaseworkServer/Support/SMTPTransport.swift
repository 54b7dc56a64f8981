import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends over SMTP (RFC 5321): `smtp://user:pass@host:587` upgrades with STARTTLS when the
/// server offers it (required when credentials are given), `smtps://host:465` starts in TLS.
/// AUTH PLAIN or LOGIN. A 4xx reply or a network failure is temporary (the outbox retries);
/// a 5xx reply is permanent.
public struct SMTPTransport: MailTransport {
  public struct Settings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var username: String?
    public var password: String?
    /// Accept the server's certificate without checking it (`tls=insecure`; a server on this
    /// machine only, see `problem`).
    public var insecureTLS: Bool
    /// Send in clear text when the server offers no STARTTLS (`tls=none`, for a local relay).
    /// Otherwise STARTTLS is required: a missing offer may be an attacker stripping it.
    public var allowPlaintext: Bool
    public var heloName: String

    /// Reads `smtp://user:pass@host:587` or `smtps://host:465`; nil when it is not one.
    public init?(url text: String, heloName: String = "casework.local") {
      guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
        let host = url.host, !host.isEmpty
      else { return nil }
      self.host = host
      implicitTLS = scheme == "smtps"
      port = url.port ?? (implicitTLS ? 465 : 587)
      username = url.user?.removingPercentEncoding
      password = url.password?.removingPercentEncoding
      let tls = url.queryItems?.first { $0.name == "tls" }?.value?.lowercased()
      insecureTLS = tls == "insecure"
      allowPlaintext = tls == "none"
      self.heloName = heloName
    }

    /// Why these settings must not be used, or nil.
    public var problem: String? {
      if insecureTLS && !Self.isLoopback(host) {
        return
          "SMTP_URL's tls=insecure (no certificate check) is only for a mail server on this machine (127.0.0.1, ::1 or localhost)."
      }
      if allowPlaintext && username != nil && !Self.isLoopback(host) {
        return "SMTP_URL's tls=none would send the password in clear text: use it only without credentials, or on this machine."
      }
      return nil
    }

    static func isLoopback(_ host: String) -> Bool {
      let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
      return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
  }

  let settings: Settings
  let group: any EventLoopGroup

  public init(settings: Settings, group: any EventLoopGroup) {
    self.settings = settings
    self.group = group
  }

  public func send(_ message: Data, from: String, to: [String]) async throws(MailSendError) {
    do {
      try await deliver(message, from: from, to: to)
    } catch let error as MailSendError {
      throw error
    } catch {
      throw .temporary("The mail server could not be reached or dropped the connection (\(type(of: error))).")
    }
  }

  func tlsHandler() throws -> NIOSSLClientHandler {
    var configuration = TLSConfiguration.makeClientConfiguration()
    if settings.insecureTLS { configuration.certificateVerification = .none }
    // An IP address cannot be sent as the TLS server name (SNI).
    let isAddress = settings.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
    return try NIOSSLClientHandler(
      context: NIOSSLContext(configuration: configuration), serverHostname: isAddress ? nil : settings.host)
  }

  private func deliver(_ message: Data, from: String, to: [String]) async throws {
    let implicitTLS = settings.implicitTLS
    let channel = try await ClientBootstrap(group: group)
      .connectTimeout(.seconds(15))
      .connect(host: settings.host, port: settings.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if implicitTLS { try channel.pipeline.syncOperations.addHandler(try self.tlsHandler()) }
          // A server that stops answering must not hold the sender for ever: after a minute of
          // silence the connection is closed and the message is tried again later.
          try channel.pipeline.syncOperations.addHandlers([IdleStateHandler(readTimeout: .seconds(60)), CloseWhenIdle()])
          return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    try await channel.executeThenClose { inbound, outbound in
      var session = Session(inbound: inbound.makeAsyncIterator(), outbound: outbound)
      try await session.expect(220)
      var features = try await session.command("EHLO \(settings.heloName)", expect: 250)
      if !implicitTLS, features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
        _ = try await session.command("STARTTLS", expect: 220)
        let raw = channel.channel
        try await raw.eventLoop.submit { try raw.pipeline.syncOperations.addHandler(try self.tlsHandler(), position: .first) }
          .get()
        features = try await session.command("EHLO \(settings.heloName)", expect: 250)
      } else if !implicitTLS, !settings.allowPlaintext {
        throw MailSendError.temporary(
          "The mail server did not offer STARTTLS; Casework sends only over TLS (SMTP_URL's tls=none allows a local relay without it)."
        )
      }
      if let username = settings.username, let password = settings.password {
        let auth = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
        if auth.contains("PLAIN") || !auth.contains("LOGIN") {
          let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
          _ = try await session.command("AUTH PLAIN \(token)", expect: 235)
        } else {
          _ = try await session.command("AUTH LOGIN", expect: 334)
          _ = try await session.command(Data(username.utf8).base64EncodedString(), expect: 334)
          _ = try await session.command(Data(password.utf8).base64EncodedString(), expect: 235)
        }
      }
      _ = try await session.command("MAIL FROM:<\(Self.clean(from))>", expect: 250)
      for recipient in to { _ = try await session.command("RCPT TO:<\(Self.clean(recipient))>", expect: 250) }
      _ = try await session.command("DATA", expect: 354)
      try await session.write(Self.dotStuffed(message))
      _ = try await session.expect(250)
      try? await session.write(Data("QUIT\r\n".utf8))
    }
  }

  static func clean(_ address: String) -> String {
    String(String.UnicodeScalarView(address.unicodeScalars.filter { !"\r\n<> ".unicodeScalars.contains($0) }))
  }

  /// The DATA body: lines starting with "." get another, and it ends with CRLF "." CRLF.
  static func dotStuffed(_ message: Data) -> Data {
    var output = Data()
    output.reserveCapacity(message.count + 16)
    var atLineStart = true
    for byte in message {
      if atLineStart && byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
      output.append(byte)
      atLineStart = byte == 0x0A
    }
    if !output.isEmpty && output.last != 0x0A { output.append(contentsOf: [0x0D, 0x0A]) }
    output.append(contentsOf: Array(".\r\n".utf8))
    return output
  }

  /// One conversation: commands out, multi-line replies in.
  struct Session {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var pending: [UInt8] = []

    mutating func line() async throws -> String {
      while true {
        if let newline = pending.firstIndex(of: 0x0A) {
          var end = newline
          if end > 0, pending[end - 1] == 0x0D { end -= 1 }
          let text = String(decoding: pending[0..<end], as: UTF8.self)
          pending.removeFirst(newline + 1)
          return text
        }
        guard var buffer = try await inbound.next() else {
          throw MailSendError.temporary("The mail server closed the connection.")
        }
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        if pending.count > 64 * 1024 { throw MailSendError.temporary("The mail server sent a reply that is too long.") }
      }
    }

    /// Reads one reply; returns its lines' texts, or throws for an unexpected code.
    @discardableResult
    mutating func expect(_ code: Int) async throws -> [String] {
      var texts: [String] = []
      var replyCode = 0
      while true {
        let text = try await line()
        let digits = Int(text.prefix(3)) ?? 0
        replyCode = digits
        texts.append(String(text.dropFirst(4)))
        if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { break }
      }
      guard replyCode == code else {
        let detail = "\(replyCode) \(texts.joined(separator: " "))"
        if (400..<500).contains(replyCode) { throw MailSendError.temporary(detail) }
        throw MailSendError.permanent(detail)
      }
      return texts
    }

    mutating func command(_ text: String, expect code: Int) async throws -> [String] {
      try await write(Data((text + "\r\n").utf8))
      return try await expect(code)
    }

    func write(_ data: Data) async throws {
      try await outbound.write(ByteBuffer(bytes: data))
    }
  }
}

/// Closes the connection when `IdleStateHandler` reports that nothing was read for too long.
final class CloseWhenIdle: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireChannelRead(data)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is IdleStateHandler.IdleStateEvent {
      context.close(promise: nil)
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }
}
