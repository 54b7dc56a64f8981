import CaseworkCore
import CaseworkMail
import CaseworkServer
import CaseworkTestSupport
import Foundation
import NIOPosix
import Testing
import Vapor
import VaporTesting

/// Against the real SMTP server (aiosmtpd) that `scripts/test` starts on loopback, with STARTTLS
/// and AUTH.
@Suite("SMTP: a real server on loopback", .serialized, .enabled(if: TestServers.smtp, "needs CASEWORK_TEST_SMTP_URL"))
struct SMTPTests {
  struct Server {
    var url: String
    var directory: URL
  }

  func server() throws -> Server {
    let environment = ProcessInfo.processInfo.environment
    guard let url = environment["CASEWORK_TEST_SMTP_URL"], let directory = environment["CASEWORK_TEST_SMTP_DIR"] else {
      throw TestSetupError(description: "SMTP tests need CASEWORK_TEST_SMTP_URL: run scripts/test, which starts a server.")
    }
    return Server(url: url, directory: URL(fileURLWithPath: directory))
  }

  func transport(_ url: String) throws -> SMTPTransport {
    SMTPTransport(settings: try #require(SMTPTransport.Settings(url: url)), group: MultiThreadedEventLoopGroup.singleton)
  }

  func captured(_ directory: URL, after known: Set<String>) throws -> [MailMessage] {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
      $0.hasSuffix(".eml") && !known.contains($0)
    }
    return try names.sorted().map { try MailParser.parse(try Data(contentsOf: directory.appendingPathComponent($0))) }
  }

