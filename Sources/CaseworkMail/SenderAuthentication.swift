import Foundation

/// Whether the receiving mail server vouched for the From address (RFC 8601
/// `Authentication-Results`): DMARC passed, or SPF or DKIM passed for a domain aligned with
/// the From domain (the same domain, or one a subdomain of the other: relaxed alignment).
/// Only the topmost header counts: it is the one our own server added; those further down
/// came with the message and anyone could have written them.
public enum SenderAuthentication {
  public static func isVerified(_ message: MailMessage) -> Bool {
    guard let fromDomain = message.from?.address.split(separator: "@").last.map({ $0.lowercased() }), !fromDomain.isEmpty,
      let header = message.headers.all("Authentication-Results").first
    else { return false }
    for result in results(in: header) {
      guard result.value == "pass" else { continue }
      switch result.method {
      case "dmarc":
        if let domain = result.properties["header.from"], !aligned(domain, fromDomain) { continue }
        return true
      case "spf":
        if let domain = result.properties["smtp.mailfrom"].map(domainPart), aligned(domain, fromDomain) { return true }
      case "dkim":
        if let domain = (result.properties["header.d"] ?? result.properties["header.i"].map(domainPart)),
          aligned(domain, fromDomain)
        {
          return true
        }
      default: continue
      }
    }
    return false
  }

  struct Result: Equatable {
    var method: String
    var value: String
    var properties: [String: String]
  }

  /// The method results of one header: `authserv-id; dkim=pass header.d=example.com; spf=fail …`.
  static func results(in header: String) -> [Result] {
    let statements = withoutComments(header).split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    // The first statement is the authserv-id (and optional version); "none" means no results.
    return statements.dropFirst().compactMap { statement in
      let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
      guard let first = words.first, let equals = first.firstIndex(of: "=") else { return nil }
      let method = first[..<equals].split(separator: "/").first.map { $0.lowercased() } ?? ""
      let value = first[first.index(after: equals)...].lowercased()
      var properties: [String: String] = [:]
      for word in words.dropFirst() {
        guard let split = word.firstIndex(of: "=") else { continue }
        let key = word[..<split].lowercased()
        let raw = word[word.index(after: split)...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        properties[key] = raw.lowercased()
      }
      return Result(method: method, value: value, properties: properties)
    }
  }

  static func withoutComments(_ text: String) -> String {
    var depth = 0
    var out = ""
    for character in text {
      if character == "(" {
        depth += 1
      } else if character == ")" {
        depth = max(0, depth - 1)
      } else if depth == 0 {
        out.append(character)
      }
    }
    return out
  }

  static func domainPart(_ value: String) -> String {
    value.split(separator: "@").last.map(String.init) ?? value
  }

  static func aligned(_ a: String, _ b: String) -> Bool {
    let x = a.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
    let y = b.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
    return !x.isEmpty && (x == y || x.hasSuffix("." + y) || y.hasSuffix("." + x))
  }
}
