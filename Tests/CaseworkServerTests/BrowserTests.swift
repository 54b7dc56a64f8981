import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

extension BrowserJourneys {
  /// The whole journey in a real headless Chromium: a member of the public asks for help, a
  /// specialist signs in, finds the case and replies, and the requester sees the reply.
  @Suite("Browser journey", .serialized)
  struct BrowserTests {
    @Test(
      "submit the form, sign in as staff, find the case, reply, see the reply on the requester's page"
    )
    func supportJourney() async throws {
      try await withApp(.sqlite) { app in
        try await app.makeStaff("priya@casework.test")
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let site = "http://127.0.0.1:\(port)"
        let driver = WebDriver(client: app.client)
        try await driver.start()
        do {
          try await journey(driver: driver, site: site)
        } catch {
          await driver.stop()
          await app.server.shutdown()
          throw error
        }
        await driver.stop()
        await app.server.shutdown()
      }
    }

    func journey(driver: WebDriver, site: String) async throws {
      let requester = try await driver.newSession()
      let staff = try await driver.newSession()
      do {
        try await requester.open("\(site)/support")
        #expect(try await requester.title() == "Contact technical support – Technical support")
        #expect(try await requester.pageText().contains("call 999 in an emergency only"))
        try await requester.type("#name", "Ann Example")
        try await requester.type("#email", "ann@example.com")
        try await requester.type("#subject", "Prescription page will not load")
        try await requester.type(
          "#description", "Tapping Repeat prescriptions shows a spinner forever on my Pixel 7.")
        try await requester.click("form[action='/support'] button[type=submit]")
        let reference = try await requester.text("#reference")
        #expect(reference == "SR-2026-000001")
        let privateLink = try #require(try await requester.attribute("#private-link", "href"))

        try await staff.open("\(site)/staff/cases")
        try await staff.type("#email", "priya@casework.test")
        try await staff.type("#password", "correct horse battery")
        try await staff.click("form[action='/staff/login'] button[type=submit]")
        #expect(try await staff.pageText().contains(reference))
        try await staff.click("table.cases a")
        #expect(try await staff.pageText().contains("spinner forever"))
        // Received on Saturday: the first response is due by the end of Tuesday.
        #expect(try await staff.text(".deadline .time-left") == "2 working days left")
        try await staff.type("#reply", "Thanks Ann: please update to version 4.3, which fixes this.")
        try await staff.click("form[action$='/reply'] button[type=submit]")
        #expect(try await staff.waitForText("#case-status", "Open"))
        #expect(try await staff.waitForText(".deadline .deadline-state", "Met"))
        try await staff.screenshot(to: NSTemporaryDirectory() + "casework-staff-case.png")

        try await requester.open(privateLink.hasPrefix("/") ? site + privateLink : privateLink)
        let page = try await requester.pageText()
        #expect(page.contains("please update to version 4.3"))
        #expect(page.contains(reference))
        try await requester.type("#body", "That worked, thank you.")
        try await requester.click("form[action$='/reply'] button[type=submit]")
        #expect(try await requester.pageText().contains("That worked, thank you."))
        try await requester.screenshot(to: NSTemporaryDirectory() + "casework-requester.png")
      } catch {
        await requester.close()
        await staff.close()
        throw error
      }
      await requester.close()
      await staff.close()
    }

