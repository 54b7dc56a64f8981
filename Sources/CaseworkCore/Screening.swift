import Foundation

/// Word lists that decide when a message looks clinical or like an emergency (domain §2).
/// A term is a word or phrase; a trailing `*` matches any word that starts with it.
public struct ScreeningPolicy: Sendable, Codable, Equatable {
  public var emergencyTerms: [String]
  public var clinicalTerms: [String]

  public init(emergencyTerms: [String], clinicalTerms: [String]) {
    self.emergencyTerms = emergencyTerms
    self.clinicalTerms = clinicalTerms
  }

  public static let standard = ScreeningPolicy(
    emergencyTerms: [
      "chest pain", "chest pains", "can't breathe", "cannot breathe", "can not breathe",
      "struggling to breathe", "not breathing", "stopped breathing", "overdose*", "suicid*",
      "kill myself", "end my life", "self harm", "self-harm", "unconscious", "heart attack",
      "stroke", "seizure*", "fitting", "anaphyla*", "severe bleeding", "bleeding heavily",
      "choking", "collapsed",
    ],
    clinicalTerms: [
      "symptom*", "pain", "painful", "ache*", "medication*", "medicine*", "prescribed", "my tablets",
      "these tablets", "the tablets", "pills", "painkiller*", "dose", "dosage", "antibiotic*", "side effect*", "test result*",
      "blood test*", "results of my", "diagnos*", "rash", "fever", "temperature", "headache*",
      "infection", "vomit*", "dizzy", "dizziness", "nausea", "cough*", "swelling", "swollen",
      "lump", "bleeding", "pregnan*", "vaccin*", "jab", "injection", "inhaler", "insulin",
      "blood pressure", "x-ray", "scan result*", "referral", "appointment with the doctor",
      "appointment with my doctor", "appointment with the gp", "appointment with my gp",
      "appointment with a nurse", "see a doctor", "see the doctor", "should i take",
      "is it safe to take", "feel unwell", "feeling unwell", "ill",
    ]
  )
}

/// What screening found in a piece of text.
public struct ScreeningResult: Sendable, Equatable {
  public var emergencyMatches: [String]
  public var clinicalMatches: [String]
  public var nhsNumbers: [NHSNumber]

  public init(emergencyMatches: [String] = [], clinicalMatches: [String] = [], nhsNumbers: [NHSNumber] = []) {
    self.emergencyMatches = emergencyMatches
    self.clinicalMatches = clinicalMatches
    self.nhsNumbers = nhsNumbers
  }

  public var isEmergency: Bool { !emergencyMatches.isEmpty }
  /// Emergency wording is clinical content too.
  public var isClinical: Bool { isEmergency || !clinicalMatches.isEmpty }
}

/// Screens incoming text for clinical content and emergency wording. Nothing is removed:
/// the caller stores the message whatever the result.
public struct Screener: Sendable {
  public let policy: ScreeningPolicy
  private let emergency: [[String]]
  private let clinical: [[String]]

  public init(policy: ScreeningPolicy = .standard) {
    self.policy = policy
    emergency = policy.emergencyTerms.map(Self.words)
    clinical = policy.clinicalTerms.map(Self.words)
  }

  public func screen(_ texts: String...) -> ScreeningResult { screen(texts) }

  public func screen(_ texts: [String]) -> ScreeningResult {
    var result = ScreeningResult()
    for text in texts {
      let words = Self.words(text)
      result.emergencyMatches += matches(of: emergency, terms: policy.emergencyTerms, in: words)
      result.clinicalMatches += matches(of: clinical, terms: policy.clinicalTerms, in: words)
      result.nhsNumbers += NHSNumber.find(in: text)
    }
    result.emergencyMatches = Self.unique(result.emergencyMatches)
    result.clinicalMatches = Self.unique(result.clinicalMatches)
    return result
  }

  private func matches(of phrases: [[String]], terms: [String], in words: [String]) -> [String] {
    zip(phrases, terms).compactMap { phrase, term in
      contains(phrase, in: words) ? term : nil
    }
  }

  private func contains(_ phrase: [String], in words: [String]) -> Bool {
    guard !phrase.isEmpty, words.count >= phrase.count else { return false }
    for start in 0...(words.count - phrase.count) {
      var matched = true
      for (offset, term) in phrase.enumerated() {
        let word = words[start + offset]
        if term.hasSuffix("*") {
          if !word.hasPrefix(term.dropLast()) { matched = false; break }
        } else if word != term {
          matched = false
          break
        }
      }
      if matched { return true }
    }
    return false
  }

  /// Lower-cased words; apostrophes kept inside words (curly ones straightened), hyphens kept,
  /// everything else splits.
  static func words(_ text: String) -> [String] {
    let normalised = text.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
    var words: [String] = []
    var current = ""
    for character in normalised {
      if character.isLetter || character.isNumber || character == "'" || character == "-" || character == "*" {
        current.append(character)
      } else if !current.isEmpty {
        words.append(current.trimmingCharacters(in: CharacterSet(charactersIn: "'-")))
        current = ""
      }
    }
    if !current.isEmpty { words.append(current.trimmingCharacters(in: CharacterSet(charactersIn: "'-"))) }
    return words.filter { !$0.isEmpty }
  }

  private static func unique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }
}

/// The words every public intake point shows, and the signposting sent back when screening
/// finds clinical content (domain §2).
public struct SafetyNetText: Sendable, Codable, Equatable {
  public var notice: String
  public var clinicalSignposting: String
  public var emergencySignposting: String

  public init(notice: String, clinicalSignposting: String, emergencySignposting: String) {
    self.notice = notice
    self.clinicalSignposting = clinicalSignposting
    self.emergencySignposting = emergencySignposting
  }

  public static let standard = SafetyNetText(
    notice:
      "This service answers technical questions about the app only. We cannot see your GP record and cannot give medical advice. For medical queries contact your GP practice during its opening hours, call 111 outside them, and call 999 in an emergency only.",
    clinicalSignposting:
      "Your message may be about a medical matter. We are a technical support team and cannot give medical advice. Please contact your GP practice during its opening hours, or call 111 outside them. In an emergency, call 999.",
    emergencySignposting:
      "If you or someone else needs urgent help, call 999 now. We are a technical support team: we cannot give medical advice or send help. For medical queries that are not an emergency, contact your GP practice or call 111."
  )

  /// The signposting for a screening result, emergency first; nil when none is needed.
  public func signposting(for result: ScreeningResult) -> String? {
    if result.isEmergency { return emergencySignposting }
    if result.isClinical { return clinicalSignposting }
    return nil
  }
}
