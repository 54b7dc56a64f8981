import CaseworkCore
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import CaseworkServer

/// The sign-in holes of issue #21: where sign-in may send you, session keys, expiry, CSRF,
/// password change, deactivation and request ids.
@Suite("Sign-in security")
struct SignInSecurityTests {
  @Test("a `next` with CR LF, a second slash or a backslash never reaches Location; the form drops it too")
  func nextIsALocalPathOnly() async throws {
    try await withApp(.sqlite) { app in
      try await app.makeStaff()
      for bad in [
        "/staff/cases\r\nSet-Cookie: x=1", "/staff/cases\nSet-Cookie: x=1", "//evil.example/staff/", "/staff//evil.example",
        "/staff/\\evil.example", "https://evil.example/staff/", "/staff/cases\u{0}", "/staff/caf\u{e9}",
        "/staff/../healthz", "/staff/%2e%2e/healthz", "/staff/./cases",
      ] {
        let client = try FormClient(app)
        try await client.get("/staff/login")
        let response = try await client.post(
          "/staff/login", [("email", "agent@casework.test"), ("password", "correct horse battery"), ("next", bad)])
        #expect(response.status == .seeOther)
        #expect(response.location == "/staff/cases", "next \(bad.debugDescription)")
        #expect(response.headers[canonicalForm: "Set-Cookie"].allSatisfy { !$0.hasPrefix("x=") })
      }
      let form = try await FormClient(app).get("/staff/login?next=%2Fstaff%2Fcases%0D%0ASet-Cookie%3A%20x%3D1").html
      #expect(form.contains("name=\"next\" value=\"/staff/cases\""))
      let client = try FormClient(app)
      try await client.get("/staff/login")
      let kept = try await client.post(
        "/staff/login",
        [("email", "agent@casework.test"), ("password", "correct horse battery"), ("next", "/staff/cases?status=open")])
      #expect(kept.location == "/staff/cases?status=open")
    }
  }

  @Test("sign-in issues a new session key: a key planted before sign-in opens nothing after it", arguments: Engine.all)
  func sessionFixation(engine: Engine) async throws {
    try await withApp(engine) { app in
      try await app.makeStaff("mallory@casework.test")
      try await app.makeStaff("root@casework.test", role: .admin)
      // The attacker signs in with an account of their own and plants that key in the victim's browser.
      let attacker = try FormClient(app)
      try await attacker.signIn("mallory@casework.test")
      let planted = try #require(attacker.cookies["casework_session"])

      let victim = try FormClient(app)
      victim.setCookie("casework_session", planted)
      try await victim.signIn("root@casework.test")
      let issued = try #require(victim.cookies["casework_session"])
      #expect(issued != planted)
      #expect(try await victim.get("/staff/users").status == .ok)

      let replay = try FormClient(app)
      replay.setCookie("casework_session", planted)
      #expect(try await replay.get("/staff/users").location?.hasPrefix("/staff/login") == true)
    }
  }

  @Test("session keys are stored as digests, anonymous visits store none, and signing out kills the key", arguments: Engine.all)
  func sessionStorage(engine: Engine) async throws {
    try await withApp(engine) { app in
      try await app.makeStaff()
      let sql = app.db as! any SQLDatabase
      let anonymous = try FormClient(app)
      #expect(try await anonymous.get("/staff/cases").location?.hasPrefix("/staff/login") == true)
      try await anonymous.get("/staff/login")
      #expect(anonymous.cookies["casework_session"] == nil)
      #expect(try await sql.raw("SELECT key_hash FROM staff_sessions").all().isEmpty)

      let client = try FormClient(app)
      try await client.signIn("agent@casework.test")
      let key = try #require(client.cookies["casework_session"])
      let stored = try await sql.raw("SELECT key_hash FROM staff_sessions").all().map {
        try $0.decode(column: "key_hash", as: String.self)
      }
      #expect(stored == [app.casework.hasher.digest(key)])
      #expect(!stored.contains(key))

      #expect(try await client.post("/staff/logout", []).location == "/staff/login")
      #expect(try await sql.raw("SELECT key_hash FROM staff_sessions").all().isEmpty)
      let replay = try FormClient(app)
      replay.setCookie("casework_session", key)
      #expect(try await replay.get("/staff/cases").location?.hasPrefix("/staff/login") == true)
    }
  }

