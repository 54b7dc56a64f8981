import Foundation

/// Content-Transfer-Encoding (RFC 2045 §6) and the `B` and `Q` encodings of RFC 2047.
enum TransferEncodings {
  /// Base64, ignoring line breaks and anything outside the alphabet; a broken tail is dropped.
  static func base64(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count * 3 / 4)
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      let value: UInt32
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
      case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
      case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
      case UInt8(ascii: "="): return output
      default: continue
      }
      buffer = buffer << 6 | value
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
      }
    }
    return output
  }

  /// Quoted-printable; `underscoreIsSpace` for RFC 2047's `Q` encoding.
  static func quotedPrintable(_ bytes: some Collection<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
    let input = Array(bytes)
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte == UInt8(ascii: "=") {
        // Soft line break: "=" then optional spaces then a line end.
        var next = index + 1
        while next < input.count, input[next] == 0x20 || input[next] == 0x09 { next += 1 }
        if next < input.count, input[next] == 0x0D || input[next] == 0x0A {
          index = next + (input[next] == 0x0D && next + 1 < input.count && input[next + 1] == 0x0A ? 2 : 1)
          continue
        }
        if next >= input.count {
          index = next
          continue
        }
        if index + 2 < input.count, let high = hex(input[index + 1]), let low = hex(input[index + 2]) {
          output.append(high << 4 | low)
          index += 3
          continue
        }
        output.append(byte)  // a stray "=" is kept, as readers do
        index += 1
      } else if underscoreIsSpace, byte == UInt8(ascii: "_") {
        output.append(0x20)
        index += 1
      } else {
        output.append(byte)
        index += 1
      }
    }
    return output
  }

  static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
  }

  /// Quoted-printable for outgoing bodies: lines of at most 76 characters, CRLF line ends.
  static func encodeQuotedPrintable(_ text: String) -> String {
    var output = ""
    let hexDigits = Array("0123456789ABCDEF")
    for (lineIndex, line) in text.replacingOccurrences(of: "\r\n", with: "\n").split(
      separator: "\n", omittingEmptySubsequences: false
    )
    .enumerated() {
      if lineIndex > 0 { output += "\r\n" }
      var current = ""
      let bytes = Array(line.utf8)
      for (position, byte) in bytes.enumerated() {
        var piece: String
        let isLast = position == bytes.count - 1
        if (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !isLast) {
          piece = String(UnicodeScalar(byte))
        } else {
          piece = "=" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
        }
        if current.count + piece.count > 75 {
          output += current + "=\r\n"
          current = ""
        }
        current += piece
      }
      output += current
    }
    return output
  }
}
