import CaseworkCore
import CaseworkMail
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Email in: stored first, threaded safely, never duplicated")
struct InboundMailTests {
  func message(
    from: String = "Ann Example <ann@example.com>", to: String = "support@casework.test", subject: String = "Cannot log in",
    id: String = "m1@example.com", inReplyTo: String? = nil, body: String = "The app says my password is wrong.",
    authentication: [String] = []
  ) -> Data {
    var lines = authentication.map { "Authentication-Results: \($0)" }
    lines += [
      "From: \(from)", "To: \(to)", "Subject: \(subject)", "Date: Sat, 21 Nov 2026 09:00:00 +0000", "Message-ID: <\(id)>",
    ]
    if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
    lines += ["Content-Type: text/plain; charset=utf-8", "", body, ""]
    return Data(lines.joined(separator: "\r\n").utf8)
  }

  func post(_ app: Application, _ token: String, _ raw: Data) async throws -> (HTTPStatus, [String: Any]) {
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
    let response = try await app.testing().sendRequest(
      .POST, "/api/v1/inbound/email", headers: headers, body: ByteBuffer(data: raw))
    return (response.status, (try? json(response)) ?? [:])
  }

  @Test("a new message opens a case; the same message delivered again creates nothing", arguments: Engine.all)
  func openAndDeduplicate(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let (status, body) = try await post(app, token, message())
      #expect(status == .created)
      #expect(body["outcome"] as? String == "opened")
      #expect(body["reference"] as? String == "SR-2026-000001")
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(record.channel == .email)
      #expect(record.requester.email == "ann@example.com")
      #expect(record.requester.name == "Ann Example")
      #expect(try await app.casework.cases.messages(of: record.id).first?.body == "The app says my password is wrong.")
      let (again, repeated) = try await post(app, token, message())
      #expect(again == .ok)
      #expect(repeated["outcome"] as? String == "duplicate")
      #expect(repeated["caseId"] as? String == record.id.uuidString.lowercased())
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
      // No Message-ID: the bytes decide.
      let bare = Data(
        String(decoding: message(), as: UTF8.self).replacingOccurrences(of: "Message-ID: <m1@example.com>\r\n", with: "").utf8)
      #expect(try await post(app, token, bare).1["outcome"] as? String == "opened")
      #expect(try await post(app, token, bare).1["outcome"] as? String == "duplicate")
    }
  }

  @Test("many messages and re-deliveries arriving at once: each message is stored and opens one case", arguments: Engine.all)
  func concurrentDeliveries(engine: Engine) async throws {
    try await withApp(engine) { app in
      let raws = (0..<12).map { n in
        Data(
          "From: Person \(n) <p\(n)@example.com>\r\nTo: support@casework.test\r\nSubject: Question \(n)\r\nMessage-ID: <burst-\(n)@example.com>\r\n\r\nHello \(n)\r\n"
            .utf8)
      }
      // Every message three times over, all at once, so that batches hold duplicates.
      let outcomes = try await withThrowingTaskGroup(of: IntakeOutcome.self) { group in
        for raw in raws + raws + raws { group.addTask { try await app.casework.mail.receive(raw, source: "test") } }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      let opened = outcomes.filter { if case .opened = $0 { true } else { false } }
      let duplicates = outcomes.filter { if case .duplicate = $0 { true } else { false } }
      #expect(opened.count == 12)
      #expect(duplicates.count == 24)
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 12)
    }
  }

  @Test("a reply naming our signed Message-ID joins its case; a forged one does not", arguments: Engine.all)
  func signedThreading(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      _ = try await post(app, token, message())
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      try await app.casework.cases.update(record.id, with: CaseUpdate(status: .resolved), by: .system)
      let ours = app.casework.mail.ids.make(for: record.id)
      let reply = message(
        subject: "Re: your question", id: "m2@example.com", inReplyTo: ours,
        body: "Still broken.\r\n\r\nOn Sat, 21 Nov 2026 at 10:00, Support wrote:\r\n> Try again")
      let (status, body) = try await post(app, token, reply)
      #expect(status == .created)
      #expect(body["outcome"] as? String == "appended")
      #expect(body["reference"] as? String == "SR-2026-000001")
      let messages = try await app.casework.cases.messages(of: record.id)
      #expect(messages.last?.body == "Still broken.")
      #expect(try await app.casework.cases.find(id: record.id)?.status == .open)

      var forged = ours
      forged.replaceSubrange(forged.index(forged.firstIndex(of: "@")!, offsetBy: -2)..<forged.firstIndex(of: "@")!, with: "00")
      let (_, other) = try await post(app, token, message(subject: "Hello", id: "m3@example.com", inReplyTo: forged))
      #expect(other["outcome"] as? String == "opened")
    }
  }

  @Test(
    "a subject reference joins only from the case's requester; a stranger gets a new, linked, flagged case", arguments: Engine.all
  )
  func subjectReference(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      _ = try await post(app, token, message())
      let original = try #require(try await app.casework.cases.find("SR-2026-000001"))
      let fromRequester = message(
        from: "ANN@example.com", subject: "Re: [SR-2026-000001] Cannot log in", id: "m4@example.com", body: "More detail",
        authentication: [
          "mx.casework.test; dmarc=pass (p=reject) header.from=example.com; spf=pass smtp.mailfrom=ann@example.com"
        ])
      #expect(try await post(app, token, fromRequester).1["outcome"] as? String == "appended")
      let stranger = message(
        from: "Mallory <mallory@evil.example>", subject: "Re: [SR-2026-000001] Cannot log in", id: "m5@example.com",
        body: "Show me this case")
      let (_, body) = try await post(app, token, stranger)
      #expect(body["outcome"] as? String == "opened")
      #expect(body["reference"] as? String == "SR-2026-000002")
      let newCase = try #require(try await app.casework.cases.find("SR-2026-000002"))
      #expect(newCase.tags.contains("quoted-other-reference"))
      #expect(try await app.casework.cases.links(of: newCase.id).map(\.reference.description) == ["SR-2026-000001"])
      let originalMessages = try await app.casework.cases.messages(of: original.id).map(\.body)
      #expect(!originalMessages.contains("Show me this case"))
    }
  }

  @Test(
    "a subject reference from the requester's address joins only when our mail server vouched for it (RFC 8601)",
    arguments: Engine.all)
  func subjectReferenceNeedsAuthentication(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      _ = try await post(app, token, message())
      let original = try #require(try await app.casework.cases.find("SR-2026-000001"))
      let subject = "Re: [SR-2026-000001] Cannot log in"
      // No results, failed results, results for another domain, and a forged header below ours.
      let unverified: [[String]] = [
        [],
        ["mx.casework.test; spf=fail smtp.mailfrom=ann@example.com; dkim=none; dmarc=fail header.from=example.com"],
        ["mx.casework.test; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=bounce@evil.example"],
        ["mx.casework.test; spf=softfail smtp.mailfrom=ann@example.com", "evil.example; dmarc=pass header.from=example.com"],
        // Not our server's authserv-id (a sender's own header, where our server adds none).
        ["evil.example; dmarc=pass header.from=example.com"],
        // A semicolon inside a quoted value is not the start of another result.
        ["mx.casework.test; spf=fail smtp.mailfrom=\"x; dmarc=pass header.from=example.com\"@evil.example"],
        // DMARC must name the From domain.
        ["mx.casework.test; dmarc=pass"],
      ]
      for (index, results) in unverified.enumerated() {
        let forged = message(
          from: "Ann Example <ann@example.com>", subject: subject, id: "f\(index)@example.com", body: "Send the case to me",
          authentication: results)
        let (_, body) = try await post(app, token, forged)
        #expect(body["outcome"] as? String == "opened", "\(results)")
        let opened = try #require(try await app.casework.cases.find(body["reference"] as? String ?? ""))
        #expect(opened.tags.contains("sender-not-verified"))
        #expect(try await app.casework.cases.links(of: opened.id).map(\.reference.description) == ["SR-2026-000001"])
      }
      #expect(!(try await app.casework.cases.messages(of: original.id).map(\.body).contains("Send the case to me")))
      for (index, results) in [
        "mx.casework.test; dkim=pass header.d=example.com header.s=sel1",
        "mx.casework.test 1; spf=pass (sender is allowed) smtp.mailfrom=ann@mail.example.com",
        "mx.casework.test; dmarc=pass header.from=example.com",
      ].enumerated() {
        let genuine = message(
          from: "Ann Example <ann@example.com>", subject: subject, id: "g\(index)@example.com", body: "Genuine \(index)",
          authentication: [results])
        #expect(try await post(app, token, genuine).1["outcome"] as? String == "appended", "\(results)")
      }
    }
    // Without the receiving server's authserv-id configured, nothing is believed.
    try await withApp(.sqlite, config: testConfig { $0.mailAuthservID = nil }) { app in
      let (_, token) = try await app.makeToken()
      _ = try await post(app, token, message())
      let reply = message(
        subject: "Re: [SR-2026-000001] Cannot log in", id: "h1@example.com", body: "More",
        authentication: ["mx.casework.test; dmarc=pass header.from=example.com"])
      #expect(try await post(app, token, reply).1["outcome"] as? String == "opened")
    }
  }

  @Test("the address picks the kind; 'incident' in the subject flags it; unreadable parts are noted; junk is kept and refused")
  func kindsFlagsAndJunk() async throws {
    let config = testConfig { $0.mailKinds = ["complaints@casework.test": .complaint] }
    try await withApp(.sqlite, config: config) { app in
      let (_, token) = try await app.makeToken()
      let complaint = message(to: "Complaints <complaints@casework.test>", subject: "Rude reply", id: "c1@example.com")
      #expect(try await post(app, token, complaint).1["reference"] as? String == "CMP-2026-000001")
      let incident = message(subject: "INCIDENT: messages not sending", id: "i1@example.com")
      let (_, body) = try await post(app, token, incident)
      let flagged = try #require(try await app.casework.cases.find(body["reference"] as? String ?? ""))
      #expect(flagged.tags.contains("possible-incident"))
      let odd = Data(
        "From: x@example.com\r\nSubject: odd\r\nMessage-ID: <o1@x>\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nHello"
          .utf8)
      let (_, oddBody) = try await post(app, token, odd)
      let oddCase = try #require(try await app.casework.cases.find(oddBody["reference"] as? String ?? ""))
      #expect(oddCase.tags.contains("unreadable-parts"))
      let notes = try await app.casework.cases.messages(of: oddCase.id).filter { $0.kind == .note }.map(\.body)
      #expect(notes.contains { $0.contains("unknown charset") && $0.contains("no Date") })
      let (junkStatus, _) = try await post(app, token, Data("no headers here\r\nat all".utf8))
      #expect(junkStatus == .unprocessableEntity)
    }
  }

  @Test(
    "a reply whose new words ask to escalate escalates; the same words only in the quoted history do not", arguments: Engine.all)
  func escalationByReply(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      _ = try await post(app, token, message())
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      let ours = app.casework.mail.ids.make(for: record.id)
      let quotedOnly = message(
        subject: "Re: Cannot log in", id: "q1@example.com", inReplyTo: ours,
        body: "Thanks, that fixed it.\r\n\r\nOn Sat, 21 Nov 2026 at 10:00, Ann wrote:\r\n> I wish to escalate this")
      _ = try await post(app, token, quotedOnly)
      #expect(try await app.casework.cases.find(id: record.id)?.team == nil)
      let asking = message(
        subject: "Re: Cannot log in", id: "q2@example.com", inReplyTo: ours, body: "I wish to escalate this, please.")
      _ = try await post(app, token, asking)
      let escalated = try #require(try await app.casework.cases.find(id: record.id))
      #expect(escalated.team == "support_manager")
      let deadlines = try await app.casework.cases.deadlines(of: record.id)
      #expect(deadlines.contains { $0.name == "escalation_response" && $0.state == .running })
      #expect(try await app.casework.cases.messages(of: record.id).last?.body.contains("support team manager") == true)
    }
  }

  @Test("the requester's page has an Escalate button that does the same, once, and needs the form's CSRF token")
  func escalateButton() async throws {
    try await withApp(.sqlite) { app in
      let opened = try await app.openCase()
      let client = try FormClient(app)
      let page = try await client.get("/my-case/\(opened.accessToken)")
      #expect(page.html.contains(">Escalate</button>"))
      #expect(try await client.post("/my-case/\(opened.accessToken)/escalate", [], csrf: false).status == .forbidden)
      #expect(try await client.post("/my-case/\(opened.accessToken)/escalate", []).status == .seeOther)
      let after = try await client.get("/my-case/\(opened.accessToken)").html
      #expect(after.contains("id=\"escalated\""))
      #expect(!after.contains(">Escalate</button>"))
      #expect(after.contains("who will respond to you by the end of"))
      #expect(try await client.post("/my-case/not-a-real-token-but-long-enough/escalate", []).status == .notFound)
    }
  }
}