  @Test("a sign-in ends after the idle limit and after the absolute limit; the sweep removes ended sessions")
  func sessionExpiry() async throws {
    let clock = SteppingWallClock(start: testStart)
    let config = testConfig { $0.sessionLimits = SessionLimits(idle: 30 * 60, absolute: 2 * 3600) }
    try await withApp(.sqlite, config: config, clock: clock) { app in
      try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn("agent@casework.test")
      clock.advance(by: 25 * 60)
      #expect(try await client.get("/staff/cases").status == .ok)
      clock.advance(by: 25 * 60)
      #expect(try await client.get("/staff/cases").status == .ok, "each request restarts the idle time")
      clock.advance(by: 31 * 60)
      #expect(try await client.get("/staff/cases").location?.hasPrefix("/staff/login") == true, "idle too long")

      let busy = try FormClient(app)
      try await busy.signIn("agent@casework.test")
      for _ in 0..<4 {
        clock.advance(by: 25 * 60)
        #expect(try await busy.get("/staff/cases").status == .ok)
      }
      clock.advance(by: 21 * 60)
      #expect(try await busy.get("/staff/cases").location?.hasPrefix("/staff/login") == true, "past the absolute limit")

      let idle = try FormClient(app)
      try await idle.signIn("agent@casework.test")
      let sql = app.db as! any SQLDatabase
      #expect(try await sql.raw("SELECT key_hash FROM staff_sessions").all().count == 1)
      clock.advance(by: 31 * 60)
      try await SessionSweep(services: app.casework).run()
      #expect(try await sql.raw("SELECT key_hash FROM staff_sessions").all().isEmpty)
    }
  }

