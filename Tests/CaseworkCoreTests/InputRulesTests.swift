import Foundation
import Testing

@testable import CaseworkCore

@Suite("Input rules")
struct InputRulesTests {
  @Test("plausible email addresses: one @, something before it, a dotted domain, no spaces or brackets")
  func plausibleEmail() {
    for address in ["ann@example.com", "a.b+c@nhs.net", "ÄNN@exämple.org", "x@y.z"] {
      #expect(InputRules.isPlausibleEmail(address), "\(address)")
    }
    let implausible = [
      "", "ann", "@example.com", "ann@", "ann@example", "ann@.example.com", "ann@example.com.", "ann@b@example.com",
      "ann @example.com", "ann@exa mple.com", "ann@example.com\n", "\tann@example.com", "ann\u{a0}@example.com",
      "ann@example\u{3000}.com", "<ann@example.com>", "ann@example.com,bob@example.com",
    ]
    for address in implausible {
      #expect(!InputRules.isPlausibleEmail(address), "\(address.debugDescription)")
    }
  }

  @Test("tags are lower-cased, spaces become hyphens, and anything but letters, digits, - and _ is refused")
  func tags() {
    #expect(InputRules.normaliseTag("booking") == "booking")
    #expect(InputRules.normaliseTag("log-in_2") == "log-in_2")
    #expect(InputRules.normaliseTag(" Log In ") == "log-in")
    #expect(InputRules.normaliseTag("BOOKING") == "booking")
    #expect(InputRules.normaliseTag(String(repeating: "a", count: InputRules.maxTag)) != nil)
    #expect(InputRules.normaliseTag(String(repeating: "a", count: InputRules.maxTag + 1)) == nil)
    for refused in ["", "   ", "a.b", "école", "a/b", "<b>", "tag!"] {
      #expect(InputRules.normaliseTag(refused) == nil, "\(refused.debugDescription)")
    }
  }

  @Test("clean keeps text with nothing to trim or drop as it is, and trims Unicode white space at the ends")
  func cleanEnds() {
    #expect(InputRules.clean("Cannot book") == "Cannot book")
    #expect(InputRules.clean("a") == "a")
    #expect(InputRules.clean("\u{a0}x\u{2003}") == "x")
    #expect(InputRules.clean("\u{b}x\u{c}") == "x")
    #expect(InputRules.clean("x\u{85}") == "x")
    #expect(InputRules.clean("é\u{9f}") == "é")
    #expect(InputRules.clean("\u{1c}x\u{7f}") == "x")
  }

  @Test("one-line fields lose line breaks and tabs (no header or line injection), nothing else")
  func oneLine() {
    #expect(InputRules.cleanLine("Help\r\nBcc: victim@evil.example") == "Help Bcc: victim@evil.example")
    #expect(InputRules.cleanLine("  a\n\n\tb \u{2028} c  ") == "a b c")
    #expect(InputRules.cleanLine("Plain subject") == "Plain subject")
    #expect(InputRules.cleanLine("\n\r\n") == nil)
    let input = NewCaseInput(
      channel: .web, subject: "Line\nBreak", description: "Keeps\nits lines", requesterName: "Ann\nEx",
      requesterEmail: "a@example.com")
    let valid = try? input.validated(now: Date())
    #expect(valid?.subject == "Line Break")
    #expect(valid?.description == "Keeps\nits lines")
    #expect(valid?.requester.name == "Ann Ex")
  }

  @Test("lengths count the text as sent, as the API's JSON Schema does, not what is left after cleaning")
  func lengthsCountWhatWasSent() {
    // 201 code points, one of them a control character that cleaning drops: still too long.
    let padded = String(repeating: "o", count: 200) + "\u{1}"
    let input = NewCaseInput(
      channel: .api, subject: padded, description: "d", requesterName: "Ann", requesterEmail: "a@example.com",
      organisation: padded)
    #expect(throws: CaseworkError.self) { try input.validated(now: Date()) }
    do {
      _ = try input.validated(now: Date())
    } catch {
      guard case .invalid(let errors) = error else { return }
      #expect(errors.map(\.field) == ["subject", "requester.organisation"])
    }
    // An optional field of white space only, but too long, is refused too.
    let spaces = NewCaseInput(
      channel: .api, subject: "s", description: "d", requesterName: "Ann", requesterEmail: "a@example.com",
      organisation: String(repeating: " ", count: InputRules.maxOrganisation + 1))
    #expect(throws: CaseworkError.self) { try spaces.validated(now: Date()) }
    // At the limit exactly, with multi-byte characters: accepted.
    let atLimit = NewCaseInput(
      channel: .api, subject: String(repeating: "é", count: InputRules.maxSubject), description: "d", requesterName: "Ann",
      requesterEmail: "a@example.com")
    #expect((try? atLimit.validated(now: Date()))?.subject.unicodeScalars.count == InputRules.maxSubject)
    #expect(InputRules.isTooLong(String(repeating: "\u{7f}", count: 6), max: 5))
    #expect(!InputRules.isTooLong(String(repeating: "é", count: 5), max: 5))
    #expect(!InputRules.isTooLong(nil, max: 0))
  }

  @Test("a received date before 2000 is refused: old calendars shift it, and no case reached us then")
  func ancientReceivedDate() throws {
    let now = Date()
    func input(_ date: Date) -> NewCaseInput {
      NewCaseInput(
        channel: .api, subject: "s", description: "d", requesterName: "Ann", requesterEmail: "a@example.com",
        receivedAt: date)
    }
    let year400 = try #require(ISO8601DateFormatter().date(from: "0400-08-08T07:34:12Z"))
    #expect(
      throws: CaseworkError.invalid([FieldError(field: "receivedAt", message: "The date received must be after 1 January 2000.")])
    ) {
      try input(year400).validated(now: now)
    }
    #expect((try? input(InputRules.earliestReceived).validated(now: now)) != nil)
  }
}
