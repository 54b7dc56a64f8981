import Foundation

/// HTML-only mail turned into readable text: tags removed, blocks and line breaks kept as
/// lines, list items marked, links followed by their address, script and style dropped,
/// character references decoded.
public enum HTMLText {
  static let blocks: Set<String> = [
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr", "pre", "section",
  ]

  public static func plain(_ html: String) -> String {
    var output = ""
    var index = html.startIndex
    var skipping: String?
    var pendingLink: String?
    while index < html.endIndex {
      let character = html[index]
      if character == "<", let close = html[index...].firstIndex(of: ">") {
        let tag = html[html.index(after: index)..<close]
        let isClosing = tag.hasPrefix("/")
        let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
        if tag.hasPrefix("!--"), let end = html[index...].range(of: "-->") {
          index = end.upperBound
          continue
        }
        if let skip = skipping {
          if isClosing && name == skip { skipping = nil }
        } else if name == "script" || name == "style" || name == "head" {
          if !isClosing { skipping = name }
        } else if blocks.contains(name) {
          if name == "li" && !isClosing {
            output += output.hasSuffix("\n") || output.isEmpty ? "- " : "\n- "
          } else if !output.hasSuffix("\n") {
            output += "\n"
          }
          if name == "p" && isClosing { output += "\n" }
        } else if name == "a" {
          if isClosing, let link = pendingLink {
            if !output.hasSuffix(link) { output += " (\(link))" }
            pendingLink = nil
          } else if !isClosing, let href = attribute("href", in: tag), href.hasPrefix("http") {
            pendingLink = href
          }
        }
        index = html.index(after: close)
        continue
      }
      if skipping == nil {
        if character == "&", let semicolon = html[index...].prefix(12).firstIndex(of: ";") {
          let entity = String(html[html.index(after: index)..<semicolon])
          if let decoded = decodeEntity(entity) {
            output += decoded
            index = html.index(after: semicolon)
            continue
          }
        }
        if character.isWhitespace {
          if !(output.last?.isWhitespace ?? true) { output += " " }
        } else {
          output.append(character)
        }
      }
      index = html.index(after: index)
    }
    // Tidy: trim each line, at most one empty line in a row.
    var lines: [String] = []
    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmed
      if trimmed.isEmpty, lines.last?.isEmpty ?? true { continue }
      lines.append(trimmed)
    }
    return lines.joined(separator: "\n").trimmed
  }

  static func attribute(_ name: String, in tag: Substring) -> String? {
    guard let range = tag.range(of: "\(name)=", options: .caseInsensitive) else { return nil }
    var rest = tag[range.upperBound...]
    if let quote = rest.first, quote == "\"" || quote == "'" {
      rest = rest.dropFirst()
      return rest.firstIndex(of: quote).map { String(rest[..<$0]) }
    }
    return String(rest.prefix(while: { !$0.isWhitespace }))
  }

  static let named: [String: String] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "pound": "£", "euro": "€", "copy": "©",
    "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "hellip": "…",
  ]

  static func decodeEntity(_ entity: String) -> String? {
    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
      return UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
    }
    if entity.hasPrefix("#") { return UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) } }
    return named[entity.lowercased()]
  }
}
