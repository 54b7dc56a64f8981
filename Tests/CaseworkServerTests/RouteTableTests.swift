import CaseworkCore
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import CaseworkServer

/// Links are built from one route type (`SiteRoute`): each of its values must reach a handler, and
/// no page may be registered outside it.
@Suite("Every link is built from one route type")
struct RouteTableTests {
  /// A route's pattern as Vapor registered it: `/staff/cases/:id`.
  static func pattern(_ route: Vapor.Route) -> String {
    "/" + route.path.map(\.description).joined(separator: "/")
  }

  /// Whether `path` (no query) is matched by a registered pattern.
  static func matches(_ pattern: [PathComponent], _ path: String) -> Bool {
    let segments = path.split(separator: "/", omittingEmptySubsequences: true)
    guard segments.count == pattern.count else { return false }
    return zip(pattern, segments).allSatisfy { component, segment in
      switch component {
      case .constant(let text): text == segment
      case .parameter: !segment.isEmpty
      case .anything, .catchall: true
      }
    }
  }

  @Test("every route value, with its parameters filled, resolves to a registered handler")
  func everyRouteResolves() async throws {
    try await withApp(.sqlite) { app in
      let registered = app.routes.all
      for route in SiteRoute.allCases {
        let values = (0..<route.parameterCount).map { _ in UUID().lowercaseString }
        let path = route.path(values: values, query: [("page", "2")])
        let bare = String(path.split(separator: "?")[0])
        #expect(
          registered.contains { Self.matches($0.path, bare) }, "\(route) builds \(path), which no registered route answers")
        #expect(route.components.count == route.rawValue.split(separator: "/").count)
      }
      // And through the router itself: the case page is answered (a redirect to sign in), not 404.
      let id = UUID()
      try await app.testing().test(.GET, SiteRoute.staffCase.path(id)) { response in
        #expect(response.status == .seeOther)
      }
    }
  }

  @Test("every page the server registers is a value of the route type")
  func noPageOutsideTheRouteType() async throws {
    try await withApp(.sqlite) { app in
      let patterns = Set(SiteRoute.allCases.map(\.rawValue))
      let machineRoutes = ["/api/", "/healthz", "/readyz", "/openapi.json"]
      let pages = app.routes.all.map(Self.pattern).filter { pattern in
        !machineRoutes.contains { pattern == $0 || pattern.hasPrefix($0) }
      }
      let outside = Set(pages).subtracting(patterns)
      #expect(outside.isEmpty, "pages registered without a SiteRoute value: \(outside.sorted())")
      #expect(Set(pages) == patterns.filter { !$0.hasPrefix("/api/") })
    }
  }

  @Test("parameters and queries are percent-encoded; a wrong number of values is caught")
  func encoding() {
    #expect(SiteRoute.staffCase.path("ab/cd") == "/staff/cases/ab%2Fcd")
    #expect(SiteRoute.home.path() == "/")
    #expect(SiteRoute.staffCase.path("Zoë ~_.-9") == "/staff/cases/Zo%C3%AB%20~_.-9")
    #expect(
      SiteRoute.login.path(query: [("next", "/staff/cases?status=all&q=a b")])
        == "/staff/login?next=%2Fstaff%2Fcases%3Fstatus%3Dall%26q%3Da%20b")
    let id = UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789")!
    #expect(
      SiteRoute.complaintActionDone.path(values: [id.lowercaseString, "x"])
        == "/staff/cases/abcdef01-2345-6789-abcd-ef0123456789/complaint/actions/x/done")
    #expect(SiteRoute.incident.path(id) == "/staff/cases/abcdef01-2345-6789-abcd-ef0123456789/incident")
  }

  @Test("no template spells a path: every link reaches it from a view model")
  func templatesSpellNoPaths() throws {
    let views = try CaseworkApp.resourcesDirectory().appendingPathComponent("Views")
    let names = try FileManager.default.contentsOfDirectory(atPath: views.path).filter { $0.hasSuffix(".leaf") }
    #expect(names.count > 20)
    let spelled = try Regex(#"(href|action|src)="/(?!static/)"#)
    var found: [String] = []
    for name in names {
      let text = try String(contentsOf: views.appendingPathComponent(name), encoding: .utf8)
      for match in text.matches(of: spelled) { found.append("\(name): \(text[match.range])") }
      if text.contains("#(path)/") { found.append("\(name): a path built from pieces") }
    }
    #expect(found.isEmpty, "paths spelled in templates: \(found)")
  }
}
