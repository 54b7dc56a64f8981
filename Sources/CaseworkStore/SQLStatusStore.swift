import CaseworkCore
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Status components in `status_components`, and the published incidents the status page
/// shows. Components are read through a short cache: every public page asks for the banner.
public final class SQLStatusStore: StatusStore, Sendable {
  let handle: DatabaseHandle
  let cacheSeconds: TimeInterval
  private let cache = NIOLockedValueBox<(components: [ServiceComponent], readAt: Date)?>(nil)
  private let currentCache = NIOLockedValueBox<(incidents: [(record: Case, incident: Incident)], readAt: Date)?>(nil)

  public init(handle: DatabaseHandle, cacheSeconds: TimeInterval = 3) {
    self.handle = handle
    self.cacheSeconds = cacheSeconds
  }

  public func components() async throws -> [ServiceComponent] {
    let now = Date()
    if let cached = cache.withLockedValue({ $0 }), now.timeIntervalSince(cached.readAt) < cacheSeconds {
      return cached.components
    }
    let rows = try await handle.sql.select().columns("id", "name", "position", "state", "updated_at").from("status_components")
      .orderBy("position").all()
    let components = try rows.map { row in
      let id = try row.decode(column: "id", as: UUID.self)
      guard let state = ComponentState(rawValue: try row.decode(column: "state", as: String.self)) else {
        throw StoreError.corruptRow(table: "status_components", id: id)
      }
      return ServiceComponent(
        id: id, name: try row.decode(column: "name", as: String.self), position: try row.decode(column: "position", as: Int.self),
        state: state, updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
    cache.withLockedValue { $0 = (components, now) }
    return components
  }

  public func addComponent(name: String, at now: Date) async throws -> ServiceComponent {
    let position = (try await components().map(\.position).max() ?? 0) + 1
    let component = ServiceComponent(name: name, position: position, updatedAt: now.wholeMilliseconds)
    let dialect = BindDialect(postgres: handle.isPostgres)
    let inserted = try await handle.sql.raw(
      """
      INSERT INTO status_components (id, name, position, state, updated_at)
      VALUES (\(dialect.uuid(component.id)), \(bind: name), \(bind: position), \(bind: component.state.rawValue), \(bind: component.updatedAt))
      ON CONFLICT (name) DO NOTHING RETURNING id
      """
    ).first()
    guard inserted != nil else {
      throw CaseworkError.invalid([FieldError(field: "name", message: "There is already a component called \(name).")])
    }
    cache.withLockedValue { $0 = nil }
    return component
  }

  public func setState(_ state: ComponentState, of id: UUID, at now: Date) async throws {
    try await handle.sql.update("status_components").set("state", to: state.rawValue).set("updated_at", to: now.wholeMilliseconds)
      .where("id", .equal, id).run()
    cache.withLockedValue { $0 = nil }
  }

  /// Published incidents not yet resolved, through the same short cache: every public page
  /// shows the banner while there is one.
  public func currentIncidents() async throws -> [(record: Case, incident: Incident)] {
    let now = Date()
    if let cached = currentCache.withLockedValue({ $0 }), now.timeIntervalSince(cached.readAt) < cacheSeconds {
      return cached.incidents
    }
    let current = try await publishedIncidents(since: .distantFuture)
    currentCache.withLockedValue { $0 = (current, now) }
    return current
  }

  /// Incidents on the status page: published, and open or declared within `since`.
  public func publishedIncidents(since: Date) async throws -> [(record: Case, incident: Incident)] {
    let rows = try await handle.sql.raw("SELECT case_id, record FROM incidents").all()
    let decoder = ComplaintRows.decoder()
    var result: [(Case, Incident)] = []
    let repository = SQLCaseRepository(handle: handle)
    for row in rows {
      let incident = try decoder.decode(Incident.self, from: Data(try row.decode(column: "record", as: String.self).utf8))
      guard incident.publishedAt != nil, let record = try await repository.find(id: incident.caseID) else { continue }
      if record.status.isActive || incident.declaredAt >= since { result.append((record, incident)) }
    }
    return result.sorted { $0.1.declaredAt > $1.1.declaredAt }
  }
}
