import CaseworkCore
import Foundation
import Yams

/// Reads and checks the deadline policy file (YAML). Every problem is reported with its line
/// and the field it is in, all at once, so an operator fixes a file in one pass.
public enum PolicyFile {
  public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var message: String
    public var description: String { "line \(line), \(field): \(message)" }
  }

  public struct Invalid: Error, Sendable, CustomStringConvertible {
    public var problems: [Problem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
  }

  /// Deadlines every policy must define: the published policies promise them.
  public static let required = [
    "escalation_response", "acknowledge", "investigate", "follow_up", "resolve", "update", "breach_report",
  ]

  static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

  /// The policy shipped with Casework (domain §3-§7).
  public static func shippedText() -> String {
    guard let url = Bundle.module.url(forResource: "deadline-policy", withExtension: "yaml"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return "" }
    return text
  }

  public static func shipped() -> DeadlinePolicy {
    // The shipped file is checked by the tests; Core's copy is the same rules.
    (try? parse(shippedText())) ?? .standard
  }

  public static func load(path: String) throws(Invalid) -> DeadlinePolicy {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Invalid(problems: [
        Problem(line: 0, field: "file", message: "Cannot read \(path). Check the path and its permissions.")
      ])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Invalid(problems: [Problem(line: 0, field: "file", message: "\(path) is not UTF-8 text.")])
    }
    return try parse(text)
  }

  public static func parse(_ text: String) throws(Invalid) -> DeadlinePolicy {
    var reader = Reader()
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw Invalid(problems: [reader.syntaxProblem(error)])
    } catch {
      throw Invalid(problems: [Problem(line: 0, field: "file", message: "The file could not be read as YAML.")])
    }
    guard let root, let top = root.mapping else {
      throw Invalid(problems: [
        Problem(
          line: root?.mark?.line ?? 1, field: "file",
          message: "The policy is a YAML mapping with version, timetables and deadlines.")
      ])
    }
    let policy = reader.policy(top, line: root.mark?.line ?? 1)
    guard reader.problems.isEmpty, let policy else { throw Invalid(problems: reader.problems) }
    return policy
  }
}
