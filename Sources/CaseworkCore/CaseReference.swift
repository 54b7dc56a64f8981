import Foundation

/// A reference such as `SR-2026-000123`: unique, readable over the phone, never reused.
public struct CaseReference: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
  public let kind: CaseKind
  public let year: Int
  public let number: Int

  public init(kind: CaseKind, year: Int, number: Int) {
    self.kind = kind
    self.year = year
    self.number = number
  }

  public var description: String {
    // Written into one buffer from small strings (which live inline, without allocating):
    // a page of fifty cases writes fifty of these.
    let prefix = kind.referencePrefix
    let yearText = String(year)
    let digits = String(number)
    let zeros = max(0, 6 - digits.utf8.count)
    let length = prefix.utf8.count + yearText.utf8.count + zeros + digits.utf8.count + 2
    return String(unsafeUninitializedCapacity: length) { buffer in
      var position = 0
      func put(_ text: String) {
        for byte in text.utf8 {
          buffer[position] = byte
          position += 1
        }
      }
      put(prefix)
      put("-")
      put(yearText)
      put("-")
      for _ in 0..<zeros { put("0") }
      put(digits)
      return position
    }
  }

  /// Parses a reference case-insensitively, with surrounding spaces allowed. Works on bytes:
  /// every listed case parses its stored reference.
  public init?(_ text: String) {
    var text = text
    guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
    self = parsed
  }

  /// `PREFIX-YYYY-NNNNNN` in any case, in one pass and without allocating.
  private static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> CaseReference? {
    var start = 0
    var end = raw.count
    while start < end, raw[start] == UInt8(ascii: " ") { start += 1 }
    while end > start, raw[end - 1] == UInt8(ascii: " ") { end -= 1 }
    var dashes: (Int, Int) = (-1, -1)
    for index in start..<end where raw[index] == UInt8(ascii: "-") {
      if dashes.0 < 0 {
        dashes.0 = index
      } else if dashes.1 < 0 {
        dashes.1 = index
      } else {
        return nil
      }
    }
    let (first, second) = dashes
    guard first >= 0, second >= 0, second - first - 1 == 4, (6...12).contains(end - second - 1),
      let kind = CaseKind(referencePrefix: raw[start..<first]),
      let year = digits(UnsafeBufferPointer(rebasing: raw[(first + 1)..<second])),
      let number = digits(UnsafeBufferPointer(rebasing: raw[(second + 1)..<end])), number > 0
    else { return nil }
    return CaseReference(kind: kind, year: year, number: number)
  }

  private static func digits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let parsed = CaseReference(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "Not a case reference: \(text)"))
    }
    self = parsed
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  public static func < (lhs: CaseReference, rhs: CaseReference) -> Bool {
    (lhs.kind.rawValue, lhs.year, lhs.number) < (rhs.kind.rawValue, rhs.year, rhs.number)
  }
}
