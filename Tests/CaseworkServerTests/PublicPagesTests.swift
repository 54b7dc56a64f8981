import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Public pages")
struct PublicPagesTests {
  let validForm = [
    ("name", "Ann Example"), ("email", "ann@example.com"), ("subject", "Cannot log in"),
    ("description", "The app says my password is wrong"),
  ]

  @Test("the support form shows the safety net before anything is written, and works without JavaScript")
  func form() async throws {
    try await withApp(.sqlite) { app in
      let page = try await FormClient(app).get("/support")
      #expect(page.status == .ok)
      let html = page.html
      let notice = try #require(html.range(of: "For medical queries contact your GP practice"))
      let firstField = try #require(html.range(of: "<label for=\"name\">"))
      #expect(notice.lowerBound < firstField.lowerBound)
      #expect(html.contains("111") && html.contains("999"))
      // Once per page, prominently; and the product's own name is not shown to the public.
      #expect(html.components(separatedBy: "For medical queries contact your GP practice").count == 2)
      #expect(!html.contains("Casework"))
      #expect(html.contains("name=\"csrf_token\""))
      #expect(!html.contains("<script"))
      for id in ["name", "email", "subject", "description", "nhs_number"] {
        #expect(html.contains("<label for=\"\(id)\""), "label for \(id)")
      }
      #expect(page.headers.first(name: "Content-Security-Policy") != nil)
      #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
    }
  }