@Suite("Maildir")
struct MaildirTests {
  @Test("messages delivered into new/ are stored and threaded once, then moved to cur/")
  func watches() async throws {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casework-maildir-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withApp(.sqlite) { app in
      let watcher = MaildirWatcher(directory: directory, intake: app.casework.mail, logger: app.logger)
      #expect(try await watcher.scan() == 0)
      let new = directory.appendingPathComponent("new")
      for (index, subject) in ["First problem", "Second problem"].enumerated() {
        let raw =
          "From: ann@example.com\r\nSubject: \(subject)\r\nMessage-ID: <md\(index)@example.com>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n\r\nHello\r\n"
        try Data(raw.utf8).write(to: new.appendingPathComponent("1700000000.\(index).host"))
      }
      // The same message delivered twice (a mail server retry) is one case.
      try FileManager.default.copyItem(
        at: new.appendingPathComponent("1700000000.0.host"), to: new.appendingPathComponent("1700000000.9.host"))
      #expect(try await watcher.scan() == 3)
      #expect(try await watcher.scan() == 0)
      #expect(try FileManager.default.contentsOfDirectory(atPath: new.path).isEmpty)
      let current = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("cur").path).sorted()
      #expect(current == ["1700000000.0.host:2,S", "1700000000.1.host:2,S", "1700000000.9.host:2,S"])
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 2)
    }
  }
}

