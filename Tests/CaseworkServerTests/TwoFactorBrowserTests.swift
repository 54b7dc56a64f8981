import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor

@testable import CaseworkServer

extension BrowserJourneys {
  /// Two-factor sign-in in a real headless Chromium: set it up from the account page with the
  /// key shown there (as a person would type it into an app), keep the recovery codes, sign out,
  /// and sign back in with a code.
  @Suite("Two-factor sign-in in the browser", .serialized)
  struct TwoFactorBrowserTests {
    @Test("set up from the account page, then sign in with password and code")
    func journey() async throws {
      let clock = SteppingWallClock(start: Date(), step: 0)
      try await withApp(.sqlite, clock: clock) { app in
        try await app.makeStaff("priya@casework.test")
        func code(_ key: String) throws -> String {
          let secret = try #require(Base32.decode(key))
          return CaseworkCore.TOTP(secret: secret, hmac: TwoFactorCrypto.hmacSHA1).code(
            step: CaseworkCore.TOTP.step(at: clock.now()))
        }
        try await withBrowser(app) { browser, site in
          try await browser.open("\(site)/staff/login")
          try await browser.type("#email", "priya@casework.test")
          try await browser.type("#password", "correct horse battery")
          try await browser.click("form[action='/staff/login'] button[type=submit]")
          try await browser.click("a[href='/staff/account']")
          #expect(try await browser.text("#two-factor-state").hasPrefix("Off."))
          try await browser.click("form[action='/staff/account/two-factor/start'] button[type=submit]")
          #expect(try await browser.waitFor("Scan this QR code").contains("authenticator app"))
          #expect(try await browser.element("#qr-code svg").isEmpty == false)
          if let folder = ProcessInfo.processInfo.environment["CASEWORK_SCREENSHOTS"] {
            try await browser.screenshot(to: "\(folder)/two-factor-setup.png")
          }
          let key = try await browser.text("#manual-key")
          try await browser.type("#code", "000000")
          try await browser.click("form[action='/staff/account/two-factor/confirm'] button[type=submit]")
          #expect(try await browser.waitFor("That code is not right").isEmpty == false)
          try await browser.type("#code", try code(key))
          try await browser.click("form[action='/staff/account/two-factor/confirm'] button[type=submit]")
          #expect(try await browser.waitFor("Your recovery codes").contains("shown only now"))
          try await browser.click("header form[action='/staff/logout'] button[type=submit]")
          #expect(try await browser.waitFor("Staff sign in").isEmpty == false)

          clock.advance(by: 30)
          try await browser.type("#email", "priya@casework.test")
          try await browser.type("#password", "correct horse battery")
          try await browser.click("form[action='/staff/login'] button[type=submit]")
          #expect(try await browser.waitFor("Enter your code").isEmpty == false)
          try await browser.type("#code", try code(key))
          try await browser.click("form[action='/staff/login/code'] button[type=submit]")
          #expect(try await browser.waitFor("Inbox").isEmpty == false)
          #expect(try await browser.title().hasPrefix("Inbox"))
        }
      }
    }

    /// Saves a screenshot when CASEWORK_SCREENSHOTS names a folder, for a person to look at.
    func shoot(_ browser: BrowserSession, _ name: String) async throws {
      guard let folder = ProcessInfo.processInfo.environment["CASEWORK_SCREENSHOTS"] else { return }
      try await browser.screenshot(to: "\(folder)/\(name).png")
    }

    @Test("walked as people use it: keyboard-only sign-in with a code, the pages on a phone, the users table on a wide screen")
    func walk() async throws {
      let clock = SteppingWallClock(start: Date(), step: 0)
      try await withApp(.sqlite, clock: clock) { app in
        let user = try await app.makeStaff("priya@casework.test")
        try await app.makeStaff("root@casework.test", role: .admin)
        let complaint = try await app.casework.cases.open(
          NewCaseInput(
            kind: .complaint, channel: .web, subject: "Rude reply", description: "I was spoken to rudely.",
            requesterName: "Ann Example", requesterEmail: "ann@example.com"),
          by: .requester)
        let request = try await app.openCase()
        try await app.casework.cases.escalate(request.record.id, by: .requester)
        // Two-factor on for Priya, set up as the account page does.
        let secret = try await app.casework.twoFactor.startEnrolment(for: user)
        let totp = CaseworkCore.TOTP(secret: secret, hmac: TwoFactorCrypto.hmacSHA1)
        _ = try await app.casework.twoFactor.confirmEnrolment(
          for: user, code: totp.code(step: CaseworkCore.TOTP.step(at: clock.now())))
        clock.advance(by: 30)

        try await withBrowser(app) { browser, site in
          // Keyboard only: Tab to each field, type, Enter; the code field has focus on arrival.
          try await browser.open("\(site)/staff/login")
          #expect(try await browser.tab(to: "email"))
          try await browser.press("priya@casework.test")
          #expect(try await browser.tab(to: "password"))
          try await browser.press("correct horse battery" + Key.enter)
          #expect(try await browser.waitFor("Enter your code").isEmpty == false)
          #expect(try await browser.execute("return document.activeElement.id") as? String == "code")
          try await browser.press("000000" + Key.enter)
          #expect(try await browser.waitFor("That code is not right").isEmpty == false)
          try await shoot(browser, "walk-code-error")
          #expect(try await browser.tab(to: "code"))
          try await browser.press(totp.code(step: CaseworkCore.TOTP.step(at: clock.now())) + Key.enter)
          #expect(try await browser.waitFor("Inbox").isEmpty == false)

          // On a phone: the account page, the set-up page with its QR code, the requester's pages.
          try await browser.setWindowSize(width: 375, height: 812)
          for (path, name, expected) in [
            ("/staff/account", "walk-account-phone", "Two-factor sign-in"),
            ("/my-case/\(complaint.accessToken)", "walk-complaint-phone", "Rude reply"),
            ("/my-case/\(request.accessToken)", "walk-escalated-phone", "You asked for escalation"),
          ] {
            try await browser.open("\(site)\(path)")
            #expect(try await browser.waitFor(expected).isEmpty == false, "\(path)")
            #expect(try await browser.horizontalOverflow() <= 0, "\(path) scrolls sideways on a phone")
            try await shoot(browser, name)
          }
          try await browser.open("\(site)/my-case/\(complaint.accessToken)")
          #expect(!(try await browser.waitFor("Rude reply").contains("Not happy with our response?")))
          try await browser.open("\(site)/staff/account")
          try await browser.click("form[action='/staff/account/two-factor/start'] button[type=submit]")
          #expect(try await browser.waitFor("Scan this QR code").isEmpty == false)
          #expect(try await browser.horizontalOverflow() <= 0, "the set-up page scrolls sideways on a phone")
          try await shoot(browser, "walk-setup-phone")

          // An administrator on a wide screen: the users table with its two-factor column.
          try await browser.click("header form[action='/staff/logout'] button[type=submit]")
          try await browser.setWindowSize(width: 1440, height: 900)
          try await browser.type("#email", "root@casework.test")
          try await browser.type("#password", "correct horse battery")
          try await browser.click("form[action='/staff/login'] button[type=submit]")
          // The sign-in lands on the inbox; opening another page before then races its redirect.
          #expect(try await browser.waitFor("Root (Administrator)").isEmpty == false)
          try await browser.open("\(site)/staff/users")
          #expect(try await browser.waitFor("Two-factor sign-in").contains("On"))
          #expect(try await browser.horizontalOverflow() <= 0, "the users table scrolls sideways at 1440")
          try await shoot(browser, "walk-users-wide")
        }
      }
    }
  }
}
