import CaseworkCore
import Foundation
import Testing
import Vapor

@testable import CaseworkServer

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
}
