import Foundation

/// Who holds which role, worked out in one place: every "who is told" and "who may be chosen"
/// rule asks here, so a deactivated person is never told or chosen.
public struct StaffDirectory: Sendable {
  let repository: (any StaffRepository)?

  public init(_ repository: (any StaffRepository)?) {
    self.repository = repository
  }

  /// Everyone, active or not (names on old entries still resolve).
  public func everyone() async throws -> [StaffUser] {
    try await repository?.all() ?? []
  }

  public func active() async throws -> [StaffUser] {
    try await everyone().filter(\.active)
  }

  public func active(_ role: StaffRole) async throws -> [StaffUser] {
    try await active().filter { $0.role == role }
  }

  /// Who reviews patient-safety incidents (domain §6).
  public func clinicalSafetyOfficers() async throws -> [StaffUser] {
    try await active(.clinicalSafetyOfficer)
  }

  /// The active support team managers, or the active administrators when there is no manager,
  /// so that what managers must answer always reaches a person.
  public func managersOrAdministrators() async throws -> [StaffUser] {
    let everyone = try await active()
    let managers = everyone.filter { $0.role == .supportManager }
    return managers.isEmpty ? everyone.filter { $0.role == .admin } : managers
  }

  /// Display names by id, for lists that name assignees and authors.
  public func names() async throws -> [StaffID: String] {
    Dictionary(try await everyone().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
  }

  /// Whether a case may be given to this person: they exist and are active. With no directory
  /// (Core tests that need no people) anyone may be.
  public func isAssignable(_ id: StaffID) async throws -> Bool {
    guard let repository else { return true }
    return try await repository.find(id: id)?.active == true
  }
}
