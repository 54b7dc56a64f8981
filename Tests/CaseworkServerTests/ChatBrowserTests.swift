import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

extension BrowserJourneys {
  /// Live chat in two real headless browsers: a visitor and an agent exchange lines, and the
  /// visitor's network drops and comes back mid-chat with nothing lost or shown twice.
  @Suite("Live chat in the browser", .serialized)
  struct ChatBrowserTests {
    @Test("visitor and agent chat; the visitor's network drops and is restored; every line appears once")
    func chatJourney() async throws {
      try await withRunningApp(.sqlite) { app, host in
        try await app.makeStaff("priya@casework.test")
        let driver = WebDriver(client: app.client)
        try await driver.start()
        let visitor = try await driver.newSession()
        let agent = try await driver.newSession()
        do {
          try await journey(visitor: visitor, agent: agent, site: "http://\(host)")
        } catch {
          try? await visitor.screenshot(to: "/tmp/chat-visitor.png")
          try? await agent.screenshot(to: "/tmp/chat-agent.png")
          await visitor.close()
          await agent.close()
          await driver.stop()
          throw error
        }
        await visitor.close()
        await agent.close()
        await driver.stop()
      }
    }

    /// How many lines of the page's conversation log have exactly this text as their body.
    func count(_ session: BrowserSession, _ log: String, _ text: String) async throws -> Int {
      let script =
        "return Array.from(document.querySelectorAll('#\(log) li .body')).filter(function (b) { return b.textContent === \(Self.quoted(text)); }).length;"
      return (try await session.execute(script) as? Int) ?? -1
    }

    static func quoted(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    func journey(visitor: BrowserSession, agent: BrowserSession, site: String) async throws {
      // Saturday 10:00: open. The safety net comes first.
      try await visitor.open("\(site)/chat")
      #expect(try await visitor.title() == "Live chat – Technical support")
      let page = try await visitor.waitFor("Connected")
      #expect(page.contains("call 999 in an emergency only"))
      #expect(page.contains("Open now until 17:00."))
      try await visitor.type("#chat-name", "Ann Example")
      try await visitor.type("#chat-email", "ann@example.com")
      try await visitor.type("#chat-message", "My repeat prescription will not submit")
      try await visitor.click("#chat-send")
      #expect(
        try await visitor.waitFor("Your reference: SR-2026-000001").contains("A member of the support team will reply here."))

      try await agent.open("\(site)/staff/chat")
      try await agent.type("#email", "priya@casework.test")
      try await agent.type("#password", "correct horse battery")
      try await agent.click("form[action='/staff/login'] button[type=submit]")
      try await agent.waitFor("Ann Example (SR-2026-000001)")
      try await agent.click("#chat-queue .open-chat")
      #expect(try await agent.waitFor("My repeat prescription will not submit").contains("Waiting"))
      try await agent.click("#chat-accept")
      try await visitor.waitFor("Priya from the support team has joined the chat.")
      try await agent.type("#staff-chat-message", "Sorry about that. Which version of the app do you have?")
      try await agent.click("#chat-reply")
      try await visitor.waitFor("Which version of the app do you have?")
      // Markup is shown as written, never run.
      try await visitor.type("#chat-message", "<b>4.2</b> on Android")
      try await visitor.click("#chat-send")
      try await agent.waitFor("<b>4.2</b> on Android")

      // The visitor's connection drops: they write while offline, and the agent replies.
      try await visitor.setOffline(true)
      try await visitor.waitFor("Connection lost")
      try await visitor.type("#chat-message", "Written while my signal was gone")
      try await visitor.click("#chat-send")
      try await agent.type("#staff-chat-message", "Please update to 4.3 from the store.")
      try await agent.click("#chat-reply")
      try await agent.waitFor("Please update to 4.3 from the store.")
      try await Task.sleep(for: .milliseconds(500))
      #expect(try await count(visitor, "chat-log", "Please update to 4.3 from the store.") == 0)
      try await visitor.setOffline(false)
      try await visitor.waitFor("Please update to 4.3 from the store.")
      try await agent.waitFor("Written while my signal was gone")
      try await Task.sleep(for: .milliseconds(500))
      for text in [
        "My repeat prescription will not submit", "Sorry about that. Which version of the app do you have?",
        "<b>4.2</b> on Android", "Written while my signal was gone", "Please update to 4.3 from the store.",
      ] {
        #expect(try await count(visitor, "chat-log", text) == 1, "visitor sees \"\(text)\" once")
        #expect(try await count(agent, "staff-chat-log", text) == 1, "agent sees \"\(text)\" once")
      }
      #expect((try await visitor.execute("return document.querySelectorAll('#chat-log b').length;") as? Int) == 0)
      #expect(try await visitor.text("#chat-connection") == "Connected")

      // The chat's case page: a line written after it was drawn appears in its timeline.
      try await agent.click("#chat-case-link")
      #expect(try await agent.waitFor("Open the live chat").contains("Written while my signal was gone"))
      try await visitor.type("#chat-message", "Updated now, it works")
      try await visitor.click("#chat-send")
      #expect(try await agent.waitFor("Updated now, it works").contains("New in the live chat"))
    }
  }
}