    @Test("make a complaint, a manager accepts it and sends the acknowledgement, the complainant reads it")
    func complaintJourney() async throws {
      try await withApp(.sqlite) { app in
        try await app.makeStaff("grace@casework.test", role: .supportManager)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let site = "http://127.0.0.1:\(port)"
        let driver = WebDriver(client: app.client)
        try await driver.start()
        let complainant = try await driver.newSession()
        let manager = try await driver.newSession()
        do {
          try await complainant.open("\(site)/complaint")
          #expect(try await complainant.title() == "Make a complaint – Technical support")
          #expect(try await complainant.waitFor("acknowledge it in writing within 3 working days").isEmpty == false)
          try await complainant.type("#subject", "Appointment cancelled without notice")
          try await complainant.type("#description", "My appointment was cancelled and nobody told me.")
          try await complainant.type("#name", "Ann Example")
          try await complainant.type("#email", "ann@example.com")
          try await complainant.click("form[action='/complaint'] button[type=submit]")
          let reference = try await complainant.text("#reference")
          #expect(reference == "CMP-2026-000001")
          let privateLink = try #require(try await complainant.attribute("#private-link", "href"))
          // The receipt came at once, with the way back; the page says what is true for a
          // complaint just received: not "escalated".
          let record = try #require(try await app.casework.cases.find(reference))
          let receipt = try #require(try await app.outboxEmails(of: record.id).first)
          #expect(receipt.body.contains("We have received it and its reference is \(reference)"))
          let emailed = try #require(receipt.body.split(separator: "\n").last.map(String.init))
          try await complainant.open(site + String(emailed.dropFirst(app.casework.config.publicURL.count)))
          let fresh = try await complainant.pageText()
          #expect(fresh.contains("My appointment was cancelled and nobody told me."))
          #expect(!fresh.lowercased().contains("escalat"))

          try await manager.open("\(site)/staff/cases")
          try await manager.type("#email", "grace@casework.test")
          try await manager.type("#password", "correct horse battery")
          try await manager.click("form[action='/staff/login'] button[type=submit]")
          try await manager.click("table.cases a")
          try await manager.click("#complaint-link")
          // No dates were given: eligibility is undecided and a manager decides.
          #expect(try await manager.waitFor("Undecided").contains("Undecided"))
          try await manager.click("input[name=decision][value=accept]")
          try await manager.type("#decision_reason", "Happened last week, by phone call notes.")
          try await manager.click("form[action$='/time-limit'] button[type=submit]")
          #expect(try await manager.waitFor("Accepted on").contains("Send the acknowledgement"))
          try await manager.click("form[action$='/acknowledge'] button[type=submit]")
          #expect(try await manager.waitForText("#stage", "Acknowledged"))
          try await manager.click("form[action$='/move'] button[type=submit]")
          #expect(try await manager.waitForText("#stage", "Investigating"))
          #expect(try await manager.waitFor("Say what happened.").contains("Before the final response can be sent"))
          try await manager.type("#what_happened", "The practice cancelled the session.")
          try await manager.type("#what_went_wrong", "Our app did not send the cancellation notice.")
          try await manager.click("input[name=apology_given][value=yes]")
          try await manager.type("#apology_words", "We are sorry that you were not told.")
          try await manager.click("input[name=discussion_offered][value=yes]")
          try await manager.click("input[name='principles[]'][value=getting_it_right]")
          try await manager.type("#action_description", "Send cancellation notices by SMS too")
          try await manager.type("#action_owner", "Product team")
          // Dates are day, month and year fields, as GOV.UK asks for them.
          try await manager.type("#action_due", "15")
          try await manager.type("#action_due_month", "1")
          try await manager.type("#action_due_year", "2027")
          try await manager.click("form[action$='/investigation'] button[type=submit]")
          #expect(
            try await manager.waitFor("Send the final response").contains(
              "Send cancellation notices by SMS too: Product team, by 15 January 2027"))
          try await manager.click("form[action$='/respond'] button[type=submit]")
          #expect(try await manager.waitForText("#stage", "Response sent"))
          try await manager.click("form[action$='/move'] button[type=submit]")
          #expect(try await manager.waitForText("#stage", "Closed"))
          try await manager.screenshot(to: NSTemporaryDirectory() + "casework-complaint.png")

          try await complainant.open(privateLink.hasPrefix("/") ? site + privateLink : privateLink)
          let page = try await complainant.pageText()
          #expect(page.contains("Thank you for your complaint"))
          #expect(page.contains("We are sorry that you were not told."))
          #expect(page.contains("Citizens Advice"))
          #expect(page.contains(reference))
          #expect(!page.lowercased().contains("escalated"))
        } catch {
          await complainant.close()
          await manager.close()
          await driver.stop()
          await app.server.shutdown()
          throw error
        }
        await complainant.close()
        await manager.close()
        await driver.stop()
        await app.server.shutdown()
      }
    }

    @Test("triage in the browser: declare an incident from one report, link another, resolve it")
    func triageJourney() async throws {
      try await withApp(.sqlite) { app in
        try await app.makeStaff("sam@casework.test", role: .incidentManager)
        for n in 1...2 {
          _ = try await app.casework.cases.open(
            NewCaseInput(
              channel: .email, subject: "Incident: messages not arriving \(n)", description: "Nothing since 08:30.",
              requesterName: "Practice \(n)", requesterEmail: "p\(n)@example.nhs.uk",
              tags: [CaseService.possibleIncidentTag, CaseService.notifyOnResolutionTag]), by: .system)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let site = "http://127.0.0.1:\(port)"
        let driver = WebDriver(client: app.client)
        try await driver.start()
        let staff = try await driver.newSession()
        do {
          try await staff.open("\(site)/staff/triage")
          try await staff.type("#email", "sam@casework.test")
          try await staff.type("#password", "correct horse battery")
          try await staff.click("form[action='/staff/login'] button[type=submit]")
          #expect(try await staff.waitFor("SR-2026-000002").contains("SR-2026-000001"))
          try await staff.click("section.triage-item input[name=decision][value=declare]")
          try await staff.clear("section.triage-item input[name=subject]")
          try await staff.type("section.triage-item input[name=subject]", "Messaging outage")
          try await staff.click("section.triage-item select[name=impact] option[value='2']")
          try await staff.click("section.triage-item select[name=urgency] option[value='1']")
          try await staff.click("section.triage-item button.button:not(.secondary)")
          #expect(try await staff.waitForText("#severity", "1"))
          let incidentURL = try await staff.attribute("#incident-status", "id")
          #expect(incidentURL == "incident-status")

          try await staff.open("\(site)/staff/triage")
          #expect(try await staff.waitFor("SR-2026-000002").contains("Link to an open incident"))
          try await staff.click("section.triage-item input[name=decision][value=link]")
          try await staff.type("section.triage-item input[name=incident]", "INC-2026-000001")
          try await staff.click("section.triage-item button.button:not(.secondary)")
          // Wait for the incident page itself: the triage page being left also shows SR-2026-000002.
          let incidentPage = try await staff.waitFor("Resolution summary")
          #expect(incidentPage.contains("SR-2026-000001") && incidentPage.contains("SR-2026-000002"))
          try await staff.type("#summary", "A failed queue node was replaced.")
          try await staff.click("form[action$='/incident/resolve'] button[type=submit]")
          #expect(try await staff.waitForText("#incident-status", "Resolved"))
          try await staff.open("\(site)/staff/triage")
          #expect(try await staff.waitFor("No reports are waiting.").isEmpty == false)
        } catch {
          await staff.close()
          await driver.stop()
          await app.server.shutdown()
          throw error
        }
        await staff.close()
        await driver.stop()
        await app.server.shutdown()
        let reports = try await app.casework.cases.list(CaseQuery(includeTotal: true)).cases.filter { $0.kind == .supportRequest }
        for report in reports {
          let messages = try await app.casework.cases.messages(of: report.id)
          #expect(messages.contains { $0.body.contains("has been resolved") }, "\(report.reference) told")
        }
      }
    }
  }
}
