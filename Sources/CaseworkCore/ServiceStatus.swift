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

  /// What a current incident does to the components it affects when nobody said otherwise.
  public static func state(forSeverity severity: Int) -> ComponentState {
    switch severity {
    case 1: .majorOutage
    case 2: .partialOutage
    default: .degradedPerformance
    }
  }

  /// The state an incident gives the page while it is published and not yet resolved.
  public static func impact(of incident: Incident, active: Bool) -> ComponentState? {
    guard active, incident.publishedAt != nil else { return nil }
    return incident.componentState ?? state(forSeverity: incident.severity)
  }

  /// The components as the public sees them: each the worse of its own state (set by staff)
  /// and that of every current published incident affecting it. A resolved incident no
  /// longer counts, so resolving restores them.
  public static func effective(_ components: [ServiceComponent], incidents: [(record: Case, incident: Incident)])
    -> [ServiceComponent]
  {
    components.map { component in
      var shown = component
      for (record, incident) in incidents where incident.affectedComponents.contains(component.id) {
        if let state = impact(of: incident, active: record.status.isActive), state.rank > shown.state.rank {
          shown.state = state
        }
      }
      return shown
    }
  }

  /// The page's one line: the worst of the components as shown and of every current published
  /// incident, so it never says "operational" beside a current incident.
  public static func overall(_ components: [ServiceComponent], incidents: [(record: Case, incident: Incident)])
    -> ComponentState
  {
    let states =
      effective(components, incidents: incidents).map(\.state)
      + incidents.compactMap { impact(of: $0.incident, active: $0.record.status.isActive) }
    return states.max { $0.rank < $1.rank } ?? .operational
  }
}

/// Where the components are kept.
public protocol StatusStore: Sendable {
  func components() async throws -> [ServiceComponent]
  func addComponent(name: String, at: Date) async throws -> ServiceComponent
  func setState(_ state: ComponentState, of id: UUID, at: Date) async throws
  /// Incidents on the status page: published, and current or declared since `since`.
  func publishedIncidents(since: Date) async throws -> [(record: Case, incident: Incident)]
}
