import CaseworkCore
import Foundation
import Testing

@Suite("Medical-query safety net")
struct ScreeningTests {
  let screener = Screener()

  @Test(
    "technical questions are not flagged",
    arguments: [
      "I cannot log in after the update", "The appointment booking page is blank on Android",
      "My password reset email never arrives", "My repeat prescription request is stuck on Sending",
      "The app crashes on my tablet",
    ])
  func technical(text: String) {
    let result = screener.screen(text)
    #expect(!result.isClinical)
    #expect(!result.isEmergency)
  }

  @Test(
    "clinical content is flagged without being an emergency",
    arguments: [
      "Should I take my tablets before the blood test?", "What do my test results mean?",
      "I have a rash and a fever", "Can you change my prescription dose",
    ])
  func clinical(text: String) {
    let result = screener.screen(text)
    #expect(result.isClinical)
    #expect(!result.isEmergency)
  }

  @Test(
    "emergency wording is flagged, curly apostrophes included",
    arguments: [
      "My dad has chest pain", "I can’t breathe properly", "I took an overdose", "I feel suicidal",
      "She is unconscious",
    ])
  func emergency(text: String) {
    let result = screener.screen(text)
    #expect(result.isEmergency)
    #expect(result.isClinical)
  }

  @Test("signposting puts 999 first for emergencies and GP/111 for clinical content")
  func signposting() throws {
    let text = SafetyNetText.standard
    let emergency = try #require(text.signposting(for: screener.screen("chest pain")))
    #expect(emergency.hasPrefix("If you or someone else needs urgent help, call 999 now"))
    let clinical = try #require(text.signposting(for: screener.screen("my medication")))
    #expect(clinical.contains("GP practice"))
    #expect(clinical.contains("111"))
    #expect(text.signposting(for: screener.screen("login broken")) == nil)
    #expect(text.notice.contains("111") && text.notice.contains("999") && text.notice.contains("GP practice"))
  }

  @Test("word lists come from the policy, so an administrator can change them")
  func customPolicy() {
    let custom = Screener(policy: ScreeningPolicy(emergencyTerms: ["red alert"], clinicalTerms: ["widget*"]))
    #expect(custom.screen("this is a red alert").isEmergency)
    #expect(custom.screen("widgetry question").isClinical)
    #expect(!custom.screen("chest pain").isEmergency)
  }
}

@Suite("Text helpers")
struct TextHelperTests {
  @Test("words are lower-cased, split on punctuation, and keep inner apostrophes and hyphens")
  func words() {
    let screener = Screener(policy: ScreeningPolicy(emergencyTerms: ["can't breathe"], clinicalTerms: ["x-ray", "café*"]))
    #expect(screener.screen("I CAN'T—breathe!").isEmergency)
    #expect(screener.screen("need an X-Ray, 'urgent'").clinicalMatches == ["x-ray"])
    #expect(screener.screen("Cafés are nice").clinicalMatches == ["café*"])
    #expect(!screener.screen("cantbreathe").isEmergency)
  }

  @Test("base64url matches Foundation's base64 with the URL alphabet and no padding")
  func base64url() {
    for length in 0..<40 {
      let bytes = (0..<length).map { UInt8(($0 * 37 + length) % 256) }
      let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
      #expect(Base64URL.encode(bytes) == expected, "length \(length)")
    }
    #expect(SecretGenerator.token().count == 43)
  }

  @Test("clean drops control characters but keeps line breaks and tabs")
  func clean() {
    #expect(InputRules.clean("\u{7}a\tb\u{0}\r\nc\u{85} ") == "a\tb\nc")
    #expect(InputRules.clean(" \n ") == nil)
    #expect(InputRules.clean("é ") == "é")
    #expect(InputRules.clean("a\rb\r\n\r\nc\r") == "a\rb\n\nc")
    #expect(InputRules.clean("\u{3000}\u{a0} 日本 \n") == "日本")
  }

  @Test("words drop edge hyphens and apostrophes, lower-case non-ASCII letters, and split on symbols")
  func wordEdges() {
    let screener = Screener(
      policy: ScreeningPolicy(emergencyTerms: ["hello école's"], clinicalTerms: ["42nd x", "'", "--", "école"]))
    let result = screener.screen("--'Hello'-- ÉCOLE’s 42nd €x - ' --")
    #expect(result.emergencyMatches == ["hello école's"])
    #expect(result.clinicalMatches == ["42nd x"])
  }
}