  @Test("a submission gives a reference and a private link to that case only", arguments: Engine.all)
  func submit(engine: Engine) async throws {
    try await withApp(engine) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      let (posted, confirmation) = try await client.submit("/support", validForm + [("nhs_number", "943 476 5919")])
      #expect(posted.status == .seeOther)
      #expect(confirmation.status == .ok)
      #expect(confirmation.html.contains("SR-2026-000001"))
      let link = try #require(extract(confirmation.html, after: "id=\"private-link\" href=\"", before: "\""))
      #expect(link.hasPrefix("/my-case/"))

      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(record.channel == .web)
      #expect(record.requester.nhsNumber?.digits == "9434765919")
      let staff = try await app.makeStaff()
      try await app.casework.cases.addNote(to: record.id, body: "Internal: known bug 4.2", by: .staff(staff.id))
      try await app.casework.cases.reply(to: record.id, body: "Please update to 4.3", by: .staff(staff.id))

      let mine = try await client.get(link)
      #expect(mine.status == .ok)
      #expect(mine.html.contains("Please update to 4.3"))
      #expect(mine.html.contains("The app says my password is wrong"))
      #expect(!mine.html.contains("Internal: known bug"))
      #expect(mine.html.contains("SR-2026-000001"))

      // Another case's link shows only that case; a made-up link shows nothing.
      let other = try await app.openCase(subject: "Someone else's problem")
      let theirs = try await client.get("/my-case/\(other.accessToken)")
      #expect(theirs.html.contains("Someone else&#39;s problem") || theirs.html.contains("Someone else's problem"))
      #expect(!theirs.html.contains("Please update to 4.3"))
      let forged = try await client.get("/my-case/" + String(repeating: "A", count: 43))
      #expect(forged.status == .notFound)
      #expect(forged.html.contains("check that you copied all of it"))
    }
  }

  @Test("the requester answers from their page and the case reopens", arguments: Engine.all)
  func requesterReply(engine: Engine) async throws {
    try await withApp(engine) { app in
      let opened = try await app.openCase()
      let staff = try await app.makeStaff()
      try await app.casework.cases.reply(to: opened.record.id, body: "Fixed now", by: .staff(staff.id))
      try await app.casework.cases.update(opened.record.id, with: CaseUpdate(status: .resolved), by: .staff(staff.id))
      let client = try FormClient(app)
      try await client.get("/my-case/\(opened.accessToken)")
      let empty = try await client.post("/my-case/\(opened.accessToken)/reply", [("body", "   ")])
      #expect(empty.status == .unprocessableEntity)
      #expect(empty.html.contains("href=\"#body\""))
      let sent = try await client.post("/my-case/\(opened.accessToken)/reply", [("body", "Still broken on my iPad")])
      #expect(sent.status == .seeOther)
      #expect(try await app.casework.cases.find(id: opened.record.id)?.status == .open)
      let page = try await client.get("/my-case/\(opened.accessToken)")
      #expect(page.html.contains("Still broken on my iPad"))
      #expect(page.html.contains("Open"))
    }
  }

  @Test("emergency wording puts 999 first on the confirmation and marks the case urgent")
  func emergency() async throws {
    try await withApp(.sqlite) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      var form = validForm
      form[3] = ("description", "My mum has chest pain and the app will not open")
      let page = try await client.submit("/support", form).page
      #expect(page.status == .ok)
      let html = page.html
      let call999 = try #require(html.range(of: "call 999 now"))
      let reference = try #require(html.range(of: "SR-2026-000001"))
      #expect(call999.lowerBound < reference.lowerBound)
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      #expect(record.priority == .urgent)
      #expect(record.emergencyFlag)
      let messages = try await app.casework.cases.messages(of: record.id)
      #expect(messages.first?.body == "My mum has chest pain and the app will not open")
    }
  }

  @Test("missing fields show an error summary linked to each field and keep what was typed")
  func validation() async throws {
    try await withApp(.sqlite) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      let page = try await client.post(
        "/support", [("name", "Ann"), ("email", "ann@"), ("subject", ""), ("description", "Kept text"), ("nhs_number", "123")])
      #expect(page.status == .unprocessableEntity)
      let html = page.html
      #expect(html.contains("There is a problem"))
      for (anchor, message) in [
        ("#email", "Enter an email address in the correct format"), ("#subject", "Enter a subject."),
        ("#nhs_number", "Enter a valid 10-digit NHS number"),
      ] {
        #expect(html.contains("<a href=\"\(anchor)\">\(message)"), "\(anchor)")
      }
      #expect(html.contains(">Kept text</textarea>"))
      #expect(html.contains("value=\"Ann\""))
      #expect(html.contains("aria-invalid=\"true\""))
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
    }
  }

  @Test("HTML and script in any text are escaped on every page")
  func escaping() async throws {
    try await withApp(.sqlite) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
      let (posted, page) = try await client.submit(
        "/support", [("name", evil), ("email", "x@example.com"), ("subject", evil), ("description", evil)])
      #expect(posted.status == .seeOther)
      #expect(!page.html.contains("<script>alert"))
      let link = try #require(extract(page.html, after: "id=\"private-link\" href=\"", before: "\""))
      let mine = try await client.get(link)
      #expect(!mine.html.contains("<script>alert"))
      #expect(!mine.html.contains("<img src=x"))
      #expect(mine.html.contains("&lt;script&gt;"))
      // The staff console escapes it too.
      try await app.makeStaff()
      let staff = try FormClient(app)
      try await staff.signIn("agent@casework.test")
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      for path in ["/staff/cases", "/staff/cases/\(record.id.uuidString.lowercased())"] {
        let html = try await staff.get(path).html
        #expect(!html.contains("<script>alert"), "\(path)")
        #expect(!html.contains("<img src=x"), "\(path)")
        #expect(html.contains("&lt;script&gt;"), "\(path)")
      }
    }
  }

  @Test("a form without the right CSRF token is refused with a page that says what to do, and nothing is stored")
  func csrf() async throws {
    try await withApp(.sqlite) { app in
      let client = try FormClient(app)
      let noCookie = try await client.post("/support", validForm, csrf: false)
      #expect(noCookie.status == .forbidden)
      #expect(noCookie.html.contains("This form has expired"))
      #expect(noCookie.html.contains("reload the page"))
      try await client.get("/support")
      let wrong = try await client.post("/support", validForm + [("csrf_token", "forged-token-forged-token-forged-token")])
      #expect(wrong.status == .forbidden)
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
    }
  }

  @Test("only accepted submissions count; at the limit the form comes back with what was typed, a 429 and when to try again")
  func rateLimit() async throws {
    try await withApp(.sqlite, config: testConfig { $0.publicSubmissionsPerHour = 2 }) { app in
      let client = try FormClient(app)
      // Validation errors never count.
      for _ in 0..<5 {
        try await client.get("/support")
        #expect(try await client.post("/support", [("name", "Ann")]).status == .unprocessableEntity)
      }
      for _ in 0..<2 {
        try await client.get("/support")
        #expect(try await client.post("/support", validForm).status == .seeOther)
      }
      try await client.get("/support")
      let typed = validForm.map { $0.0 == "description" ? ($0.0, "Typed with care: the app crashes on the login screen") : $0 }
      let limited = try await client.post("/support", typed)
      #expect(limited.status == .tooManyRequests)
      let retryAfter = try #require(limited.headers.first(name: .retryAfter).flatMap(Int.init))
      #expect(retryAfter > 0 && retryAfter <= 3600)
      #expect(limited.html.contains("Nothing you typed has been lost: send it again after"))
      #expect(limited.html.contains("Typed with care: the app crashes on the login screen"))
      #expect(limited.html.contains("value=\"ann@example.com\""))
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 2)
    }
  }

  @Test("one email address is limited on its own, whatever connection it comes from")
  func rateLimitPerEmail() async throws {
    try await withApp(.sqlite, config: testConfig { $0.publicSubmissionsPerEmailPerHour = 1 }) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      #expect(try await client.post("/support", validForm).status == .seeOther)
      try await client.get("/support")
      let again = try await client.post("/support", validForm.map { $0.0 == "email" ? ($0.0, " ANN@example.com ") : $0 })
      #expect(again.status == .tooManyRequests)
      #expect(again.html.contains("from this email address"))
      try await client.get("/support")
      let colleague = validForm.map { $0.0 == "email" ? ($0.0, "bob@example.com") : $0 }
      #expect(try await client.post("/support", colleague).status == .seeOther)
    }
  }

  @Test(
    "post, redirect, get: refreshing the confirmation or sending the same form again makes no second case or email",
    arguments: Engine.all)
  func postRedirectGet(engine: Engine) async throws {
    try await withApp(engine) { app in
      let client = try FormClient(app)
      try await client.get("/support")
      let (posted, confirmation) = try await client.submit("/support", validForm)
      let location = try #require(posted.location)
      #expect(location.hasPrefix("/received/"))
      #expect(confirmation.html.contains("SR-2026-000001"))
      // A refresh is a GET of the same page.
      let refreshed = try await client.get(location)
      #expect(refreshed.status == .ok)
      #expect(refreshed.html.contains("SR-2026-000001"))
      // The back button and Send again (the same form key), even twice at once.
      async let first = client.post("/support", validForm)
      async let second = client.post("/support", validForm)
      let again = try await [first, second]
      #expect(again.map(\.location) == [location, location])
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
      let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
      let emails = try await app.outboxEmails(of: record.id)
      #expect(emails.count == 1)
      // The confirmation's private link and the email's are the same and open the case.
      let link = try #require(extract(confirmation.html, after: "id=\"private-link\" href=\"", before: "\""))
      #expect(emails.first?.body.contains(link) == true)
      #expect(try await client.get(link).status == .ok)
      // A new form (a new key) is a new case.
      try await client.get("/support")
      #expect(try await client.post("/support", validForm).status == .seeOther)
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 2)
    }
  }

  @Test("NHS numbers are masked outside their own field")
  func nhsMasked() async throws {
    try await withApp(.sqlite) { app in
      let opened = try await app.openCase(description: "My NHS number is 943 476 5919 if that helps")
      let page = try await FormClient(app).get("/my-case/\(opened.accessToken)")
      #expect(page.html.contains("*** *** 5919"))
      #expect(!page.html.contains("943 476 5919"))
      #expect(opened.record.requester.nhsNumber?.digits == "9434765919")
    }
  }
}
