import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Staff console")
struct StaffConsoleTests {
  @Test("every console page needs a signed-in user; sign-in returns to the page asked for")
  func signInRequired() async throws {
    try await withApp(.sqlite) { app in
      try await app.makeStaff()
      let client = try FormClient(app)
      for path in ["/staff/cases", "/staff/cases/\(UUID().uuidString.lowercased())", "/staff/users", "/staff/password"] {
        let response = try await client.get(path)
        #expect(response.status == .seeOther, "\(path)")
        #expect(response.location?.hasPrefix("/staff/login?next=") == true, "\(path)")
      }
      try await client.get("/staff/login?next=%2Fstaff%2Fcases%3Fassignee%3Dme")
      let wrong = try await client.post(
        "/staff/login", [("email", "agent@casework.test"), ("password", "not the password"), ("next", "/staff/cases")])
      #expect(wrong.status == .unauthorized)
      #expect(wrong.html.contains("The email address or password is not right."))
      let right = try await client.post(
        "/staff/login",
        [("email", "AGENT@casework.test"), ("password", "correct horse battery"), ("next", "/staff/cases?assignee=me")])
      #expect(right.location == "/staff/cases?assignee=me")
      // Only console paths are followed after sign-in.
      try await client.post("/staff/logout", [])
      let offsite = try await client.post(
        "/staff/login",
        [("email", "agent@casework.test"), ("password", "correct horse battery"), ("next", "https://evil.example/")])
      #expect(offsite.location == "/staff/cases")
    }
  }