@Suite("Maildir: what is not read")
struct MaildirRefusalTests {
  @Test("a symbolic link, a folder and a file over the size limit are moved aside unread; the rest is read")
  func movesAside() async throws {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casework-maildir-\(UUID().uuidString)")
    let secret = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("casework-secret-\(UUID().uuidString)")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: secret)
    }
    try await withApp(.sqlite) { app in
      let watcher = MaildirWatcher(directory: directory, intake: app.casework.mail, logger: app.logger, maxFileBytes: 4096)
      #expect(try await watcher.scan() == 0)
      let new = directory.appendingPathComponent("new")
      let message = { (subject: String, body: String) in
        "From: ann@example.com\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@example.com>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n\r\n\(body)\r\n"
      }
      try Data(message("Secret file", "The server's private key").utf8).write(to: secret)
      try FileManager.default.createSymbolicLink(at: new.appendingPathComponent("1.link"), withDestinationURL: secret)
      try FileManager.default.createDirectory(at: new.appendingPathComponent("2.folder"), withIntermediateDirectories: true)
      try Data(message("Huge", String(repeating: "x", count: 5000)).utf8).write(to: new.appendingPathComponent("3.big"))
      try Data(message("Ordinary", "Hello").utf8).write(to: new.appendingPathComponent("4.ok"))
      #expect(try await watcher.scan() == 1)
      let refused = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("casework-refused").path)
      #expect(refused.sorted() == ["1.link", "2.folder", "3.big"])
      #expect(try FileManager.default.contentsOfDirectory(atPath: new.path).isEmpty)
      let cases = try await app.casework.cases.list(CaseQuery(includeTotal: true))
      #expect(cases.cases.map(\.subject) == ["Ordinary"])
      #expect(FileManager.default.fileExists(atPath: secret.path), "the link's target is left alone")
    }
  }
}

@Suite("Oversized email")
struct OversizedMailTests {
  @Test("a message over the size limit is kept whole, its headers read, and a case opened with a note")
  func oversized() async throws {
    let config = testConfig { $0.maxMailMegabytes = 1 }
    try await withApp(.sqlite, config: config) { app in
      let (_, token) = try await app.makeToken()
      let big = String(repeating: "A long line of an attachment that someone pasted into the body.\r\n", count: 20_000)
      let raw =
        "From: Ann <ann@example.com>\r\nSubject: Logs attached\r\nMessage-ID: <big@example.com>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n\r\n"
        + big
      #expect(raw.utf8.count > 1024 * 1024)
      var headers = HTTPHeaders()
      headers.bearerAuthorization = BearerAuthorization(token: token)
      headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
      let response = try await app.testing().sendRequest(
        .POST, "/api/v1/inbound/email", headers: headers, body: ByteBuffer(string: raw))
      #expect(response.status == .created)
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(record.subject == "Logs attached")
      #expect(record.tags.contains("unreadable-parts"))
      let notes = try await app.casework.cases.messages(of: record.id).filter { $0.kind == .note }
      #expect(notes.contains { $0.body.contains("over the 1048576-byte limit") })
    }
  }
}
