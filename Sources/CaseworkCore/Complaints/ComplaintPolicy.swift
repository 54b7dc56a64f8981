import Foundation

/// How this organisation runs its complaints process: the time-limit preset, whether the
/// acknowledgement goes out by itself, who signs the letters, and the letter templates.
public struct ComplaintPolicy: Sendable, Equatable {
  public var preset: EligibilityPreset
  /// Send the acknowledgement letter on receipt (eligible complaints only) instead of waiting
  /// for staff to send it.
  public var autoAcknowledge: Bool
  public var organisation: String
  public var signature: String
  public var templates: [LetterKind: LetterTemplate]

  public init(
    preset: EligibilityPreset = .sourcePolicy, autoAcknowledge: Bool = false, organisation: String = "Casework",
    signature: String = "The support team manager", templates: [LetterKind: LetterTemplate] = [:]
  ) {
    self.preset = preset
    self.autoAcknowledge = autoAcknowledge
    self.organisation = organisation
    self.signature = signature
    self.templates = templates
  }

  public static let standard = ComplaintPolicy()

  public func template(_ kind: LetterKind) -> LetterTemplate { templates[kind] ?? .standard(kind) }
}

extension LocalDate {
  /// "21 November 2026", as letters write dates.
  public var longText: String {
    "\(components.day) \(monthName) \(year)"
  }
}

/// Letter templates an administrator has edited, shared by every process. A kind with no
/// stored template uses the policy's (the shipped one unless configured).
public protocol LetterTemplateStore: Sendable {
  func storedTemplate(_ kind: LetterKind) async throws -> LetterTemplate?
  /// Saves a template that renders; refuses one that does not, naming the problems.
  func saveTemplate(_ template: LetterTemplate, at now: Date) async throws
  /// Goes back to the policy's template.
  func resetTemplate(_ kind: LetterKind) async throws
}
