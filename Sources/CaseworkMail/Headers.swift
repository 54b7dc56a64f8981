import Foundation

/// A message's header section: fields in order, names compared without regard to case.
public struct MailHeaders: Sendable, Equatable {
  public struct Field: Sendable, Equatable {
    public var name: String
    /// The unfolded value as received (encoded words still encoded).
    public var raw: String
    /// The name in lower case, for look-ups.
    var key: String

    public init(name: String, raw: String) {
      self.name = name
      self.raw = raw
      key = name.lowercased()
    }
  }

  public var fields: [Field]

  public init(fields: [Field] = []) {
    self.fields = fields
  }

  public func raw(_ name: String) -> String? {
    let key = name.lowercased()
    return fields.first { $0.key == key }?.raw
  }

  public func all(_ name: String) -> [String] {
    let key = name.lowercased()
    return fields.filter { $0.key == key }.map(\.raw)
  }

  /// The value with RFC 2047 encoded words decoded.
  public func text(_ name: String) -> String? {
    raw(name).map { EncodedWords.decode($0) }
  }

  /// Splits a header section (bytes up to the blank line) into unfolded fields. Bytes that are
  /// not UTF-8 (8-bit headers from old clients) are read as Windows-1252; `notes` says so.
  static func parse(_ bytes: ArraySlice<UInt8>, notes: inout [String]) -> MailHeaders {
    var fields: [Field] = []
    var sawEightBit = false
    for line in Lines(bytes) {
      if line.first == 0x20 || line.first == 0x09 {
        // Folded continuation of the previous field.
        guard !fields.isEmpty else { continue }
        fields[fields.count - 1].raw += " " + text(of: line, sawEightBit: &sawEightBit).trimmed
        continue
      }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { continue }
      let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmed
      guard !name.isEmpty, !name.contains(" ") else { continue }
      let value = text(of: line[line.index(after: colon)...], sawEightBit: &sawEightBit).trimmed
      fields.append(Field(name: name, raw: value))
    }
    if sawEightBit { notes.append("Some header fields held 8-bit text that was not UTF-8; it was read as Windows-1252.") }
    return MailHeaders(fields: fields)
  }

  private static func text(of bytes: ArraySlice<UInt8>, sawEightBit: inout Bool) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    sawEightBit = true
    return Charsets.windows1252(bytes)
  }
}

/// Lines of a byte slice, without their CRLF or LF.
struct Lines: Sequence, IteratorProtocol {
  var rest: ArraySlice<UInt8>

  init(_ bytes: ArraySlice<UInt8>) {
    rest = bytes
  }

  mutating func next() -> ArraySlice<UInt8>? {
    guard !rest.isEmpty else { return nil }
    if let newline = rest.firstIndex(of: 0x0A) {
      var end = newline
      if end > rest.startIndex, rest[end - 1] == 0x0D { end -= 1 }
      let line = rest[rest.startIndex..<end]
      rest = rest[(newline + 1)...]
      return line
    }
    let line = rest
    rest = []
    return line
  }
}

/// `type/subtype; name=value; ...` (Content-Type, Content-Disposition), with RFC 2231
/// continuations and charset-tagged values (`filename*=utf-8''r%C3%A9sum%C3%A9.pdf`).
struct HeaderValue {
  var value: String
  var parameters: [String: String]

  init(_ raw: String) {
    var parts: [String] = []
    var current = ""
    var quoted = false
    var escaped = false
    for character in raw {
      if escaped {
        current.append(character)
        escaped = false
        continue
      }
      switch character {
      case "\\" where quoted: escaped = true
      case "\"": quoted.toggle()
      case ";" where !quoted:
        parts.append(current)
        current = ""
      default: current.append(character)
      }
    }
    parts.append(current)
    value = parts.first?.trimmed.lowercased() ?? ""
    var simple: [String: String] = [:]
    var extended: [String: [(Int, String, Bool)]] = [:]
    for part in parts.dropFirst() {
      guard let equals = part.firstIndex(of: "=") else { continue }
      var name = part[..<equals].trimmed.lowercased()
      let value = part[part.index(after: equals)...].trimmed
      // RFC 2231: name*0*=..., name*1=..., name*=charset''percent-encoded
      var encoded = false
      if name.hasSuffix("*") {
        encoded = true
        name.removeLast()
      }
      if let star = name.firstIndex(of: "*"), let index = Int(name[name.index(after: star)...]) {
        extended[String(name[..<star]), default: []].append((index, value, encoded))
      } else if encoded {
        extended[name, default: []].append((0, value, true))
      } else {
        simple[name] = EncodedWords.decode(value)
      }
    }
    for (name, pieces) in extended {
      var bytes: [UInt8] = []
      var charset: String?
      for (_, piece, encoded) in pieces.sorted(by: { $0.0 < $1.0 }) {
        var text = Substring(piece)
        if encoded {
          if charset == nil, let first = text.firstIndex(of: "'"),
            let second = text[text.index(after: first)...].firstIndex(of: "'")
          {
            charset = String(text[..<first])
            text = text[text.index(after: second)...]
          }
          bytes += Self.percentDecode(text)
        } else {
          bytes += Array(text.utf8)
        }
      }
      simple[name] = Charsets.decode(bytes, charset: charset ?? "utf-8").text
    }
    parameters = simple
  }

  static func percentDecode(_ text: Substring) -> [UInt8] {
    var output: [UInt8] = []
    var bytes = Array(text.utf8)[...]
    while let byte = bytes.popFirst() {
      if byte == UInt8(ascii: "%"), bytes.count >= 2, let high = TransferEncodings.hex(bytes[bytes.startIndex]),
        let low = TransferEncodings.hex(bytes[bytes.startIndex + 1])
      {
        output.append(high << 4 | low)
        bytes = bytes.dropFirst(2)
      } else {
        output.append(byte)
      }
    }
    return output
  }
}
