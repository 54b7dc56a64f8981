import CaseworkCore
import Foundation

extension StringProtocol {
  /// Without leading and trailing whitespace and line breaks, in native Swift: Foundation's
  /// `trimmingCharacters` bridges through NSString on Linux and dominated parsing profiles.
  var trimmed: String {
    guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
    let last = lastIndex(where: { !$0.isWhitespace })!
    return String(self[first...last])
  }
}

/// CRLF (and a lone CR) to LF, on bytes, before text is decoded.
func unixLineEnds(_ bytes: [UInt8]) -> [UInt8] {
  guard bytes.contains(0x0D) else { return bytes }
  var output: [UInt8] = []
  output.reserveCapacity(bytes.count)
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    if byte == 0x0D {
      output.append(0x0A)
      if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
    } else {
      output.append(byte)
    }
    index += 1
  }
  return output
}

extension String {
  /// Whether `word` (ASCII, lower case) occurs as a whole word, in any case: what the regular
  /// expression `\bword\b` finds, without compiling one for every message.
  public func containsWord(_ word: String) -> Bool {
    let text = Array(utf8)
    let target = Array(word.utf8)
    guard !target.isEmpty, text.count >= target.count else { return false }
    func isWordByte(_ byte: UInt8) -> Bool {
      byte >= 0x80 || byte == 0x5F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
    for start in 0...(text.count - target.count) {
      if start > 0 && isWordByte(text[start - 1]) { continue }
      let end = start + target.count
      if end < text.count && isWordByte(text[end]) { continue }
      var matches = true
      for offset in 0..<target.count where text[start + offset] | 0x20 != target[offset] {
        matches = false
        break
      }
      if matches { return true }
    }
    return false
  }

  /// The first `[SR-2026-000123]`-style case reference in square brackets, as in our subjects.
  public var bracketedCaseReference: CaseReference? {
    var rest = self[...]
    while let open = rest.firstIndex(of: "[") {
      rest = rest[rest.index(after: open)...]
      guard let close = rest.firstIndex(of: "]") else { return nil }
      if rest.distance(from: rest.startIndex, to: close) <= 24, let reference = CaseReference(String(rest[..<close])) {
        return reference
      }
    }
    return nil
  }
}
