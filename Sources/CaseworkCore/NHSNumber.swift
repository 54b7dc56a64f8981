import Foundation

/// A 10-digit NHS number whose last digit is the Modulus 11 check digit.
public struct NHSNumber: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The ten digits, no spaces.
  public let digits: String

  /// Accepts digits with optional spaces or hyphens (`943 476 5919`, `943-476-5919`).
  public init?(_ text: String) {
    let compact = text.filter { $0 != " " && $0 != "-" }
    guard compact.count == 10, compact.allSatisfy({ $0.isASCII && $0.isNumber }),
      Self.hasValidCheckDigit(compact)
    else { return nil }
    digits = compact
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = NHSNumber(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "Not a valid NHS number"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(digits)
  }

  /// Formatted the way the NHS prints it: `943 476 5919`.
  public var description: String {
    let chars = Array(digits)
    return String(chars[0..<3]) + " " + String(chars[3..<6]) + " " + String(chars[6..<10])
  }

  /// Only the last four digits are shown: `*** *** 5919`.
  public var masked: String { "*** *** " + String(digits.suffix(4)) }

  /// Modulus 11: weights 10 to 2 on the first nine digits; 11 − (sum mod 11) is the check
  /// digit, 11 becomes 0 and 10 means the number is invalid.
  static func hasValidCheckDigit(_ digits: String) -> Bool {
    let values = digits.compactMap { $0.wholeNumberValue }
    guard values.count == 10 else { return false }
    let sum = zip(values.prefix(9), stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 }
    var check = 11 - (sum % 11)
    if check == 11 { check = 0 }
    return check != 10 && check == values[9]
  }

  /// Every valid NHS number written in free text, in order of appearance.
  public static func find(in text: String) -> [NHSNumber] {
    candidates(in: text).compactMap { NHSNumber(String(text[$0])) }
  }

  /// The text with every valid NHS number replaced by its masked form.
  public static func mask(in text: String) -> String {
    var result = text
    for range in candidates(in: text).reversed() {
      if let number = NHSNumber(String(text[range])) {
        result.replaceSubrange(range, with: number.masked)
      }
    }
    return result
  }

  /// Runs of 10 digits, optionally grouped 3-3-4 by one space or hyphen, not part of a longer
  /// number. Walks the UTF-8 bytes: every byte it looks at is ASCII, and this runs on every
  /// message received.
  private static func candidates(in text: String) -> [Range<String.Index>] {
    let bytes = text.utf8
    var ranges: [Range<String.Index>] = []
    var index = bytes.startIndex
    var previousWasDigit = false
    while index < bytes.endIndex {
      let byte = bytes[index]
      let digit = isDigit(byte)
      if digit && !previousWasDigit, let end = matchEnd(in: bytes, from: index) {
        ranges.append(index..<end)
        index = end
        previousWasDigit = false
        continue
      }
      previousWasDigit = digit
      index = bytes.index(after: index)
    }
    return ranges
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  private static func matchEnd(in bytes: String.UTF8View, from start: String.Index) -> String.Index? {
    // Try the grouped form first, then ten plain digits.
    for groups in [[3, 3, 4], [10]] {
      var cursor = start
      var ok = true
      for (i, length) in groups.enumerated() {
        if i > 0 {
          guard cursor < bytes.endIndex, bytes[cursor] == 0x20 || bytes[cursor] == 0x2d else {
            ok = false
            break
          }
          cursor = bytes.index(after: cursor)
        }
        for _ in 0..<length {
          guard cursor < bytes.endIndex, isDigit(bytes[cursor]) else {
            ok = false
            break
          }
          cursor = bytes.index(after: cursor)
        }
        if !ok { break }
      }
      if ok, cursor == bytes.endIndex || !isDigit(bytes[cursor]) { return cursor }
    }
    return nil
  }
}
