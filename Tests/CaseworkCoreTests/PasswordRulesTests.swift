import Testing

@testable import CaseworkCore

@Suite("Staff passwords")
struct PasswordRulesTests {
  @Test("long enough and not known: accepted; short, common, runs of keys, the person's own name or email: refused in words")
  func rules() {
    for good in ["correct horse battery", "blue kettle orbit 42", "Tamsin's garden path", "riverside-lamp-quartz"] {
      #expect(PasswordRules.problem(good, name: "Priya Shah", email: "priya.shah@example.com") == nil, "\(good)")
    }
    #expect(PasswordRules.problem("short1") == "Choose a password of at least 12 characters.")
    #expect(PasswordRules.problem(String(repeating: "é", count: 40))?.contains("72 bytes") == true)
    for common in [
      "password1234", "Password1234!", "P@ssw0rd2024!", "passwordpassword", "Qwertyuiop123", "iloveyou1234",
      "Welcome12345", "administrator", "changeme1234", "Casework2026!", "Summer2026!!", "liverpool1892",
    ] {
      #expect(PasswordRules.problem(common)?.contains("too common") == true, "\(common)")
    }
    for run in ["123456789012", "aaaaaaaaaaaaaa", "abcdefghijklm", "qwertyuiopasd", "zyxwvutsrqpon", "1qaz2wsx3edc4rfv"] {
      let problem = PasswordRules.problem(run)
      #expect(problem?.contains("run or repeat") == true || problem?.contains("too common") == true, "\(run)")
    }
    #expect(
      PasswordRules.problem("priya.shah-rocks-2026", name: "Priya Shah", email: "priya.shah@example.com")
        == "Choose a password that does not contain your email address.")
    #expect(
      PasswordRules.problem("Shahshahshah77", name: "Priya Shah", email: "ps@example.com")
        == "Choose a password that does not contain your name.")
  }
}
