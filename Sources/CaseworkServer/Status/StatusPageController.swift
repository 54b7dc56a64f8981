import CaseworkCore
import Foundation
import Vapor

struct ServiceDisruptedKey: StorageKey {
  typealias Value = Bool
}

/// Marks public requests while any status component is not operational, so every public page
/// shows the banner (domain §8). The components are cached by the store.
struct StatusBannerMiddleware: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let status = request.casework.status
    if let components = try? await status.components(), let incidents = try? await status.currentIncidents() {
      request.storage[ServiceDisruptedKey.self] = ServiceStatus.overall(components, incidents: incidents) != .operational
    }
    return try await next.respond(to: request)
  }
}

/// The public status page, `status.json` and an Atom feed of public updates (no sign-in).
struct StatusPageController {

  func boot(_ routes: any RoutesBuilder) {
    routes.get(.status, use: page)
    routes.get(.statusJSON, use: json)
    routes.get(.statusAtom, use: atom)
  }

  struct Snapshot: Content {
    struct Component: Content {
      var name: String
      var state: String
      var stateName: String
    }

    struct Update: Content {
      var at: Date
      var text: String
    }

    struct IncidentEntry: Content {
      var reference: String
      var title: String
      var status: String
      var resolved: Bool
      var declaredAt: Date
      var updates: [Update]
    }

    var status: String
    var statusName: String
    var components: [Component]
    var incidents: [IncidentEntry]
  }

  func snapshot(_ request: Request) async throws -> Snapshot {
    let services = request.casework
    let components = try await services.status.components()
    let historyDays = services.config.policy.statusHistoryDays
    let since = services.clock.now().addingTimeInterval(-Double(historyDays) * 86_400)
    let incidents = try await services.status.publishedIncidents(since: since)
    let overall = ServiceStatus.overall(components, incidents: incidents)
    return Snapshot(
      status: overall.rawValue, statusName: overall == .operational ? "All systems operational" : overall.displayName,
      components: ServiceStatus.effective(components, incidents: incidents).map {
        .init(name: $0.name, state: $0.state.rawValue, stateName: $0.state.displayName)
      },
      // The page, its JSON and its feed all come from here: NHS numbers are masked once.
      incidents: incidents.map { record, incident in
        .init(
          reference: record.reference.description, title: NHSNumber.mask(in: record.subject),
          status: record.status.displayName, resolved: !record.status.isActive, declaredAt: incident.declaredAt,
          updates: incident.updates.filter(\.isPublic).reversed().map { .init(at: $0.at, text: NHSNumber.mask(in: $0.text)) })
      })
  }

  struct Page: Encodable {
    struct Entry: Encodable {
      var reference: String
      var title: String
      var status: String
      var updates: [Line]
    }

    struct Line: Encodable {
      var when: String
      var text: String
    }

    var layout: Layout
    var statusName: String
    var components: [Snapshot.Component]
    var hasComponents: Bool
    var current: [Entry]
    var hasCurrent: Bool
    var past: [Entry]
    var hasPast: Bool
    /// How far back past incidents are listed: the policy's `status_page.history_days`.
    var historyDays: Int
  }

  func page(_ request: Request) async throws -> Response {
    let snapshot = try await snapshot(request)
    let dates = DisplayDates()
    func entry(_ incident: Snapshot.IncidentEntry) -> Page.Entry {
      .init(
        reference: incident.reference, title: incident.title, status: incident.status,
        updates: incident.updates.map { .init(when: dates.string($0.at), text: $0.text) })
    }
    let page = Page(
      layout: Layout(request, title: "Service status"), statusName: snapshot.statusName, components: snapshot.components,
      hasComponents: !snapshot.components.isEmpty, current: snapshot.incidents.filter { !$0.resolved }.map(entry),
      hasCurrent: snapshot.incidents.contains { !$0.resolved }, past: snapshot.incidents.filter(\.resolved).map(entry),
      hasPast: snapshot.incidents.contains(where: \.resolved),
      historyDays: request.casework.config.policy.statusHistoryDays)
    return try await Pages.render(request, "status", page)
  }

  func json(_ request: Request) async throws -> Snapshot {
    try await snapshot(request)
  }

