import CaseworkCore
import CaseworkMail
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The intake switch (domain §8)")
struct IntakeSwitchTests {
  func email(_ n: Int, subject: String = "Cannot log in", extra: String = "") -> Data {
    Data(
      "From: Person \(n) <p\(n)@example.com>\r\nTo: support@casework.test\r\nSubject: \(subject)\r\nMessage-ID: <intake-\(n)@example>\r\n\(extra)\r\nHello \(n)\r\n"
        .utf8)
  }

  @Test(
    "stopped: forms show the message, the API answers 503, email waits; restarted: the email opens its case",
    arguments: Engine.all)
  func stopAndRestart(engine: Engine) async throws {
    try await withApp(engine) { app in
      let admin = try await app.makeStaff("root@casework.test", role: .admin)
      let specialist = try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
      let (_, token) = try await app.makeToken()
      let existing = try await app.openCase(email: "ann@example.com")

      let other = try FormClient(app)
      try await other.signIn(specialist.email)
      #expect(try await other.post("/staff/settings/intake", [("action", "stop"), ("message", "")]).status == .forbidden)

      let client = try FormClient(app)
      try await client.signIn(admin.email)
      #expect(
        try await client.post("/staff/settings/intake", [("action", "stop"), ("message", "Down for repairs; back by 14:00.")])
          .status
          == .seeOther)

      let publicClient = try FormClient(app)
      for path in ["/support", "/complaint"] {
        let page = try await publicClient.get(path)
        #expect(page.html.contains("Down for repairs; back by 14:00."), "\(path)")
        #expect(!page.html.contains("<textarea id=\"description\""), "\(path) shows no form")
      }
      let refused = try await publicClient.post(
        "/support", [("name", "Ann"), ("email", "a@example.com"), ("subject", "S"), ("description", "D")])
      #expect(refused.status == .serviceUnavailable)
      let api = try await app.testing().sendRequest(
        .POST, "/api/v1/cases", headers: .bearer(token),
        body: try jsonBody(["subject": "S", "description": "D", "requester": ["name": "N", "email": "n@example.com"]]))
      #expect(api.status == .serviceUnavailable)
      #expect(api.headers.first(name: .retryAfter) == "300")
      #expect(try json(api)["detail"] as? String == "Down for repairs; back by 14:00.")

      // A new email waits; a reply to an existing case goes through.
      guard case .deferred = try await app.casework.mail.receive(email(1), source: "test") else {
        Issue.record("a new email was not deferred")
        return
      }
      // From the requester, vouched for by our mail server (RFC 8601).
      let reply = email(2, subject: "Re: [\(existing.record.reference)] Cannot log in").replacingPrefix(
        "From: Person 2 <p2@example.com>",
        with: "Authentication-Results: mx.casework.test; dmarc=pass header.from=example.com\r\nFrom: Ann <ann@example.com>")
      guard case .appended = try await app.casework.mail.receive(reply, source: "test") else {
        Issue.record("a reply was not accepted")
        return
      }
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
      // The sweep does nothing while stopped.
      #expect(try await app.casework.mail.processDeferred() == 0)

      #expect(try await client.post("/staff/settings/intake", [("action", "start"), ("message", "")]).status == .seeOther)
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 2)
      let opened = try #require(
        try await app.casework.cases.list(CaseQuery(includeTotal: true)).cases.first { $0.requester.email == "p1@example.com" })
      #expect(opened.tags.contains(CaseService.receivedWhileStoppedTag))
      let acknowledgement = try await app.casework.cases.messages(of: opened.id).first { $0.kind == .outbound }
      #expect(acknowledgement?.body.contains("there may be a delay") == true)
      #expect(try await app.casework.mail.processDeferred() == 0, "processed once")

      let history = try await client.get("/staff/settings/intake").html
      #expect(history.contains("Stopped accepting"))
      #expect(history.contains("Started accepting"))
      #expect(history.contains("Root"))
      #expect(try await publicClient.get("/support").html.contains("<textarea id=\"description\""))
    }
  }
}

extension Data {
  fileprivate func replacingPrefix(_ old: String, with new: String) -> Data {
    let text = String(decoding: self, as: UTF8.self)
    guard text.hasPrefix(old) else { return self }
    return Data((new + text.dropFirst(old.count)).utf8)
  }
}