  @Test(
    "signed-in forms need the token bound to the session; a planted CSRF cookie and field pass no more", arguments: Engine.all)
  func csrfBoundToSession(engine: Engine) async throws {
    try await withApp(engine) { app in
      try await app.makeStaff()
      let opened = try await app.openCase()
      let client = try FormClient(app)
      try await client.signIn("agent@casework.test")
      let bound = try #require(client.pageToken)
      let cookieToken = try #require(client.cookies["casework_csrf"])
      #expect(bound != cookieToken)
      let path = "/staff/cases/\(opened.record.id.lowercaseString)/note"
      // Double-submit alone (the cookie's value in the field, as an attacker who can set cookies would).
      let forged = try await client.post(path, [("body", "Forged"), ("csrf_token", cookieToken)])
      #expect(forged.status == .forbidden)
      #expect(try await client.post(path, [("body", "Checked the logs")]).status == .seeOther)

      // Another session's token does not fit this one.
      let other = try FormClient(app)
      try await other.signIn("agent@casework.test")
      #expect(
        try await client.post(path, [("body", "Crossed"), ("csrf_token", try #require(other.pageToken))]).status == .forbidden)
    }
  }

  @Test("changing a password asks for the current one, ends the user's other sessions and renews this one", arguments: Engine.all)
  func passwordChange(engine: Engine) async throws {
    try await withApp(engine) { app in
      try await app.makeStaff()
      let elsewhere = try FormClient(app)
      try await elsewhere.signIn("agent@casework.test")
      let client = try FormClient(app)
      try await client.signIn("agent@casework.test")
      let before = try #require(client.cookies["casework_session"])
      try await client.get("/staff/password")

      let wrong = try await client.post(
        "/staff/password",
        [("current", "not my password"), ("password", "a brand new passphrase"), ("confirm", "a brand new passphrase")])
      #expect(wrong.status == .unprocessableEntity)
      #expect(wrong.html.contains("Enter your current password."))
      for (weak, words) in [
        ("Password1234!", "too common"), ("agent-and-more-words", "does not contain your email address"),
        ("345678901234", "run or repeat"),
      ] {
        let refused = try await client.post(
          "/staff/password", [("current", "correct horse battery"), ("password", weak), ("confirm", weak)])
        #expect(refused.status == .unprocessableEntity)
        #expect(refused.html.contains(words), "\(weak)")
      }

      let changed = try await client.post(
        "/staff/password",
        [("current", "correct horse battery"), ("password", "a brand new passphrase"), ("confirm", "a brand new passphrase")])
      #expect(changed.status == .seeOther)
      let after = try #require(client.cookies["casework_session"])
      #expect(after != before)
      #expect(try await client.get("/staff/cases").status == .ok)
      #expect(try await elsewhere.get("/staff/cases").location?.hasPrefix("/staff/login") == true)
      let replay = try FormClient(app)
      replay.setCookie("casework_session", before)
      #expect(try await replay.get("/staff/cases").location?.hasPrefix("/staff/login") == true)
    }
  }

  @Test("deactivating a user or changing their role ends their sessions", arguments: Engine.all)
  func deactivationEndsSessions(engine: Engine) async throws {
    try await withApp(engine) { app in
      let agent = try await app.makeStaff()
      try await app.makeStaff("root@casework.test", role: .admin)
      let agentClient = try FormClient(app)
      try await agentClient.signIn("agent@casework.test")
      let admin = try FormClient(app)
      try await admin.signIn("root@casework.test")
      let path = "/staff/users/\(agent.id.uuidString.lowercased())"
      #expect(try await admin.post(path, [("role", "support_manager"), ("active", "true")]).status == .seeOther)
      #expect(try await agentClient.get("/staff/cases").location?.hasPrefix("/staff/login") == true)

      try await agentClient.signIn("agent@casework.test")
      #expect(try await agentClient.get("/staff/cases").status == .ok)
      #expect(try await admin.post(path, [("role", "support_manager"), ("active", "false")]).status == .seeOther)
      #expect(try await agentClient.get("/staff/cases").location?.hasPrefix("/staff/login") == true)
    }
  }

  @Test("a form posted from another site is refused whatever its token (login CSRF)")
  func crossSiteRefused() async throws {
    try await withApp(.sqlite) { app in
      try await app.makeStaff()
      let client = try FormClient(app)
      try await client.get("/staff/login")
      let body = "email=agent%40casework.test&password=correct+horse+battery&csrf_token=\(client.csrfToken)"
      var headers = HTTPHeaders()
      headers.contentType = .urlEncodedForm
      headers.replaceOrAdd(name: .cookie, value: "casework_csrf=\(client.csrfToken)")
      headers.replaceOrAdd(name: "Sec-Fetch-Site", value: "cross-site")
      let crossSite = try await app.testing().sendRequest(.POST, "/staff/login", headers: headers, body: ByteBuffer(string: body))
      #expect(crossSite.status == .forbidden)
      headers.replaceOrAdd(name: "Sec-Fetch-Site", value: "same-origin")
      let sameOrigin = try await app.testing().sendRequest(
        .POST, "/staff/login", headers: headers, body: ByteBuffer(string: body))
      #expect(sameOrigin.status == .seeOther)
    }
  }

  @Test("X-Forwarded-For is believed only from a trusted proxy, read from the right, ports and junk passed over")
  func forwardedFor() throws {
    let proxies = TrustedProxies([try #require(TrustedProxies.Range("10.0.0.0/8")), try #require(TrustedProxies.Range("::1"))])
    #expect(proxies.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9", "not a proxy")
    #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
    #expect(
      proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.2.3.4, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1",
      "what the client wrote on the left is not believed")
    #expect(proxies.clientAddress(peer: "::1", forwardedFor: ["198.51.100.1:4711", "unknown"]) == "198.51.100.1")
    #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["[2001:db8::7]:443"]) == "2001:db8::7")
    #expect(TrustedProxies.Range("10.0.0.0/33") == nil)
    #expect(TrustedProxies.Range("not-an-address") == nil)
    #expect(throws: AppConfig.Problem.self) { try AppConfig.load(from: ["CASEWORK_TRUSTED_PROXIES": "10.0.0.0/8,banana"]) }
  }

  @Test("a method an address does not serve is answered 405 with Allow, an unknown address 404")
  func methodNotAllowed() async throws {
    try await withApp(.sqlite) { app in
      try await app.testing().test(.TRACE, "/api/v1/triage") { response async in
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers.first(name: .allow) == "GET")
      }
      let id = UUID().lowercaseString
      try await app.testing().test(.DELETE, "/api/v1/cases/\(id)") { response async in
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers.first(name: .allow) == "GET, PATCH")
      }
      try await app.testing().test(.GET, "/api/v1/nothing-here") { response async in
        #expect(response.status == .notFound)
      }
    }
  }

  @Test("replies through a private link are limited per link, keeping what was typed")
  func requesterRepliesLimited() async throws {
    try await withApp(.sqlite, config: testConfig { $0.requesterRepliesPerHour = 3 }) { app in
      let opened = try await app.openCase()
      let client = try FormClient(app)
      let path = "/my-case/\(opened.accessToken)"
      try await client.get(path)
      for n in 1...3 { #expect(try await client.post("\(path)/reply", [("body", "Reply \(n)")]).status == .seeOther) }
      let limited = try await client.post("\(path)/reply", [("body", "A fourth reply I typed carefully")])
      #expect(limited.status == .unprocessableEntity)
      #expect(limited.html.contains("You have sent several replies in a short time"))
      #expect(limited.html.contains("A fourth reply I typed carefully"), "what was typed is kept")
      let bodies = try await app.casework.cases.messages(of: opened.record.id).map(\.body)
      #expect(!bodies.contains("A fourth reply I typed carefully"))
    }
  }

  @Test("an unknown email is checked against a decoy hashed at the configured cost")
  func decoyHashCost() async throws {
    for cost in [4, 6] {
      let decoy = DecoyHashes.hash(cost: cost)
      #expect(decoy.hasPrefix(String(format: "$2b$%02d$", cost)))
      #expect(DecoyHashes.hash(cost: cost) == decoy)
    }
  }

  @Test("a request id is kept only as 1-64 characters of [A-Za-z0-9._-]; anything else is replaced")
  func requestIDs() async throws {
    #expect(RequestLogging.acceptable("abc-DEF_1.2") == "abc-DEF_1.2")
    for bad in ["", "a b", "x\ny", "id\" forged=1", "é", String(repeating: "a", count: 65), "a=b"] {
      #expect(RequestLogging.acceptable(bad) == nil, "\(bad.debugDescription)")
    }
    try await withApp(.sqlite) { app in
      try await app.testing().test(.GET, "/healthz", headers: ["X-Request-Id": "abc\" status=200 forged=yes"]) { response async in
        let echoed = response.headers.first(name: "X-Request-Id") ?? ""
        #expect(!echoed.contains("forged"))
        #expect(RequestLogging.acceptable(echoed) == echoed)
      }
      try await app.testing().test(.GET, "/healthz", headers: ["X-Request-Id": "trace-42"]) { response async in
        #expect(response.headers.first(name: "X-Request-Id") == "trace-42")
      }
    }
  }
}

@Suite("Strict date-times")
struct StrictDateTimeTests {
  @Test("RFC 3339 date-times are read exactly; a minute of 99 or 30 February is refused, not rolled over")
  func strict() {
    #expect(StrictDateTime.parse("2026-11-21T09:30:00Z") == Date(timeIntervalSince1970: 1_795_253_400))
    #expect(StrictDateTime.parse("2026-11-21T10:30:00+01:00") == Date(timeIntervalSince1970: 1_795_253_400))
    #expect(StrictDateTime.parse("2026-11-21T09:30:00.250Z") == Date(timeIntervalSince1970: 1_795_253_400.25))
    for bad in [
      "2024-01-01T12:99:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21",
      "2026-11-21T09:30:00", "2026-11-21T09:30:00+1:00", "2026-11-21T09:30:00Zjunk", "2026-11-21T09:30:00.Z",
    ] {
      #expect(StrictDateTime.parse(bad) == nil, "\(bad)")
    }
  }
}
