import CaseworkCore
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import CaseworkServer

/// Two-factor sign-in end to end: enrolment from the account page, the code step at sign-in,
/// a code used once, recovery codes, requiring it, and an administrator's reset.
@Suite("Two-factor sign-in")
struct TwoFactorSignInTests {
  func code(_ app: Application, _ user: StaffUser, at date: Date, pending: Bool = false) async throws -> String {
    let state = try #require(try await app.casework.twoFactor.store.state(of: user.id))
    let encoded = try #require(pending ? state.pendingSecret : state.secret)
    let secret = try #require(Base32.decode(encoded))
    return CaseworkCore.TOTP(secret: secret, hmac: TwoFactorCrypto.hmacSHA1).code(step: CaseworkCore.TOTP.step(at: date))
  }

  /// Turns two-factor on for a signed-in client; returns the recovery codes shown.
  func enrol(_ app: Application, _ client: FormClient, _ user: StaffUser, clock: SteppingWallClock) async throws -> [String] {
    try await client.get("/staff/account")
    #expect(try await client.post("/staff/account/two-factor/start", []).location == "/staff/account/two-factor")
    let page = try await client.get("/staff/account/two-factor").html
    #expect(page.contains("<svg"))
    #expect(page.contains("otpauth://totp/"))
    let wrong = try await client.post("/staff/account/two-factor/confirm", [("code", "000000")])
    #expect(wrong.status == .unprocessableEntity)
    #expect(wrong.html.contains("That code is not right"))
    let confirmed = try await client.post(
      "/staff/account/two-factor/confirm", [("code", try await code(app, user, at: clock.now(), pending: true))])
    #expect(confirmed.status == .ok)
    let list = try #require(extract(confirmed.html, after: "id=\"recovery-codes\">", before: "</ul>"))
    let codes = list.components(separatedBy: "<code>").dropFirst().compactMap { $0.components(separatedBy: "</code>").first }
    #expect(codes.count == 10)
    return codes
  }

