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

  /// Parses a reference case-insensitively, with surrounding spaces allowed.
  public init?(_ text: String) {
    let parts = text.trimmingCharacters(in: .whitespaces).uppercased().split(separator: "-")
    guard parts.count == 3,
      let kind = CaseKind(referencePrefix: String(parts[0])),
      parts[1].count == 4, let year = Int(parts[1]),
      parts[2].count >= 6, parts[2].allSatisfy(\.isASCII), let number = Int(parts[2]), number > 0
    else { return nil }
    self.init(kind: kind, year: year, number: number)
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
