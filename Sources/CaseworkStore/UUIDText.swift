import Foundation

/// Reads a UUID's 36-character text form without `UUID(uuidString:)`, which goes through
/// `sscanf` and showed in profiles of listing cases (several UUIDs per row).
enum UUIDText {
  static func parse(_ text: String) -> UUID? {
    var text = text
    return text.withUTF8 { parse($0) }
  }

  /// Reads the text form from UTF-8 bytes (SQLite's own buffer for a column, for instance).
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
    guard bytes.count == 36 else { return nil }
    // Into the id's own 16 bytes: an array here was an allocation for every id read.
    var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    let parsed = withUnsafeMutableBytes(of: &value) { target -> Bool in
      var index = 0
      var position = 0
      while position < 36 {
        if position == 8 || position == 13 || position == 18 || position == 23 {
          guard bytes[position] == UInt8(ascii: "-") else { return false }
          position += 1
          continue
        }
        guard let high = nibble(bytes[position]), let low = nibble(bytes[position + 1]) else { return false }
        target[index] = high << 4 | low
        index += 1
        position += 2
      }
      return true
    }
    return parsed ? UUID(uuid: value) : nil
  }

  /// An id stored as its 16 bytes; nil for any other length.
  static func read(_ bytes: UnsafeRawBufferPointer) -> UUID? {
    guard bytes.count == 16 else { return nil }
    var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: bytes) }
    return UUID(uuid: value)
  }

  private static func nibble(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
