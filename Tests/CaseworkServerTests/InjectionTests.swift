import CaseworkCore
import CaseworkMail
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Hostile text through every way in (public forms, the API, email headers and bodies, chat
/// lines), then every page that shows it, public and staff: nothing runs, no header is added,
/// nothing answers 500.
@Suite("Injection list")
struct InjectionTests {
  /// Markup, attribute breakers, header breakers, NUL, direction overrides and odd Unicode.
  static let payloads = [
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)' x='",
    "</textarea><svg onload=alert(1)>",
    "{{7*7}} #(layout.csrf) ${jndi:ldap://x}",
    "Line one\r\nBcc: victim@evil.example\r\nX-Injected: yes",
    "nul\u{0}byte",
    "\u{202E}gnp.exe\u{200B}\u{FEFF} ẞ ﷽ 👩🏽‍⚕️ Z̷̛̖a̶l̵g̷o",
  ]

  /// What must never appear in a page as it is: each would run or break out of an attribute.
  static let forbidden = [
    "<script>alert('xss')</script>", "<img src=x onerror", "' onmouseover='", "<svg onload", "</textarea><svg",
  ]

  func checkEscaped(_ html: String, _ where: String) {
    for raw in Self.forbidden { #expect(!html.contains(raw), "\(`where`) shows \(raw) unescaped") }
  }

  @Test("hostile text through forms, API, email and chat is stored, shown escaped everywhere, and never breaks a header")
  func everywhere() async throws {
    try await withRunningApp(.sqlite) { app, host in
      let (_, token) = try await app.makeToken(role: .admin, email: "root@casework.test")
      var statuses: [String: HTTPStatus] = [:]
      var privateLinks: [String] = []
      for (index, payload) in Self.payloads.enumerated() {
        let client = try FormClient(app)
        try await client.get("/support")
        let support = try await client.post(
          "/support",
          [
            ("name", "Ann \(payload)"), ("email", "ann\(index)@example.com"), ("subject", "Help \(payload)"),
            ("description", "It broke: \(payload)"),
          ])
        statuses["support \(index)"] = support.status
        checkEscaped(support.html, "support answer \(index)")
        if let link = extract(support.html, after: "id=\"private-link\" href=\"", before: "\"") { privateLinks.append(link) }
        for (path, fields) in [
          (
            "/complaint", [("name", payload), ("email", "c\(index)@example.com"), ("subject", payload), ("description", payload)]
          ),
          (
            "/report-incident",
            [("name", payload), ("email", "i\(index)@example.com"), ("organisation", payload), ("description", payload)]
          ),
        ] {
          try await client.get(path)
          let response = try await client.post(path, fields)
          statuses["\(path) \(index)"] = response.status
          checkEscaped(response.html, "\(path) answer \(index)")
        }
        let api = try await app.testing().sendRequest(
          .POST, "/api/v1/cases", headers: .bearer(token),
          body: try jsonBody([
            "subject": "API \(payload)", "description": payload,
            "requester": ["name": payload, "email": "a\(index)@example.com"],
          ]))
        statuses["api \(index)"] = api.status
        // An email whose headers carry the payload (folded onto one line: a raw CR LF would
        // simply end the header) and whose body carries it as it is.
        let headerSafe = payload.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\u{0}", with: "")
        let raw =
          "From: \"\(headerSafe.replacingOccurrences(of: "\"", with: "'"))\" <m\(index)@example.com>\r\nSubject: \(headerSafe)\r\nMessage-ID: <inj\(index)@example.com>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n\r\n\(payload)\r\n"
        var headers = HTTPHeaders.bearer(token)
        headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
        let mail = try await app.testing().sendRequest(
          .POST, "/api/v1/inbound/email", headers: headers, body: ByteBuffer(string: raw))
        statuses["email \(index)"] = mail.status

        let visitor = try await ChatClient.connect("ws://\(host)/chat/socket")
        try visitor.send(["type": "hello", "lastSeq": 0])
        try await visitor.next("welcome")
        try visitor.send(["type": "send", "clientId": "x\(index)", "body": "Chat \(payload)", "name": payload])
        let answer = try await visitor.next("received", timeout: 10) { _ in true }
        #expect(answer["seq"] as? Int == 1)
        await visitor.close()
      }
      for (what, status) in statuses {
        #expect(status.code < 500, "\(what) answered \(status.code)")
      }

      // Every page that shows what came in.
      let staff = try FormClient(app)
      try await staff.signIn("root@casework.test")
      var pages = ["/staff/cases", "/staff/cases?q=script", "/staff/triage", "/staff/notifications", "/status"]
      let cases = try await app.casework.cases.list(CaseQuery(limit: 200)).cases
      #expect(cases.count >= Self.payloads.count * 4)
      for record in cases {
        pages.append("/staff/cases/\(record.id.lowercaseString)")
        if record.kind == .complaint { pages.append("/staff/cases/\(record.id.lowercaseString)/complaint") }
      }
      for path in pages {
        let page = try await staff.get(path)
        #expect(page.status.code < 500, "\(path)")
        checkEscaped(page.html, path)
      }
      for link in privateLinks {
        let page = try await FormClient(app).get(link)
        #expect(page.status == .ok)
        checkEscaped(page.html, "the requester's page")
      }
      // Outgoing email: the subject is one header line; nothing was added to the headers.
      let outbox = try await (app.db as! any SQLDatabase).raw("SELECT subject FROM outbox").all().map {
        try $0.decode(column: "subject", as: String.self)
      }
      #expect(!outbox.isEmpty)
      for subject in outbox {
        #expect(!subject.contains("\r") && !subject.contains("\n"), "\(subject.debugDescription)")
        let rendered = OutgoingMail(
          from: MailAddress(address: "support@casework.test"), to: [MailAddress(address: "ann@example.com")], subject: subject,
          text: "x", messageID: "check@casework.test", date: Date()
        ).render()
        let parsed = try MailParser.parse(rendered)
        #expect(parsed.headers.all("Bcc").isEmpty && parsed.headers.all("X-Injected").isEmpty)
        #expect(parsed.subject == subject)
      }
    }
  }
}
