import Foundation

/// What makes a staff password acceptable (NCSC and NIST SP 800-63B: length, not a known or
/// guessable one, no composition rules). The list is ours, kept short: passwords of 12 or more
/// characters that appear near the top of public breach corpora, and the words they are built
/// from; a password that is one of them, or one of them with digits and symbols added, is refused.
public enum PasswordRules {
  public static let minimumLength = 12
  /// bcrypt reads at most 72 bytes.
  public static let maximumBytes = 72

  /// The problem with a password for this person, in words, or nil when it is acceptable.
  public static func problem(_ password: String, name: String? = nil, email: String? = nil) -> String? {
    if password.count < minimumLength { return "Choose a password of at least \(minimumLength) characters." }
    if password.utf8.count > maximumBytes { return "Choose a password of at most \(maximumBytes) bytes." }
    let simple = lettersAndDigits(password)
    let undone = normalised(password)
    if isCommon(simple) || isCommon(undone) {
      return "This password is too common: choose another. A few unrelated words make a strong one."
    }
    if isSequence(simple) { return "Choose a password that is not a run or repeat of keys, like 123456 or qwerty." }
    if let email, let local = email.lowercased().split(separator: "@").first, local.count >= 4,
      simple.contains(lettersAndDigits(String(local)))
    {
      return "Choose a password that does not contain your email address."
    }
    for part in (name ?? "").lowercased().split(whereSeparator: { !$0.isLetter }) where part.count >= 4 {
      if simple.contains(String(part)) || undone.contains(String(part)) {
        return "Choose a password that does not contain your name."
      }
    }
    return nil
  }

  /// Lower case, nothing but letters and digits.
  static func lettersAndDigits(_ text: String) -> String {
    String(text.lowercased().filter { $0.isLetter || $0.isNumber })
  }

  /// `lettersAndDigits` with common substitutions undone (`p@ssw0rd2024!` is `password2024`):
  /// only between letters, so that numbers and symbols added at the ends stay what they are.
  static func normalised(_ text: String) -> String {
    let substitutions: [Character: Character] = [
      "@": "a", "!": "i", "$": "s", "4": "a", "3": "e", "0": "o", "1": "i", "5": "s", "7": "t",
    ]
    let characters = Array(text.lowercased())
    var result = ""
    for (index, character) in characters.enumerated() {
      if let letter = substitutions[character], index > 0, index + 1 < characters.count, characters[index - 1].isLetter,
        characters[index + 1].isLetter
      {
        result.append(letter)
      } else if character.isLetter || character.isNumber {
        result.append(character)
      }
    }
    return result
  }

  /// One of the list, or a listed word with only digits (or undone substitutions) around it.
  static func isCommon(_ plain: String) -> Bool {
    if common.contains(plain) { return true }
    let letters = plain.filter(\.isLetter)
    let core = plain.trimmingCharacters(in: .decimalDigits)
    return baseWords.contains { word in
      core == word || letters == word || core == word + word
        || (core.hasPrefix(word) && core.dropFirst(word.count).allSatisfy(\.isNumber))
    }
  }

  /// The same character over and over, or a run along the alphabet, the digits or a keyboard row.
  static func isSequence(_ plain: String) -> Bool {
    guard let first = plain.first else { return true }
    if plain.allSatisfy({ $0 == first }) { return true }
    let runs = ["abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn"]
    return runs.contains { run in
      let doubled = run + run
      return doubled.contains(plain) || String(doubled.reversed()).contains(plain)
    }
  }

  /// Whole passwords of 12 or more characters common in breach corpora (after `normalised`).
  static let common: Set<String> = [
    "password1234", "password12345", "password123456", "passwordpassword", "123456789012", "1234567890123",
    "qwertyuiop12", "qwertyuiop123", "qwerty123456", "qwertyqwerty", "iloveyou1234", "iloveyouiloveyou",
    "abc123abc123", "administrator", "administrator1", "welcome12345", "welcometoo", "changeme1234",
    "letmein12345", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "q1w2e3r4t5y6", "zaq12wsxcde3", "1qaz2wsx3edc",
    "trustno1trustno1", "superman1234", "football1234", "baseball1234", "sunshine1234", "princess1234",
    "monkey123456", "dragon123456", "master123456", "shadow123456", "michael12345", "jennifer1234",
    "liverpool123", "chelsea12345", "arsenal12345", "manchesterunited", "manutd123456", "starwars1234",
    "pokemon12345", "computer1234", "internet1234", "whatever1234", "qazwsxedcrfv", "asdfghjkl123",
    "zxcvbnm12345", "11111111111", "111111111111", "000000000000", "aaaaaaaaaaaa", "blink1821821",
    "correcthorsebatterystaple", "opensesame123", "summer2024summer", "winter2024winter",
    "nhspassword123", "nationalhealthservice", "casework1234", "technicalsupport", "supportteam123",
  ]

  /// Words that, with only digits added, make a password anyone would try first.
  static let baseWords: [String] = [
    "password", "passw0rd", "qwerty", "letmein", "welcome", "iloveyou", "admin", "administrator", "changeme", "monkey",
    "dragon", "football", "baseball", "sunshine", "princess", "master", "shadow", "superman", "trustno", "casework",
    "support", "helpdesk", "servicedesk", "secret", "default", "login", "summer", "winter", "spring", "autumn",
    "january", "february", "september", "october", "november", "december", "london", "england", "liverpool", "chelsea",
    "arsenal", "tottenham", "manchester", "nhsdigital", "hospital", "doctor", "nurse", "surgery", "practice",
  ]
}
