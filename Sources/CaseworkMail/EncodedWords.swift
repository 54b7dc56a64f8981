import Foundation

/// RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?iso-8859-1?Q?...?=`) in header text.
public enum EncodedWords {
  /// Decodes every encoded word; whitespace between two adjacent encoded words is dropped, as
  /// the RFC says. A malformed word is left as it is.
  public static func decode(_ text: String) -> String {
    guard text.contains("=?") else { return text }
    var output = ""
    var rest = Substring(text)
    var pendingSpace = ""
    var lastWasEncoded = false
    while !rest.isEmpty {
      if rest.hasPrefix("=?"), let (decoded, after) = decodeWord(rest) {
        if !lastWasEncoded { output += pendingSpace }
        output += decoded
        pendingSpace = ""
        lastWasEncoded = true
        rest = after
        continue
      }
      let character = rest.removeFirst()
      if character == " " || character == "\t" {
        pendingSpace.append(character)
        continue
      }
      output += pendingSpace
      pendingSpace = ""
      output.append(character)
      lastWasEncoded = false
    }
    return output + pendingSpace
  }

  /// One encoded word at the start of `text`, and what follows it.
  static func decodeWord(_ text: Substring) -> (String, Substring)? {
    let body = text.dropFirst(2)
    guard let firstQuestion = body.firstIndex(of: "?") else { return nil }
    var charset = String(body[..<firstQuestion])
    if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
    let afterCharset = body[body.index(after: firstQuestion)...]
    guard let secondQuestion = afterCharset.firstIndex(of: "?") else { return nil }
    let encoding = afterCharset[..<secondQuestion].uppercased()
    let payloadStart = afterCharset.index(after: secondQuestion)
    guard let end = afterCharset[payloadStart...].range(of: "?=") else { return nil }
    let payload = Array(afterCharset[payloadStart..<end.lowerBound].utf8)
    guard !payload.contains(0x20) else { return nil }
    let bytes: [UInt8]
    switch encoding {
    case "B": bytes = TransferEncodings.base64(payload)
    case "Q": bytes = TransferEncodings.quotedPrintable(payload, underscoreIsSpace: true)
    default: return nil
    }
    return (Charsets.decode(bytes, charset: charset).text, afterCharset[end.upperBound...])
  }

  /// Header text for an outgoing message: ASCII as it is, anything else as UTF-8 `B` encoded
  /// words of at most 75 characters. Line breaks are removed first, so nothing put into a
  /// header can start another header.
  public static func encode(_ text: String) -> String {
    let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    if flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return flat }
    var words: [String] = []
    var chunk = ""
    for character in flat {
      let candidate = chunk + String(character)
      if Data(candidate.utf8).base64EncodedString().count > 60 {
        words.append("=?utf-8?B?\(Data(chunk.utf8).base64EncodedString())?=")
        chunk = String(character)
      } else {
        chunk = candidate
      }
    }
    if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk.utf8).base64EncodedString())?=") }
    return words.joined(separator: " ")
  }
}