  @Test(
    "set up from the account page; sign-in then asks for a code, accepted once; recovery codes work once", arguments: Engine.all)
  func enrolAndSignIn(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(engine, clock: clock) { app in
      let user = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(user.email)
      #expect(try await client.get("/staff/account").html.contains("id=\"two-factor-state\">Off."))
      let recovery = try await enrol(app, client, user, clock: clock)
      #expect(try await client.get("/staff/account").html.contains("You have 10 unused recovery codes"))
      let stored = try await (app.db as! any SQLDatabase).raw("SELECT code_hash FROM staff_recovery_codes").all().map {
        try $0.decode(column: "code_hash", as: String.self)
      }
      #expect(!stored.contains { hash in recovery.contains { RecoveryCodes.normalised($0) == hash } }, "kept as digests")

      clock.advance(by: 30)
      let second = try FormClient(app)
      try await second.get("/staff/login")
      let password = try await second.post(
        "/staff/login", [("email", user.email), ("password", "correct horse battery"), ("next", "/staff/triage")])
      #expect(password.location == "/staff/login/code")
      #expect(try await second.get("/staff/cases").location?.hasPrefix("/staff/login") == true, "half signed in opens nothing")
      try await second.get("/staff/login/code")
      #expect(try await second.post("/staff/login/code", [("code", "123456")]).status == .unauthorized)
      let current = try await code(app, user, at: clock.now())
      let signedIn = try await second.post("/staff/login/code", [("code", current)])
      #expect(signedIn.location == "/staff/triage")
      #expect(try await second.get("/staff/triage").status == .ok)

      // The same code again, in another browser within its 30 seconds: refused.
      let replay = try FormClient(app)
      try await replay.get("/staff/login")
      _ = try await replay.post("/staff/login", [("email", user.email), ("password", "correct horse battery")])
      try await replay.get("/staff/login/code")
      #expect(try await replay.post("/staff/login/code", [("code", current)]).status == .unauthorized)
      // A recovery code instead, once.
      let withRecovery = try await replay.post("/staff/login/code", [("code", recovery[0].uppercased())])
      #expect(withRecovery.location == "/staff/account")
      #expect(try await replay.get("/staff/account").html.contains("You have 9 unused recovery codes"))
      let again = try FormClient(app)
      try await again.get("/staff/login")
      _ = try await again.post("/staff/login", [("email", user.email), ("password", "correct horse battery")])
      try await again.get("/staff/login/code")
      #expect(try await again.post("/staff/login/code", [("code", recovery[0])]).status == .unauthorized)

      // The half-signed-in step lasts five minutes.
      let slow = try FormClient(app)
      try await slow.get("/staff/login")
      _ = try await slow.post("/staff/login", [("email", user.email), ("password", "correct horse battery")])
      try await slow.get("/staff/login/code")
      clock.advance(by: 301)
      #expect(
        try await slow.post("/staff/login/code", [("code", try await code(app, user, at: clock.now()))]).location
          == "/staff/login")
    }
  }

  @Test("CASEWORK_REQUIRE_2FA sends a user without it to set it up before any other page; it cannot then be turned off")
  func requiredForEveryone() async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(.sqlite, config: testConfig { $0.requireTwoFactor = true }, clock: clock) { app in
      let user = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(user.email)
      #expect(try await client.get("/staff/cases").location == "/staff/account")
      #expect(try await client.get("/staff/users").location == "/staff/account")
      #expect(try await client.get("/staff/account").html.contains("Two-factor sign-in is required for your account"))
      _ = try await enrol(app, client, user, clock: clock)
      #expect(try await client.get("/staff/cases").status == .ok)
      let off = try await client.post("/staff/account/two-factor/disable", [("password", "correct horse battery")])
      #expect(off.status == .unprocessableEntity)
      #expect(try await app.casework.twoFactor.state(of: user.id).isEnabled)
    }
  }

  @Test("a user who must set it up gets no chat console either, until they have")
  func requiredForTheChatConsole() async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withRunningApp(.sqlite, config: testConfig { $0.requireTwoFactor = true }, clock: clock) { app, host in
      let user = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(user.email)
      var headers = HTTPHeaders()
      headers.replaceOrAdd(name: .cookie, value: "casework_session=\(try #require(client.cookies["casework_session"]))")
      await #expect(throws: (any Error).self) {
        _ = try await ChatClient.connect("ws://\(host)/staff/chat/socket", headers: headers)
      }
      _ = try await enrol(app, client, user, clock: clock)
      headers.replaceOrAdd(name: .cookie, value: "casework_session=\(try #require(client.cookies["casework_session"]))")
      let console = try await ChatClient.connect("ws://\(host)/staff/chat/socket", headers: headers)
      try console.send(["type": "hello"])
      try await console.next("panel")
      await console.close()
    }
  }

  @Test("an administrator requires it of one user, and resets it for a user who lost their phone", arguments: Engine.all)
  func administrators(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(engine, clock: clock) { app in
      let user = try await app.makeStaff()
      try await app.makeStaff("root@casework.test", role: .admin)
      let admin = try FormClient(app)
      try await admin.signIn("root@casework.test")
      let path = "/staff/users/\(user.id.lowercaseString)/two-factor"
      #expect(try await admin.post(path, [("action", "require")]).status == .seeOther)
      #expect(try await admin.get("/staff/users").html.contains("Required, not set up yet"))

      let client = try FormClient(app)
      try await client.signIn(user.email)
      #expect(try await client.get("/staff/cases").location == "/staff/account")
      _ = try await enrol(app, client, user, clock: clock)
      #expect(try await client.get("/staff/cases").status == .ok)

      #expect(try await admin.post(path, [("action", "reset")]).status == .seeOther)
      #expect(try await client.get("/staff/cases").location?.hasPrefix("/staff/login") == true, "sessions ended")
      #expect(!(try await app.casework.twoFactor.state(of: user.id).isEnabled))
      let back = try FormClient(app)
      try await back.signIn(user.email)
      #expect(try await back.get("/staff/cases").location == "/staff/account", "still required: set up again")

      // A specialist may not do this.
      #expect(try await client.post(path, [("action", "reset")]).status != .seeOther)
    }
  }

  @Test("turning it off needs the password and signs out other sessions")
  func turnOff() async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(.sqlite, clock: clock) { app in
      let user = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(user.email)
      _ = try await enrol(app, client, user, clock: clock)
      try await client.get("/staff/account")
      let wrong = try await client.post("/staff/account/two-factor/disable", [("password", "not it at all")])
      #expect(wrong.status == .unprocessableEntity)
      #expect(try await app.casework.twoFactor.state(of: user.id).isEnabled)
      #expect(
        try await client.post("/staff/account/two-factor/disable", [("password", "correct horse battery")]).status == .seeOther)
      #expect(!(try await app.casework.twoFactor.state(of: user.id).isEnabled))
      #expect(try await client.get("/staff/account").html.contains("id=\"two-factor-state\">Off."))
    }
  }
}
