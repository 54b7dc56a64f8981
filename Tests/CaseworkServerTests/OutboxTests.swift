import CaseworkCore
import CaseworkMail
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

/// A transport that fails as told, to exercise retries and permanent failures.
struct FailingTransport: MailTransport {
  let permanent: Bool
  func send(_ message: Data, from: String, to: [String]) async throws(MailSendError) {
    throw permanent ? .permanent("550 5.1.1 mailbox unavailable") : .temporary("421 4.7.0 try again later")
  }
}

@Suite("Email out: the outbox, the file transport, and replies that come back to the same case")
struct OutboxTests {
  func temporaryDirectory() -> URL {
    URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casework-outbox-\(UUID().uuidString)")
  }

  func sentMessages(in directory: URL) throws -> [MailMessage] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return try names.filter { $0.hasSuffix(".eml") }.sorted().map {
      try MailParser.parse(try Data(contentsOf: directory.appendingPathComponent($0)))
    }
  }

  func inbound(_ app: Application, token: String, raw: String) async throws -> [String: Any] {
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
    let response = try await app.testing().sendRequest(
      .POST, "/api/v1/inbound/email", headers: headers, body: ByteBuffer(string: raw.replacingOccurrences(of: "\n", with: "\r\n"))
    )
    return try json(response)
  }

  @Test("acknowledgement and staff reply go out as email; the answer to our reply lands on the same case", arguments: Engine.all)
  func roundTrip(engine: Engine) async throws {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let sender = CaseworkApp.outboxSender(app, transport: FileMailTransport(directory: directory))
      _ = try await inbound(
        app, token: token,
        raw:
          "From: Ann Example <ann@example.com>\nTo: support@casework.test\nSubject: Cannot log in\nMessage-ID: <first@example.com>\nDate: Sat, 21 Nov 2026 09:00:00 +0000\n\nThe app rejects my password.\n"
      )
      #expect(try await sender.flush() == 1)
      var sent = try sentMessages(in: directory)
      let acknowledgement = try #require(sent.first)
      #expect(acknowledgement.to == [MailAddress(name: "Ann Example", address: "ann@example.com")])
      #expect(acknowledgement.subject == "[SR-2026-000001] Cannot log in")
      #expect(acknowledgement.isAutomatic)
      #expect(acknowledgement.text.contains("SR-2026-000001"))
      #expect(acknowledgement.text.contains("999"))
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(app.casework.mail.ids.caseID(in: acknowledgement.messageID ?? "") == record.id)

      try await app.casework.cases.reply(to: record.id, body: "Please update to version 4.3.", by: .staff(UUID()))
      #expect(try await sender.flush() == 1)
      sent = try sentMessages(in: directory)
      let reply = try #require(sent.last)
      #expect(reply.subject == "Re: [SR-2026-000001] Cannot log in")
      #expect(!reply.isAutomatic)
      #expect(reply.text.hasPrefix("Please update to version 4.3.\n\n---\nSee your case, reply or ask for escalation online"))
      // Every email carries the way back to the case.
      let link = try #require(reply.text.split(separator: "\n").last.map(String.init))
      #expect(link.hasPrefix(app.casework.config.publicURL + "/my-case/"))
      let page = try await app.testing().sendRequest(.GET, String(link.dropFirst(app.casework.config.publicURL.count)))
      #expect(page.status == .ok)
      #expect(page.body.string.contains("Please update to version 4.3."))

      // The requester answers our reply, from a phone that drops the subject tag.
      let answer = try await inbound(
        app, token: token,
        raw:
          "From: ann@example.com\nTo: support@casework.test\nSubject: Re: your email\nMessage-ID: <second@example.com>\nIn-Reply-To: <\(reply.messageID ?? "")>\nDate: Sat, 21 Nov 2026 11:00:00 +0000\n\nThat worked, thank you.\n\nOn Sat, 21 Nov 2026 at 10:00, Technical support wrote:\n> Please update to version 4.3.\n"
      )
      #expect(answer["outcome"] as? String == "appended")
      #expect(answer["reference"] as? String == "SR-2026-000001")
      #expect(try await app.casework.cases.messages(of: record.id).last?.body == "That worked, thank you.")
      #expect(try await sender.flush() == 0)
    }
  }

  @Test("automatic mail gets no automatic reply, and automatic replies to one address stop after five an hour")
  func loops() async throws {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withApp(.sqlite) { app in
      let (_, token) = try await app.makeToken()
      let sender = CaseworkApp.outboxSender(app, transport: FileMailTransport(directory: directory))
      _ = try await inbound(
        app, token: token,
        raw:
          "From: robot@example.com\nAuto-Submitted: auto-replied\nSubject: Out of office\nMessage-ID: <ooo@example.com>\nDate: Sat, 21 Nov 2026 09:00:00 +0000\n\nI am away.\n"
      )
      #expect(try await sender.flush() == 0)
      for index in 1...7 {
        _ = try await inbound(
          app, token: token,
          raw:
            "From: chatty@example.com\nSubject: Question \(index)\nMessage-ID: <q\(index)@example.com>\nDate: Sat, 21 Nov 2026 09:00:00 +0000\n\nHello\n"
        )
      }
      #expect(try await sender.flush() == OutboxSender.automaticPerHour)
      #expect(try sentMessages(in: directory).count == OutboxSender.automaticPerHour)
    }
  }

  @Test("a temporary failure is retried later; a permanent one is recorded on the case")
  func failures() async throws {
    let clock = SteppingWallClock(start: testStart)
    try await withApp(.sqlite, clock: clock) { app in
      let opened = try await app.openCase(channel: .email)
      let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
      let outbox = SQLOutbox(handle: handle)
      let flaky = OutboxSender(
        services: app.casework, outbox: outbox, transport: FailingTransport(permanent: false), logger: app.logger)
      #expect(try await flaky.flush() == 0)
      #expect(try await outbox.entries(of: opened.record.id).first?.state == "pending")
      // Not due again until a minute later.
      #expect(try await flaky.flush() == 0)
      #expect(try await outbox.entries(of: opened.record.id).first?.error?.contains("421") == true)
      let broken = OutboxSender(
        services: app.casework, outbox: outbox, transport: FailingTransport(permanent: true), logger: app.logger)
      clock.advance(by: 120)
      #expect(try await broken.flush() == 0)
      #expect(try await outbox.entries(of: opened.record.id).first?.state == "failed")
      let notes = try await app.casework.cases.messages(of: opened.record.id).filter { $0.kind == .note }
      #expect(notes.contains { $0.body.contains("Delivery failure") && $0.body.contains("550") })
    }
  }
}

