import Foundation

extension UUID {
  /// The 36-character form in lower case, the form the API and links give out.
  public var lowercaseString: String { text(upperCase: false) }

  /// The 36-character form in upper case, as `uuidString` writes it (and as SQLite stores ids).
  /// `uuidString` formats through `snprintf`, which showed in profiles of writing and listing
  /// cases, where every row carries several ids.
  public var uppercaseString: String { text(upperCase: true) }

  /// Writes the lower-case form's 36 bytes at `target`.
  public func writeLowercase(to target: UnsafeMutablePointer<UInt8>) {
    write(upperCase: false, to: target)
  }

  private func text(upperCase: Bool) -> String {
    String(unsafeUninitializedCapacity: 36) { buffer in
      write(upperCase: upperCase, to: buffer.baseAddress!)
      return 36
    }
  }

  /// Writes the 36 characters at `target`. Digits are computed, not looked up: a static table
  /// costs a `swift_once` check on every use.
  private func write(upperCase: Bool, to target: UnsafeMutablePointer<UInt8>) {
    let letterBase: UInt8 = upperCase ? UInt8(ascii: "A") - 10 : UInt8(ascii: "a") - 10
    @inline(__always) func digit(_ value: UInt8) -> UInt8 {
      value < 10 ? UInt8(ascii: "0") + value : letterBase + value
    }
    withUnsafeBytes(of: uuid) { raw in
      var position = 0
      for index in 0..<16 {
        if index == 4 || index == 6 || index == 8 || index == 10 {
          target[position] = UInt8(ascii: "-")
          position += 1
        }
        let byte = raw[index]
        target[position] = digit(byte >> 4)
        target[position + 1] = digit(byte & 0x0f)
        position += 2
      }
    }
  }
}
