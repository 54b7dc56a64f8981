import Foundation

extension UUID {
  private static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)
  private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

  /// The 36-character form in lower case, the form the API and links give out.
  public var lowercaseString: String { text(digits: Self.lowerDigits) }

  /// The 36-character form in upper case, as `uuidString` writes it (and as SQLite stores ids).
  /// `uuidString` formats through `snprintf`, which showed in profiles of writing and listing
  /// cases, where every row carries several ids.
  public var uppercaseString: String { text(digits: Self.upperDigits) }

  /// Appends the lower-case form to `bytes`.
  public func writeLowercase(into bytes: inout [UInt8]) {
    withUnsafeBytes(of: uuid) { raw in
      for (index, byte) in raw.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(Self.lowerDigits[Int(byte >> 4)])
        bytes.append(Self.lowerDigits[Int(byte & 0x0f)])
      }
    }
  }

  private func text(digits: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: 36) { buffer in
      var position = 0
      withUnsafeBytes(of: uuid) { raw in
        for (index, byte) in raw.enumerated() {
          if index == 4 || index == 6 || index == 8 || index == 10 {
            buffer[position] = UInt8(ascii: "-")
            position += 1
          }
          buffer[position] = digits[Int(byte >> 4)]
          buffer[position + 1] = digits[Int(byte & 0x0f)]
          position += 2
        }
      }
      return position
    }
  }
}