@Suite("Bounces")
struct BounceTests {
  @Test(
    "a delivery report about our message is recorded on that case and its outbox entry, not opened as a new case",
    arguments: Engine.all)
  func bounce(engine: Engine) async throws {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casework-bounce-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withApp(engine) { app in
      let opened = try await app.openCase(channel: .email)
      #expect(try await CaseworkApp.outboxSender(app, transport: FileMailTransport(directory: directory)).flush() == 1)
      let eml = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".eml") })
      let ours = try #require(try MailParser.parse(try Data(contentsOf: directory.appendingPathComponent(eml))).messageID)
      let report = """
        From: MAILER-DAEMON@mx.example
        To: support@casework.test
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <bounce-\(engine.rawValue)@mx.example>
        Date: Sat, 21 Nov 2026 12:00:00 +0000
        Content-Type: multipart/report; report-type=delivery-status; boundary="R"

        --R
        Content-Type: text/plain

        The mail system could not deliver your message to ann@example.com.
        --R
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; ann@example.com
        Action: failed
        Status: 5.1.1
        --R
        Content-Type: text/rfc822-headers

        From: Technical support <support@casework.test>
        Message-ID: <\(ours)>
        --R--
        """
      let outcome = try await app.casework.mail.receive(
        Data(report.replacingOccurrences(of: "\n", with: "\r\n").utf8), source: "test")
      #expect(outcome == .deliveryFailure(opened.record.id, opened.record.reference))
      let notes = try await app.casework.cases.messages(of: opened.record.id).filter { $0.kind == .note }
      #expect(notes.contains { $0.body.contains("Delivery failure") && $0.body.contains("could not deliver") })
      #expect(notes.contains { $0.body.contains("The email \"[\(opened.record.reference)]") })
      let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
      let entry = try #require(try await SQLOutbox(handle: handle).entries(of: opened.record.id).first)
      #expect(entry.state == "bounced")
      #expect(entry.error?.contains("could not deliver") == true)
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
    }
  }
}