  func known(_ directory: URL) -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
  }

  @Test("STARTTLS, AUTH and dot-stuffing: what arrives is what we wrote")
  func delivers() async throws {
    let server = try server()
    let before = known(server.directory)
    let mail = OutgoingMail(
      from: MailAddress(name: "Technical support", address: "support@casework.test"),
      to: [MailAddress(address: "ann@example.com")],
      subject: "Café test", text: "Line one\n.starts with a dot\n..two dots", messageID: "smtp-1@casework.test", date: Date())
    try await transport(server.url).send(mail.render(), from: "support@casework.test", to: ["ann@example.com"])
    let received = try captured(server.directory, after: before)
    #expect(received.count == 1)
    #expect(received.first?.subject == "Café test")
    #expect(received.first?.text == "Line one\n.starts with a dot\n..two dots")
    #expect(received.first?.messageID == "smtp-1@casework.test")
  }

  @Test("4xx is temporary, 5xx permanent, a bad password permanent, no server temporary")
  func failures() async throws {
    let server = try server()
    let data = OutgoingMail(
      from: MailAddress(address: "support@casework.test"), to: [MailAddress(address: "x@example.com")], subject: "x", text: "x",
      messageID: "smtp-2@casework.test", date: Date()
    ).render()
    let smtp = try transport(server.url)
    await #expect {
      try await smtp.send(data, from: "support@casework.test", to: ["tempfail@example.com"])
    } throws: { error in
      if case .temporary(let reason) = error as? MailSendError { return reason.hasPrefix("451") }
      return false
    }
    await #expect {
      try await smtp.send(data, from: "support@casework.test", to: ["reject@example.com"])
    } throws: { error in
      if case .permanent(let reason) = error as? MailSendError { return reason.hasPrefix("550") }
      return false
    }
    let wrong = try transport(server.url.replacingOccurrences(of: ":secret@", with: ":wrong@"))
    await #expect {
      try await wrong.send(data, from: "support@casework.test", to: ["ann@example.com"])
    } throws: { error in
      if case .permanent(let reason) = error as? MailSendError { return reason.hasPrefix("535") }
      return false
    }
    let nowhere = try transport("smtp://127.0.0.1:1")
    await #expect {
      try await nowhere.send(data, from: "support@casework.test", to: ["ann@example.com"])
    } throws: { error in
      if case .temporary = error as? MailSendError { return true }
      return false
    }
  }

  @Test("without STARTTLS nothing is sent unless SMTP_URL says tls=none; tls=insecure and tls=none are refused for remote hosts")
  func transportSecurity() async throws {
    let server = try server()
    guard let plainURL = ProcessInfo.processInfo.environment["CASEWORK_TEST_SMTP_PLAIN_URL"] else {
      throw TestSetupError(description: "SMTP tests need CASEWORK_TEST_SMTP_PLAIN_URL: run scripts/test, which starts a server.")
    }
    let data = OutgoingMail(
      from: MailAddress(address: "support@casework.test"), to: [MailAddress(address: "ann@example.com")], subject: "Plain",
      text: "Plain", messageID: "smtp-plain@casework.test", date: Date()
    ).render()
    let before = known(server.directory)
    await #expect {
      try await transport(plainURL).send(data, from: "support@casework.test", to: ["ann@example.com"])
    } throws: { error in
      if case .temporary(let reason) = error as? MailSendError { return reason.contains("STARTTLS") }
      return false
    }
    // Other tests write to the same server at the same time: count this message only.
    func plainCopies() throws -> Int {
      try captured(server.directory, after: before).filter { $0.messageID == "smtp-plain@casework.test" }.count
    }
    #expect(try plainCopies() == 0, "nothing went in clear text")
    try await transport(plainURL + "?tls=none").send(data, from: "support@casework.test", to: ["ann@example.com"])
    #expect(try plainCopies() == 1)

    #expect(SMTPTransport.Settings(url: "smtp://u:p@mail.example.com:587?tls=insecure")?.problem != nil)
    #expect(SMTPTransport.Settings(url: "smtp://u:p@mail.example.com:587?tls=none")?.problem != nil)
    #expect(SMTPTransport.Settings(url: "smtp://relay.example.com:25?tls=none")?.problem == nil)
    #expect(SMTPTransport.Settings(url: "smtp://u:p@127.0.0.1:2525?tls=insecure")?.problem == nil)
    #expect(throws: AppConfig.Problem.self) { try AppConfig.load(from: ["SMTP_URL": "smtp://u:p@mail.example.com?tls=insecure"]) }
  }

  @Test(
    "round trip: a staff reply is sent over SMTP, captured, parsed, answered, and the answer lands on the same case; an escalation reply escalates",
    arguments: Engine.all)
  func roundTrip(engine: Engine) async throws {
    let server = try server()
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let sender = CaseworkApp.outboxSender(app, transport: try transport(server.url))
      func inbound(_ raw: String) async throws -> [String: Any] {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
        return try json(
          try await app.testing().sendRequest(
            .POST, "/api/v1/inbound/email", headers: headers,
            body: ByteBuffer(string: raw.replacingOccurrences(of: "\n", with: "\r\n"))))
      }
      let first = try await inbound(
        "From: Ann <ann-\(engine.rawValue)@example.com>\nTo: support@casework.test\nSubject: Booking page blank\nMessage-ID: <rt1-\(engine.rawValue)-\(UUID())@example.com>\nDate: Sat, 21 Nov 2026 09:00:00 +0000\n\nThe booking page is blank.\n"
      )
      let reference = try #require(first["reference"] as? String)
      let record = try #require(try await app.casework.cases.find(reference))
      try await app.casework.cases.reply(to: record.id, body: "Which phone do you use?", by: .staff(UUID()))
      let before = known(server.directory)
      #expect(try await sender.flush() == 2)  // the acknowledgement and the reply
      let received = try captured(server.directory, after: before)
      let reply = try #require(received.first { $0.subject.hasPrefix("Re: [\(reference)]") })
      #expect(reply.text.hasPrefix("Which phone do you use?\n\n---\n"))
      #expect(reply.text.contains(app.casework.config.publicURL + "/my-case/"))
      // The requester answers the captured message, quoting it.
      let answer = try await inbound(
        "From: ann-\(engine.rawValue)@example.com\nTo: support@casework.test\nSubject: \(reply.subject)\nMessage-ID: <rt2-\(UUID())@example.com>\nIn-Reply-To: <\(reply.messageID ?? "")>\nReferences: <\(reply.messageID ?? "")>\nDate: Sat, 21 Nov 2026 11:00:00 +0000\n\nA Pixel 7.\n\nOn Sat, 21 Nov 2026, Technical support wrote:\n> Which phone do you use?\n"
      )
      #expect(answer["outcome"] as? String == "appended")
      #expect(answer["reference"] as? String == reference)
      // Then asks to escalate, by replying again.
      let escalation = try await inbound(
        "From: ann-\(engine.rawValue)@example.com\nTo: support@casework.test\nSubject: \(reply.subject)\nMessage-ID: <rt3-\(UUID())@example.com>\nIn-Reply-To: <\(reply.messageID ?? "")>\nDate: Sat, 21 Nov 2026 12:00:00 +0000\n\nThis is taking too long, I wish to escalate.\n"
      )
      #expect(escalation["reference"] as? String == reference)
      #expect(try await app.casework.cases.find(id: record.id)?.team == "support_manager")
      let beforeEscalationMail = known(server.directory)
      #expect(try await sender.flush() == 1)
      let told = try captured(server.directory, after: beforeEscalationMail)
      #expect(told.first?.text.contains("support team manager") == true)
      #expect(told.first?.isAutomatic == true)
    }
  }
}
