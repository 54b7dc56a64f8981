import Foundation

/// A mailbox: an optional display name and the address.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
  public var name: String?
  public var address: String

  public init(name: String? = nil, address: String) {
    self.name = name
    self.address = address
  }

  /// The address in lower case, for comparing people.
  public var normalised: String { address.lowercased() }

  public var description: String { name.map { "\($0) <\(address)>" } ?? address }

  /// For an outgoing header: the name encoded when it is not plain ASCII, quoted when it holds
  /// specials; CR and LF can never get through.
  public var headerValue: String {
    let cleanAddress = String(String.UnicodeScalarView(address.unicodeScalars.filter { !"\r\n<>, ".unicodeScalars.contains($0) }))
    guard let name, !name.isEmpty else { return cleanAddress }
    let encoded = EncodedWords.encode(name)
    if encoded.hasPrefix("=?") { return "\(encoded) <\(cleanAddress)>" }
    let quoted = encoded.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return "\"\(quoted)\" <\(cleanAddress)>"
  }

  /// Parses an address list (RFC 5322 §3.4): display names, quoted strings, comments, and
  /// groups (`Team: a@x, b@y;`), whose members are returned in place. Anything that is not an
  /// address is skipped.
  public static func list(_ raw: String) -> [MailAddress] {
    var result: [MailAddress] = []
    var phrase = ""
    var angle: String?
    var inAngle = false
    var quoted = false
    var commentDepth = 0
    var escaped = false

    func finish() {
      let name = EncodedWords.decode(phrase.trimmed)
      if let angle {
        let address = angle.trimmed
        if address.contains("@") { result.append(MailAddress(name: name.isEmpty ? nil : name, address: address)) }
      } else {
        let bare = phrase.trimmed
        if bare.contains("@"), !bare.contains(" ") { result.append(MailAddress(address: bare)) }
      }
      phrase = ""
      angle = nil
    }

    for character in raw {
      if escaped {
        if inAngle { angle?.append(character) } else { phrase.append(character) }
        escaped = false
        continue
      }
      if commentDepth > 0 {
        if character == "(" {
          commentDepth += 1
        } else if character == ")" {
          commentDepth -= 1
        } else if character == "\\" {
          escaped = true
        }
        continue
      }
      if quoted {
        switch character {
        case "\\": escaped = true
        case "\"": quoted = false
        default: phrase.append(character)
        }
        continue
      }
      switch character {
      case "\"": quoted = true
      case "(": commentDepth = 1
      case "<":
        inAngle = true
        angle = ""
      case ">": inAngle = false
      case ",", ";":
        if !inAngle { finish() }
      case ":":
        // A group's name: what came before is not a mailbox.
        if !inAngle { phrase = "" } else { angle?.append(character) }
      default:
        if inAngle { angle?.append(character) } else { phrase.append(character) }
      }
    }
    finish()
    return result
  }
}