  /// Atom (RFC 4287): one entry per public update, newest first.
  func atom(_ request: Request) async throws -> Response {
    let snapshot = try await snapshot(request)
    let base = request.casework.config.publicURL
    let formatter = ISO8601DateFormatter()
    let escape = ComplaintCharts.escape
    var entries: [(Date, String)] = []
    for incident in snapshot.incidents {
      for (index, update) in incident.updates.enumerated() {
        entries.append(
          (
            update.at,
            """
            <entry><id>\(escape(base))/status#\(incident.reference)-\(index)</id><title>\(escape(incident.reference)): \(escape(incident.title))</title><updated>\(formatter.string(from: update.at))</updated><link href="\(escape(base))/status"/><content type="text">\(escape(update.text))</content></entry>
            """
          ))
      }
    }
    entries.sort { $0.0 > $1.0 }
    let updated = entries.first?.0 ?? Date(timeIntervalSince1970: 0)
    let xml = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom"><id>\(escape(base))/status</id><title>Service status</title><updated>\(formatter.string(from: updated))</updated><link rel="self" href="\(escape(base))/status.atom"/><author><name>Service status</name></author>
      \(entries.map(\.1).joined(separator: "\n"))
      </feed>
      """
    let response = Response(status: .ok, body: .init(string: xml))
    response.headers.contentType = HTTPMediaType(type: "application", subType: "atom+xml", parameters: ["charset": "utf-8"])
    return response
  }
}

/// `/staff/status`: the components and their states, for incident managers and admins.
struct StaffStatusController {
  func boot(_ routes: any RoutesBuilder) {
    let managing = routes.grouped(StaffAuthentication(permission: .manageStatus))
    managing.get(.staffStatus, use: show)
    managing.post(.statusComponents, use: add)
    managing.post(.statusComponent, use: setState)
  }

  struct Page: Encodable {
    struct Row: Encodable {
      var id: String
      var action: String
      var name: String
      var options: [Option]
    }

    var layout: Layout
    var rows: [Row]
    var errors: [String: String]
    var errorList: [FormErrors.Item]
    var hasErrors: Bool
  }

  func show(_ request: Request) async throws -> Response { try await render(request) }

  func render(_ request: Request, errors: FormErrors = FormErrors()) async throws -> Response {
    let components = try await request.casework.status.components()
    let rows = components.map { component in
      Page.Row(
        id: component.id.lowercaseString, action: SiteRoute.statusComponent.path(component.id), name: component.name,
        options: ComponentState.allCases.map {
          Option(value: $0.rawValue, label: $0.displayName, selected: $0 == component.state)
        })
    }
    return try await Pages.render(
      request, "staff-status",
      Page(
        layout: Layout(request, title: "Service status"), rows: rows, errors: errors.byField, errorList: errors.list,
        hasErrors: !errors.isEmpty), status: errors.isEmpty ? .ok : .unprocessableEntity)
  }

  struct AddForm: Content {
    var name: String?
  }

  func add(_ request: Request) async throws -> Response {
    guard let name = InputRules.cleanLine(try request.content.decode(AddForm.self).name), name.count <= 80 else {
      return try await render(
        request, errors: FormErrors([FieldError(field: "name", message: "Name the component, in 80 characters or fewer.")]))
    }
    do {
      _ = try await request.casework.status.addComponent(name: name, at: request.casework.clock.now())
    } catch CaseworkError.invalid(let errors) {
      return try await render(request, errors: FormErrors(errors))
    }
    return request.redirect(to: .staffStatus)
  }

  struct StateForm: Content {
    var state: String?
  }

  func setState(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("component").flatMap(UUID.init(uuidString:)) else { throw Abort(.notFound) }
    guard let state = try request.content.decode(StateForm.self).state.flatMap(ComponentState.init(rawValue:)) else {
      return try await render(
        request,
        errors: FormErrors([
          FieldError(
            field: "state",
            message: "Choose one of: \(ComponentState.allCases.map { $0.displayName.lowercased() }.joined(separator: ", ")).")
        ]))
    }
    try await request.casework.status.setState(state, of: id, at: request.casework.clock.now())
    return request.redirect(to: .staffStatus)
  }
}
