import Foundation

/// Text in the charsets mail really arrives in. UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and
/// Windows-1252 are decoded exactly; anything else is read as UTF-8 with replacement
/// characters, and the caller is told so it can note it on the case.
enum Charsets {
  struct Decoded {
    var text: String
    /// False when the charset was unknown or the bytes were not valid in it.
    var exact: Bool
  }

  static func normalised(_ name: String?) -> String {
    (name ?? "us-ascii").trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).lowercased()
  }

  static func isKnown(_ name: String?) -> Bool {
    switch normalised(name) {
    case "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "iso_8859-1", "iso-8859-15", "latin-9", "windows-1252",
      "cp1252":
      true
    default: false
    }
  }

  static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> Decoded {
    switch normalised(charset) {
    case "utf-8", "utf8":
      return utf8(bytes)
    case "us-ascii", "ascii":
      // Mail that claims ASCII often carries UTF-8 or Latin-1; take what is valid.
      if bytes.allSatisfy({ $0 < 0x80 }) { return Decoded(text: String(decoding: bytes, as: UTF8.self), exact: true) }
      let attempt = utf8(bytes)
      return attempt.exact ? attempt : Decoded(text: windows1252(bytes), exact: true)
    case "iso-8859-1", "latin1", "iso_8859-1":
      return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), exact: true)
    case "iso-8859-15", "latin-9":
      return Decoded(text: latin9(bytes), exact: true)
    case "windows-1252", "cp1252":
      return Decoded(text: windows1252(bytes), exact: true)
    default:
      return Decoded(text: String(decoding: bytes, as: UTF8.self), exact: false)
    }
  }

  static func utf8(_ bytes: some Collection<UInt8>) -> Decoded {
    if let text = String(validating: bytes, as: UTF8.self) { return Decoded(text: text, exact: true) }
    return Decoded(text: String(decoding: bytes, as: UTF8.self), exact: false)
  }

  /// ISO-8859-15 differs from Latin-1 in eight places (the euro sign among them).
  static func latin9(_ bytes: some Collection<UInt8>) -> String {
    let changes: [UInt8: UInt32] = [
      0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178,
    ]
    var scalars = String.UnicodeScalarView()
    for byte in bytes { scalars.append(Unicode.Scalar(changes[byte] ?? UInt32(byte))!) }
    return String(scalars)
  }

  /// Windows-1252: Latin-1 with printable characters in 0x80-0x9F (curly quotes, the euro sign).
  static let cp1252High: [UInt32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D,
    0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E,
    0x0178,
  ]

  static func windows1252(_ bytes: some Collection<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for byte in bytes {
      let value = (0x80...0x9F).contains(byte) ? cp1252High[Int(byte - 0x80)] : UInt32(byte)
      scalars.append(Unicode.Scalar(value)!)
    }
    return String(scalars)
  }
}
