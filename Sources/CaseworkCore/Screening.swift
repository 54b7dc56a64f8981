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
  /// A term split into words; the last may be a prefix (`vaccin*`).
  struct Phrase: Sendable {
    var term: String
    var words: [String]
    var lastIsPrefix: Bool
  }

  /// Phrases grouped by their first word, and those whose only word is a prefix.
  struct Index: Sendable {
    var byFirstWord: [String: [Phrase]] = [:]
    /// Bucketed by first byte, so a word is compared with the few prefixes that could match.
    var prefixOnly: [UInt8: [Phrase]] = [:]
    var order: [String: Int] = [:]

    init(_ terms: [String]) {
      for (position, term) in terms.enumerated() {
        var words = Screener.words(term)
        guard !words.isEmpty else { continue }
        let lastIsPrefix = words[words.count - 1].hasSuffix("*")
        if lastIsPrefix { words[words.count - 1].removeLast() }
        let phrase = Phrase(term: term, words: words, lastIsPrefix: lastIsPrefix)
        order[term] = position
        if words.count == 1 && lastIsPrefix {
          prefixOnly[words[0].utf8.first ?? 0, default: []].append(phrase)
        } else {
          byFirstWord[words[0], default: []].append(phrase)
        }
      }
    }

    /// Terms found in the words, in the policy's order.
    func matches(in words: [String]) -> [String] {
      var found = Set<String>()
      for start in words.indices {
        let word = words[start]
        // Byte prefix, not String.hasPrefix: both sides are already lower-cased words.
        for phrase in prefixOnly[word.utf8.first ?? 0] ?? []
        where word.utf8.starts(with: phrase.words[0].utf8) && !found.contains(phrase.term) {
          found.insert(phrase.term)
        }
        for phrase in byFirstWord[word] ?? [] where !found.contains(phrase.term) && phrase.matches(words, at: start) {
          found.insert(phrase.term)
        }
      }
      return found.sorted { order[$0, default: 0] < order[$1, default: 0] }
    }
  }

  public let policy: ScreeningPolicy
  private let emergency: Index
  private let clinical: Index

  public init(policy: ScreeningPolicy = .standard) {
    self.policy = policy
    emergency = Index(policy.emergencyTerms)
    clinical = Index(policy.clinicalTerms)
  }

  public func screen(_ texts: String...) -> ScreeningResult { screen(texts) }

  public func screen(_ texts: [String]) -> ScreeningResult {
    var result = ScreeningResult()
    for text in texts {
      let words = Self.words(text)
      result.emergencyMatches += emergency.matches(in: words)
      result.clinicalMatches += clinical.matches(in: words)
      result.nhsNumbers += NHSNumber.find(in: text)
    }
    result.emergencyMatches = Self.unique(result.emergencyMatches)
    result.clinicalMatches = Self.unique(result.clinicalMatches)
    return result
  }

  /// Lower-cased words: letters, digits, apostrophes (curly ones straightened), hyphens and
  /// `*` inside a word; anything else splits, and edge apostrophes and hyphens are dropped.
  static func words(_ text: String) -> [String] {
    var words: [String] = []
    // UTF-8 bytes of the word being read; reused, because this runs over every message.
    var current: [UInt8] = []
    current.reserveCapacity(64)
    func finish() {
      var lower = current.startIndex
      var upper = current.endIndex
      while lower < upper, current[lower] == 0x27 || current[lower] == 0x2d { lower += 1 }
      while upper > lower, current[upper - 1] == 0x27 || current[upper - 1] == 0x2d { upper -= 1 }
      if lower < upper { words.append(String(decoding: current[lower..<upper], as: UTF8.self)) }
      current.removeAll(keepingCapacity: true)
    }
    for scalar in text.unicodeScalars {
      if scalar.isASCII {
        let value = UInt8(scalar.value)
        switch value {
        case 0x41...0x5a: current.append(value + 0x20)
        case 0x61...0x7a, 0x30...0x39, 0x27, 0x2d, 0x2a: current.append(value)
        default: if !current.isEmpty { finish() }
        }
      } else if scalar == "\u{2019}" {
        current.append(0x27)
      } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
      } else if !current.isEmpty {
        finish()
      }
    }
    if !current.isEmpty { finish() }
    return words
  }

  private static func unique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }
}

extension Screener.Phrase {
  func matches(_ text: [String], at start: Int) -> Bool {
    guard start + words.count <= text.count else { return false }
    for (offset, word) in words.enumerated() {
      let candidate = text[start + offset]
      if offset == words.count - 1 && lastIsPrefix {
        if !candidate.hasPrefix(word) { return false }
      } else if candidate != word {
        return false
      }
    }
    return true
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
