import Foundation

/// A reply's new text, separated from the history it quotes, so that only what the person
/// wrote now is acted on (an escalation request in an old quoted message is not a new one).
/// Both are kept.
public struct ReplyText: Sendable, Equatable {
  public var newText: String
  public var quoted: String

  /// Where the history starts: lines quoted with ">", an attribution line ("On ... wrote:"),
  /// Outlook's "-----Original Message-----" or its "From: ... Sent: ..." block, or the
  /// underscore rule that Outlook mobile puts above the quoted message.
  public init(_ text: String) {
    let normalised = text.utf8.contains(0x0D) ? String(decoding: unixLineEnds(Array(text.utf8)), as: UTF8.self) : text
    // Split on bytes: iterating a String by Character is far slower, and "\n" is one byte.
    let lines = normalised.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
    var cut = lines.count
    for index in lines.indices {
      let line = lines[index].drop(while: { $0 == " " || $0 == "\t" })
      let next = index + 1 < lines.count ? lines[index + 1] : ""
      if Self.startsHistory(line, next: next, following: lines[index..<min(lines.count, index + 6)]) {
        cut = index
        break
      }
    }
    newText = lines[..<cut].joined(separator: "\n").trimmed
    quoted = lines[cut...].joined(separator: "\n").trimmed
  }

  static func startsHistory(_ line: Substring, next: Substring, following: ArraySlice<Substring>) -> Bool {
    guard let first = line.first else { return false }
    if first == ">" { return true }
    // Only lines that can start a history marker are lower-cased.
    guard "-_oOfF".contains(first) else { return false }
    if first == "_" { return line.count >= 20 && line.allSatisfy { $0 == "_" } }
    let lower = line.lowercased()
    if lower.hasPrefix("-----original message-----") || lower.hasPrefix("----- original message -----") { return true }
    // "On Tue, 17 Nov 2026 at 10:00, Support <support@example.com> wrote:" (may wrap onto two lines).
    if lower.hasPrefix("on ") {
      let end = lower.trimmed
      if end.hasSuffix("wrote:") { return true }
      if (end + " " + next.lowercased().trimmed).hasSuffix("wrote:") { return true }
    }
    // Outlook: "From: ..." followed by "Sent: ..." within a few lines.
    if lower.hasPrefix("from:") {
      return following.dropFirst().contains { $0.drop(while: { $0 == " " }).lowercased().hasPrefix("sent:") }
    }
    return false
  }
}