  @Test("a specialist works a case: inbox, reply, note, assign, status, tags, audit trail", arguments: Engine.withSQLiteFile)
  func workACase(engine: Engine) async throws {
    try await withApp(engine) { app in
      let agent = try await app.makeStaff()
      let colleague = try await app.makeStaff("grace@casework.test", role: .supportManager)
      let opened = try await app.openCase(subject: "Booking page blank")
      let id = opened.record.id.uuidString.lowercased()
      let client = try FormClient(app)
      try await client.signIn(agent.email)

      let inbox = try await client.get("/staff/cases")
      #expect(inbox.status == .ok)
      #expect(inbox.html.contains("SR-2026-000001"))
      #expect(inbox.html.contains("Booking page blank"))

      let page = try await client.get("/staff/cases/\(id)")
      #expect(page.status == .ok)
      #expect(page.html.contains("The app says my password is wrong"))

      let replied = try await client.submit("/staff/cases/\(id)/reply", [("body", "Which phone do you use?")])
      #expect(replied.posted.status == .seeOther)
      #expect(replied.page.html.contains("Your reply was sent to the requester."))
      let noted = try await client.submit("/staff/cases/\(id)/note", [("body", "Probably the Android 14 bug")])
      #expect(noted.page.html.contains("Your internal note was added."))
      #expect(!(try await client.get("/staff/cases/\(id)").html.contains("id=\"confirmation\"")))
      #expect(
        try await client.post("/staff/cases/\(id)/assign", [("assignee", colleague.id.uuidString.lowercased())]).status
          == .seeOther)
      #expect(try await client.post("/staff/cases/\(id)/status", [("status", "pending_requester")]).status == .seeOther)
      #expect(try await client.post("/staff/cases/\(id)/tags", [("tags", "Android, booking")]).status == .seeOther)

      let record = try #require(try await app.casework.cases.find(id: opened.record.id))
      #expect(record.status == .pendingRequester)
      #expect(record.assigneeID == colleague.id)
      #expect(record.tags == ["android", "booking"])

      let after = try await client.get("/staff/cases/\(id)").html
      #expect(after.contains("Which phone do you use?"))
      #expect(after.contains("Probably the Android 14 bug"))
      #expect(after.contains("Internal note"))
      let audit = try #require(extract(after, after: "id=\"audit-heading\"", before: "</table>"))
      #expect(audit.contains("Pending requester"))
      #expect(audit.contains("Grace"))
      #expect(audit.contains("android, booking"))
      #expect(audit.contains("Agent"))

      // The requester sees the reply but not the note.
      let mine = try await FormClient(app).get("/my-case/\(opened.accessToken)").html
      #expect(mine.contains("Which phone do you use?"))
      #expect(!mine.contains("Android 14 bug"))

      // Inbox filters: mine, assignee, text, status.
      #expect(try await client.get("/staff/cases?assignee=me").html.contains("0 cases"))
      #expect(
        try await client.get("/staff/cases?assignee=\(colleague.id.uuidString.lowercased())").html.contains("SR-2026-000001"))
      #expect(try await client.get("/staff/cases?q=booking+PAGE").html.contains("1 case"))
      #expect(try await client.get("/staff/cases?status=closed").html.contains("0 cases"))
      #expect(try await client.get("/staff/cases?tag=android").html.contains("1 case"))
    }
  }

  @Test("refused changes show the case again with the reason")
  func refusedChanges() async throws {
    try await withApp(.sqlite) { app in
      let agent = try await app.makeStaff()
      let opened = try await app.openCase()
      let id = opened.record.id.uuidString.lowercased()
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      let empty = try await client.post("/staff/cases/\(id)/reply", [("body", "")])
      #expect(empty.status == .unprocessableEntity)
      #expect(empty.html.contains("href=\"#reply\""))
      #expect(try await client.post("/staff/cases/\(id)/status", [("status", "closed")]).status == .seeOther)
      let backwards = try await client.post("/staff/cases/\(id)/status", [("status", "resolved")])
      #expect(backwards.status == .unprocessableEntity)
      #expect(backwards.html.contains("cannot be moved to resolved"))
      let badTags = try await client.post("/staff/cases/\(id)/tags", [("tags", "ok, not ok!")])
      #expect(badTags.status == .unprocessableEntity)
      #expect(try await client.get("/staff/cases/\(UUID().uuidString.lowercased())").status == .notFound)
      let noCSRF = try await client.post("/staff/cases/\(id)/note", [("body", "x"), ("csrf_token", "")])
      #expect(noCSRF.status == .forbidden)
    }
  }

  @Test("the inbox pages through many cases")
  func pagination() async throws {
    try await withApp(.sqlite) { app in
      let agent = try await app.makeStaff()
      for index in 0..<30 { _ = try await app.openCase(subject: "Case number \(index)") }
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      let first = try await client.get("/staff/cases").html
      #expect(first.contains("30 cases"))
      #expect(first.contains("Page 1 of 2"))
      #expect(first.contains("SR-2026-000030"))
      #expect(!first.contains("SR-2026-000005<"))
      let second = try await client.get("/staff/cases?page=2").html
      #expect(second.contains("Page 2 of 2"))
      #expect(second.contains("SR-2026-000005<"))
      let oldest = try await client.get("/staff/cases?sort=oldest").html
      #expect(oldest.range(of: "SR-2026-000001")!.lowerBound < oldest.range(of: "SR-2026-000002")!.lowerBound)
    }
  }

  @Test("the first administrator signs in with the one-time password and must choose a new one", arguments: Engine.all)
  func firstRun(engine: Engine) async throws {
    try await withApp(engine) { app in
      let message = try #require(try await CaseworkApp.prepareDatabase(app))
      #expect(try await CaseworkApp.prepareDatabase(app) == nil, "shown only once")
      let password = try #require(extract(message, after: "One-time password:   ", before: "\n"))
      #expect(message.contains("admin@casework.test"))
      #expect(message.contains("/staff/login"))
      let client = try FormClient(app)
      try await client.get("/staff/login")
      let signedIn = try await client.post(
        "/staff/login", [("email", "admin@casework.test"), ("password", password), ("next", "/staff/cases")])
      #expect(signedIn.location == "/staff/password")
      #expect(try await client.get("/staff/cases").location == "/staff/password")
      #expect(try await client.get("/staff/password").html.contains("One-time password"))
      let weak = try await client.post(
        "/staff/password", [("current", password), ("password", "short"), ("confirm", "short")])
      #expect(weak.status == .unprocessableEntity)
      let mismatch = try await client.post(
        "/staff/password", [("current", password), ("password", "a long enough password"), ("confirm", "another long password")])
      #expect(mismatch.html.contains("do not match"))
      let noCurrent = try await client.post(
        "/staff/password", [("password", "a long enough password"), ("confirm", "a long enough password")])
      #expect(noCurrent.html.contains("Enter the one-time password you signed in with."))
      let changed = try await client.post(
        "/staff/password", [("current", password), ("password", "a long enough password"), ("confirm", "a long enough password")])
      #expect(changed.location == "/staff/cases")
      #expect(try await client.get("/staff/cases").status == .ok)
      #expect(try await app.casework.staffAccounts.signIn(email: "admin@casework.test", password: password) == nil)
    }
  }

  @Test("only administrators manage users; others get a 403 page")
  func userAdministration() async throws {
    try await withApp(.sqlite) { app in
      let agent = try await app.makeStaff()
      let admin = try await app.makeStaff("boss@casework.test", role: .admin)
      let specialist = try FormClient(app)
      try await specialist.signIn(agent.email)
      let refused = try await specialist.get("/staff/users")
      #expect(refused.status == .forbidden)
      #expect(refused.html.contains("does not allow this"))
      #expect(
        try await specialist.post("/staff/users", [("name", "X"), ("email", "x@casework.test"), ("role", "admin")]).status
          == .forbidden)

      let client = try FormClient(app)
      try await client.signIn(admin.email)
      #expect(try await client.get("/staff/users").html.contains(agent.email))
      let created = try await client.post(
        "/staff/users", [("name", "New Person"), ("email", "new@casework.test"), ("role", "incident_manager")])
      #expect(created.status == .created)
      #expect(created.html.contains("one-time password"))
      let invalid = try await client.post("/staff/users", [("name", ""), ("email", "nope"), ("role", "wizard")])
      #expect(invalid.status == .unprocessableEntity)
      #expect(invalid.html.contains("Choose a role"))
      let newUser = try #require(try await app.casework.staff.find(email: "new@casework.test"))
      #expect(newUser.role == .incidentManager)
      #expect(newUser.mustChangePassword)
      // Deactivating a user signs them out of everything.
      #expect(
        try await client.post("/staff/users/\(agent.id.uuidString.lowercased())", [("role", "support_specialist")]).status
          == .seeOther)
      #expect(try await specialist.get("/staff/cases").status == .seeOther)
      // An administrator cannot lock themselves out.
      #expect(
        try await client.post(
          "/staff/users/\(admin.id.uuidString.lowercased())", [("role", "support_specialist"), ("active", "true")]
        ).status == .forbidden)
    }
  }

  @Test("signing out ends the session")
  func signOut() async throws {
    try await withApp(.sqlite) { app in
      let agent = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      let sessionCookie = try #require(client.cookies["casework_session"])
      #expect(try await client.post("/staff/logout", []).location == "/staff/login")
      // Even the old cookie, replayed, no longer works.
      let replay = try FormClient(app)
      _ = try await replay.get("/staff/login")
      let response = try await replay.tester.sendRequest(
        .GET, "/staff/cases", headers: ["Cookie": "casework_session=\(sessionCookie)"])
      #expect(response.status == .seeOther)
    }
  }

  @Test("failed sign-ins lock the account for a while, and an address after many; successful ones never count")
  func signInRateLimit() async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    let config = testConfig {
      $0.signInFailuresPerAccount = 5
      $0.signInFailuresPerAddress = 8
    }
    try await withApp(.sqlite, config: config, clock: clock) { app in
      try await app.makeStaff()
      // A whole office signs in from one address: successes never count.
      for n in 0..<30 { try await app.makeStaff("colleague\(n)@casework.test") }
      for n in 0..<30 { try await FormClient(app).signIn("colleague\(n)@casework.test") }

      let client = try FormClient(app)
      try await client.get("/staff/login")
      for _ in 0..<5 {
        #expect(
          try await client.post("/staff/login", [("email", "agent@casework.test"), ("password", "guess guess guess")]).status
            == .unauthorized)
      }
      let limited = try await client.post(
        "/staff/login", [("email", "Agent@casework.test"), ("password", "correct horse battery")])
      #expect(limited.status == .tooManyRequests)
      #expect(limited.headers.first(name: .retryAfter) != nil)
      #expect(limited.html.contains("too many failed attempts"))
      #expect(limited.html.contains("value=\"Agent@casework.test\""), "the email typed is kept")
      // Another account from the same address is not locked by this one's failures...
      try await FormClient(app).signIn("colleague1@casework.test")
      // ...until the address itself has failed too often.
      for _ in 0..<3 {
        _ = try await client.post("/staff/login", [("email", "nobody@casework.test"), ("password", "guess guess guess")])
      }
      #expect(
        try await client.post("/staff/login", [("email", "colleague2@casework.test"), ("password", "correct horse battery")])
          .status == .tooManyRequests)
      clock.advance(by: 15 * 60 + 1)
      try await FormClient(app).signIn("agent@casework.test")
    }
  }
}

