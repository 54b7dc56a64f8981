import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

extension BrowserJourneys {
  /// The seed policies' promises walked in Chromium as the people would (issue 20): a patient on
  /// a phone, a specialist and a support team manager on a wide screen.
  @Suite("Promises kept, in the browser", .serialized)
  struct PromiseBrowserTests {
    func signIn(_ browser: BrowserSession, site: String, email: String) async throws {
      try await browser.open("\(site)/staff/login")
      try await browser.type("#email", email)
      try await browser.type("#password", "correct horse battery")
      try await browser.click("form[action='/staff/login'] button[type=submit]")
      _ = try await browser.waitFor("Sign out")
    }

    func signOut(_ browser: BrowserSession) async throws {
      try await browser.click("form[action='/staff/logout'] button[type=submit]")
      _ = try await browser.waitFor("Sign in")
    }

    @Test(
      "a refresh sends nothing twice; the email's link leads back; an escalation waits for a manager, who is told and answers it"
    )
    func escalationJourney() async throws {
      try await withApp(.sqlite) { app in
        try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
        let manager = try await app.makeStaff("mo@casework.test", role: .supportManager)
        try await withBrowser(app) { browser, site in
          // The patient, on a phone.
          try await browser.setWindowSize(width: 375, height: 812)
          try await browser.open("\(site)/support")
          try await browser.type("#name", "Ann Example")
          try await browser.type("#email", "ann@example.com")
          try await browser.type("#subject", "Cannot see my prescriptions")
          // A pasted link with no break in it must still wrap on a phone.
          try await browser.type(
            "#description",
            "The prescriptions page is blank since yesterday. https://app.example.com/prescriptions/repeat?session="
              + String(repeating: "x7Q9", count: 40))
          try await browser.click("form[action='/support'] button[type=submit]")
          #expect(try await browser.text("#reference") == "SR-2026-000001")
          // Refreshing the confirmation shows it again and makes nothing new.
          _ = try await browser.execute("location.reload()")
          #expect(try await browser.text("#reference") == "SR-2026-000001")
          #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
          let record = try #require(try await app.casework.cases.find("SR-2026-000001"))
          // The acknowledgement email carries the private link, and it opens the case.
          let acknowledgement = try #require(try await app.outboxEmails(of: record.id).first)
          #expect(acknowledgement.to == "ann@example.com")
          let link = try #require(acknowledgement.body.split(separator: "\n").last.map(String.init))
          #expect(link.hasPrefix(app.casework.config.publicURL + "/my-case/"))
          let path = String(link.dropFirst(app.casework.config.publicURL.count))
          try await browser.open(site + path)
          #expect(try await browser.pageText().contains("The prescriptions page is blank since yesterday."))
          let overflow = try await browser.horizontalOverflow()
          let wide = try await browser.execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')"
          )
          #expect(overflow == 0, "wider than the phone: \(wide ?? "")")
          try await browser.click("form[action$='/escalate'] button[type=submit]")
          let promised = try await browser.text("#escalated")
          #expect(promised.contains("support team manager"))
          #expect(promised.contains("by the end of"))
          try await browser.screenshot(to: NSTemporaryDirectory() + "casework-escalated-phone.png")

          // A specialist replies: welcome, but the escalation still waits for a manager.
          try await browser.setWindowSize(width: 1440, height: 900)
          try await signIn(browser, site: site, email: "sam@casework.test")
          try await browser.open("\(site)/staff/cases/\(record.id.lowercaseString)")
          try await browser.type("#reply", "A manager will look at this; sorry for the wait.")
          try await browser.click("form[action$='/reply'] button[type=submit]")
          _ = try await browser.waitFor("A manager will look at this")
          try await browser.open("\(site)/staff/escalations")
          #expect(try await browser.text("#escalations").contains("SR-2026-000001"))
          #expect(try await browser.attribute("a[href='/staff/escalations']", "aria-current") == "page")
          try await signOut(browser)

          // The manager has been told, finds it in the queue, and answers it.
          try await signIn(browser, site: site, email: manager.email)
          #expect(try await browser.text("#nav-notifications").contains("1 unread"))
          try await browser.open("\(site)/staff/notifications")
          #expect(try await browser.text("#notifications").contains("Escalation"))
          #expect(try await browser.text("#notifications").contains("SR-2026-000001 was escalated by the requester"))
          try await browser.open("\(site)/staff/escalations")
          let row = try await browser.text("#escalations")
          #expect(row.contains("Support team managers"))
          #expect(row.contains("working days left") || row.contains("working day left"))
          try await browser.screenshot(to: NSTemporaryDirectory() + "casework-escalations-wide.png")
          try await browser.click("#escalations a")
          try await browser.type("#reply", "I am the support team manager. Here is what we will do.")
          try await browser.click("form[action$='/reply'] button[type=submit]")
          _ = try await browser.waitFor("Here is what we will do.")
          try await browser.open("\(site)/staff/escalations")
          #expect(try await browser.text("#escalation-count") == "No escalations are waiting for an answer.")
          let emails = try await app.outboxEmails(of: record.id)
          #expect(emails.contains { $0.to == manager.email && $0.subject == "Escalation: SR-2026-000001" })
          #expect(emails.filter { $0.to == "ann@example.com" }.allSatisfy { $0.body.hasSuffix(link) })
        }
      }
    }

