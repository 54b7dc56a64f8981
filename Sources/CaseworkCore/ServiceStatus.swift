import Foundation

/// The state of one part of the service on the public status page (domain §8).
public enum ComponentState: String, Sendable, Codable, CaseIterable {
  case operational
  case degradedPerformance = "degraded_performance"
  case partialOutage = "partial_outage"
  case majorOutage = "major_outage"
  case underMaintenance = "under_maintenance"

  public var displayName: String {
    switch self {
    case .operational: "Operational"
    case .degradedPerformance: "Degraded performance"
    case .partialOutage: "Partial outage"
    case .majorOutage: "Major outage"
    case .underMaintenance: "Under maintenance"
    }
  }

  /// Worse states sort later, so the page's overall state is the worst component's.
  var rank: Int { Self.allCases.firstIndex(of: self)! }
}

/// A part of the service the status page lists (website, app, messaging…), configured by staff.
public struct ServiceComponent: Sendable, Equatable, Codable, Identifiable {
  public var id: UUID
  public var name: String
  public var position: Int
  public var state: ComponentState
  public var updatedAt: Date

  public init(id: UUID = UUID(), name: String, position: Int, state: ComponentState = .operational, updatedAt: Date) {
    self.id = id
    self.name = name
    self.position = position
    self.state = state
    self.updatedAt = updatedAt
  }
}

public enum ServiceStatus {
  /// The banner every public page shows while any component is not operational (seed 000).
  public static let bannerText = "There is currently an issue with the service. We are working hard to resolve it."

  /// The worst state among the components; operational when there are none.
  public static func overall(_ components: [ServiceComponent]) -> ComponentState {
    components.map(\.state).max { $0.rank < $1.rank } ?? .operational
  }

  public static func isDisrupted(_ components: [ServiceComponent]) -> Bool { overall(components) != .operational }
}

/// Where the components are kept.
public protocol StatusStore: Sendable {
  func components() async throws -> [ServiceComponent]
  func addComponent(name: String, at: Date) async throws -> ServiceComponent
  func setState(_ state: ComponentState, of id: UUID, at: Date) async throws
}
