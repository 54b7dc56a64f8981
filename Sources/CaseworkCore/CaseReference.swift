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
    let digits = String(number)
    let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    return "\(kind.referencePrefix)-\(year)-\(padded)"
  }

  /// Parses a reference case-insensitively, with surrounding spaces allowed. Works on bytes:
  /// every listed case parses its stored reference.
  public init?(_ text: String) {
    var bytes = Substring(text).utf8[...]
    while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
    while bytes.last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
    let parts = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard parts.count == 3, parts[1].count == 4, parts[2].count >= 6, parts[2].count <= 12,
      let kind = CaseKind(referencePrefix: String(decoding: parts[0].map { $0 & 0xDF }, as: UTF8.self)),
      let year = Self.digits(parts[1]), let number = Self.digits(parts[2]), number > 0
    else { return nil }
    self.init(kind: kind, year: year, number: number)
  }

  private static func digits(_ bytes: Substring.UTF8View.SubSequence) -> Int? {
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
