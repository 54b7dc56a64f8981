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