@Suite("Linking cases")
struct CaseLinkTests {
  @Test("staff link a case to another by reference; both pages show it; mistakes are explained", arguments: Engine.all)
  func link(engine: Engine) async throws {
    try await withApp(engine) { app in
      let agent = try await app.makeStaff()
      let first = try await app.openCase(subject: "App crashes on start")
      let second = try await app.openCase(subject: "Same crash here")
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      let secondPath = "/staff/cases/\(second.record.id.uuidString.lowercased())"
      let linked = try await client.post("\(secondPath)/links", [("relation", "duplicate_of"), ("reference", "sr-2026-000001")])
      #expect(linked.status == .seeOther)
      let secondPage = try await client.get(secondPath).html
      #expect(
        secondPage.contains(
          "Duplicate of: <a href=\"/staff/cases/\(first.record.id.uuidString.lowercased())\">SR-2026-000001</a>"))
      #expect(secondPage.contains("duplicate_of SR-2026-000001"), "audit trail")
      let firstPage = try await client.get("/staff/cases/\(first.record.id.uuidString.lowercased())").html
      #expect(firstPage.contains("Has duplicate: <a href=\"\(secondPath)\">SR-2026-000002</a>"))

      let again = try await client.post("\(secondPath)/links", [("relation", "duplicate_of"), ("reference", "SR-2026-000001")])
      #expect(again.status == .unprocessableEntity)
      #expect(again.html.contains("already linked"))
      let missing = try await client.post("\(secondPath)/links", [("relation", "related"), ("reference", "SR-2026-999999")])
      #expect(missing.html.contains("href=\"#link_reference\""))
      let itself = try await client.post("\(secondPath)/links", [("relation", "related"), ("reference", "SR-2026-000002")])
      #expect(itself.html.contains("cannot be linked to itself"))
      let workflowOnly = try await client.post(
        "\(secondPath)/links", [("relation", "raised_from"), ("reference", "SR-2026-000001")])
      #expect(workflowOnly.status == .unprocessableEntity)
    }
  }
}

@Suite("Session lifetime")
struct SessionLifetimeTests {
  @Test("a staff sign-in expires after twelve hours, however busy, whatever the browser keeps")
  func expiry() async throws {
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(.sqlite, clock: clock) { app in
      let agent = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      for _ in 0..<22 {
        clock.advance(by: 30 * 60)
        #expect(try await client.get("/staff/cases").status == .ok)
      }
      clock.advance(by: 59 * 60)
      #expect(try await client.get("/staff/cases").status == .ok)
      clock.advance(by: 2 * 60)
      let expired = try await client.get("/staff/cases")
      #expect(expired.status == .seeOther)
      #expect(expired.location?.hasPrefix("/staff/login") == true)
    }
  }
}