    @Test("at the limit, the form comes back with everything typed and the reason, and focus on it")
    func limitKeepsTheText() async throws {
      try await withApp(.sqlite, config: testConfig { $0.publicSubmissionsPerEmailPerHour = 1 }) { app in
        try await withBrowser(app) { browser, site in
          try await browser.setWindowSize(width: 375, height: 812)
          for attempt in 1...2 {
            try await browser.open("\(site)/support")
            try await browser.type("#name", "Dr Rao, Riverside Surgery")
            try await browser.type("#email", "practice@nhs.net")
            try await browser.type("#subject", "Booking screen \(attempt)")
            try await browser.type("#description", "Patients cannot book: attempt \(attempt), typed with care.")
            try await browser.click("form[action='/support'] button[type=submit]")
            // Wait for the answer: opening the form again while the first post is in flight races it.
            if attempt == 1 { _ = try await browser.waitFor("Request received") }
          }
          let summary = try await browser.text(".error-summary")
          #expect(summary.contains("from this email address"))
          #expect(summary.contains("Nothing you typed has been lost"))
          #expect(try await browser.execute("return document.activeElement.className") as? String == "error-summary")
          #expect(
            try await browser.execute("return document.getElementById('description').value") as? String
              == "Patients cannot book: attempt 2, typed with care.")
          #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
        }
      }
    }

    @Test("an emergency is told to call 999 first, sits above a hundred others in the inbox, and staff are alerted")
    func emergencyJourney() async throws {
      try await withApp(.sqlite) { app in
        try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
        let manager = try await app.makeStaff("mo@casework.test", role: .supportManager)
        for index in 0..<30 { _ = try await app.openCase(subject: "Font size \(index)", description: "The text is too small") }
        try await withBrowser(app) { browser, site in
          try await browser.setWindowSize(width: 375, height: 812)
          try await browser.open("\(site)/support")
          try await browser.type("#name", "Ann Example")
          try await browser.type("#email", "ann@example.com")
          try await browser.type("#subject", "App will not open")
          try await browser.type("#description", "I have chest pain and the app will not open to book.")
          try await browser.click("form[action='/support'] button[type=submit]")
          let page = try await browser.pageText()
          let call999 = try #require(page.range(of: "call 999 now"))
          let reference = try #require(page.range(of: "SR-2026-000031"))
          #expect(call999.lowerBound < reference.lowerBound)

          try await browser.setWindowSize(width: 1440, height: 900)
          try await signIn(browser, site: site, email: "sam@casework.test")
          #expect(try await browser.text("#nav-notifications").contains("1 unread"))
          // Above the listing, whatever its order: the emergency, due within the hour.
          for sort in ["newest", "oldest", "deadline"] {
            try await browser.open("\(site)/staff/cases?sort=\(sort)")
            let emergencies = try await browser.text("#emergencies")
            #expect(emergencies.contains("SR-2026-000031"))
            #expect(emergencies.contains("Emergency"))
            #expect(emergencies.contains("hour") || emergencies.contains("minute"))
          }
          try await browser.open("\(site)/staff/cases?sort=deadline")
          #expect(try await browser.text("table.cases#emergencies tbody tr td a") == "SR-2026-000031")
          try await browser.screenshot(to: NSTemporaryDirectory() + "casework-emergency-inbox.png")
          let record = try #require(try await app.casework.cases.find("SR-2026-000031"))
          #expect(
            try await app.outboxEmails(of: record.id).contains {
              $0.to == manager.email && $0.subject == "Emergency: SR-2026-000031"
            })
          // Once answered, it leaves the emergencies and takes its place in the listing.
          try await browser.click("#emergencies a")
          try await browser.type("#reply", "Please call 999 now if you have chest pain. We will look at the app.")
          try await browser.click("form[action$='/reply'] button[type=submit]")
          _ = try await browser.waitFor("We will look at the app.")
          try await browser.open("\(site)/staff/cases")
          #expect(!(try await browser.pageText().contains("Emergencies waiting for a first response")))
        }
      }
    }
  }
}
