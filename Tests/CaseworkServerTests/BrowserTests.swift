import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

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
      #expect(try await requester.title() == "Contact technical support – Casework")
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
      #expect(try await staff.text("#case-status") == "Open")
      #expect(try await staff.text(".deadline .deadline-state") == "Met")
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
}
