import Foundation

/// Whether the receiving mail server vouched for the From address (RFC 8601
/// `Authentication-Results`): DMARC passed, or SPF or DKIM passed for a domain aligned with
/// the From domain (the same domain, or one a subdomain of the other: relaxed alignment).
/// Only the topmost header counts, and only when it names our receiving server's authserv-id
/// (`CASEWORK_MAIL_AUTHSERV_ID`): a header further down, or one from a server that adds none,
/// came with the message and anyone could have written it. Without the setting nothing is
/// vouched for, and subject tags never join a case.
public enum SenderAuthentication {
  public static func isVerified(_ message: MailMessage, authservID: String?) -> Bool {
    guard let authservID = authservID?.lowercased(), !authservID.isEmpty,
      let fromDomain = message.from?.address.split(separator: "@").last.map({ $0.lowercased() }), !fromDomain.isEmpty,
      let header = message.headers.all("Authentication-Results").first
    else { return false }
    let statements = self.statements(in: header)
    guard let first = statements.first,
      first.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map({ $0.lowercased() }) == authservID
    else { return false }
    for result in results(in: header) {
      guard result.value == "pass" else { continue }
      switch result.method {
      case "dmarc":
        if let domain = result.properties["header.from"], aligned(domain, fromDomain) { return true }
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
    // The first statement is the authserv-id (and optional version); "none" means no results.
    statements(in: header).dropFirst().compactMap { statement in
      let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
      guard let first = words.first, let equals = first.firstIndex(of: "=") else { return nil }
      let method = first[..<equals].split(separator: "/").first.map { $0.lowercased() } ?? ""
      let value = first[first.index(after: equals)...].lowercased()
      var properties: [String: String] = [:]
      for word in words.dropFirst() {
        guard let split = word.firstIndex(of: "=") else { continue }
        let key = word[..<split].lowercased()
        properties[key] = word[word.index(after: split)...].lowercased()
      }
      return Result(method: method, value: value, properties: properties)
    }
  }

  /// The header split at semicolons outside quoted strings, with comments removed and quoted
  /// strings kept whole (so `smtp.mailfrom="x; dmarc=pass"@evil.example` stays one value).
  static func statements(in header: String) -> [String] {
    var statements: [String] = []
    var current = ""
    var depth = 0
    var quoted = false
    var escaped = false
    for character in header {
      if quoted {
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
          continue
        } else if character == "\"" {
          quoted = false
          continue
        }
        // Inside quotes, a semicolon or space is part of the value; mark it so splitting
        // cannot see it.
        current.append(character == ";" || character == " " ? "\u{1}" : character)
        continue
      }
      switch character {
      case "(": depth += 1
      case ")": depth = max(0, depth - 1)
      case "\"" where depth == 0: quoted = true
      case ";" where depth == 0:
        statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
        current = ""
      default: if depth == 0 { current.append(character) }
      }
    }
    statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
    return statements.filter { !$0.isEmpty }
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
