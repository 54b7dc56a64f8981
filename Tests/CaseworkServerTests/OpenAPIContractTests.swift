import CaseworkServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// The OpenAPI document and the routes must agree: every API route is described, every
/// described operation exists, and a real response carries every required property.
@Suite("OpenAPI document")
struct OpenAPIContractTests {
  func document(_ app: Application) async throws -> [String: Any] {
    let response = try await app.testing().sendRequest(.GET, "/openapi.json")
    #expect(response.status == .ok)
    return try json(response)
  }

  /// `/api/v1/cases/:id` → `/api/v1/cases/{id}`.
  func openAPIPath(_ route: Route) -> String {
    "/"
      + route.path.map { component in
        if case .parameter(let name) = component { return "{\(name)}" }
        return component.description
      }.joined(separator: "/")
  }

  @Test("every API route is in the document and every documented operation is routed")
  func routesMatch() async throws {
    // With every optional intake configured, so every documented operation is routed.
    try await withApp(.sqlite, config: testConfig { $0.socialWebhookSecret = String(repeating: "k", count: 32) }) { app in
      let doc = try await document(app)
      #expect(doc["openapi"] as? String == "3.1.0")
      let paths = try #require(doc["paths"] as? [String: [String: Any]])
      let documented = Set(
        paths.flatMap { path, item in
          item.keys.filter { ["get", "post", "patch", "put", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
      let routed = Set(
        app.routes.all.filter { openAPIPath($0).hasPrefix("/api/") }.map { "\($0.method.rawValue) \(openAPIPath($0))" })
      #expect(routed.isEmpty == false)
      #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.json: \(routed.subtracting(documented))")
      #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed))")
    }
  }

  @Test("responses carry every property the document marks required")
  func responsesMatchSchemas() async throws {
    try await withApp(.sqlite) { app in
      let doc = try await document(app)
      let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
      func required(_ name: String) -> [String] { schemas[name]?["required"] as? [String] ?? [] }
      let (_, token) = try await app.makeToken()
      let body = try jsonBody(["subject": "S", "description": "D", "requester": ["name": "N", "email": "n@example.com"]])
      let created = try json(try await app.testing().sendRequest(.POST, "/api/v1/cases", headers: .bearer(token), body: body))
      for key in required("Case") { #expect(created[key] != nil, "Case.\(key) missing") }
      for key in required("Requester") { #expect((created["requester"] as? [String: Any])?[key] != nil, "Requester.\(key)") }
      let list = try json(try await app.testing().sendRequest(.GET, "/api/v1/cases", headers: .bearer(token)))
      for key in required("CaseList") { #expect(list[key] != nil, "CaseList.\(key) missing") }
      let message = try json(
        try await app.testing().sendRequest(
          .POST, "/api/v1/cases/\(created["id"] as? String ?? "")/messages", headers: .bearer(token),
          body: try jsonBody(["body": "hi"])))
      for key in required("Message") { #expect(message[key] != nil, "Message.\(key) missing") }
      let problem = try json(try await app.testing().sendRequest(.GET, "/api/v1/cases/none", headers: .bearer(token)))
      for key in required("Problem") { #expect(problem[key] != nil, "Problem.\(key) missing") }
      let statuses = (schemas["CaseStatus"]?["enum"] as? [String]) ?? []
      #expect(statuses == ["new", "open", "pending_requester", "resolved", "closed"])
    }
  }

  @Test("a case just created links to every operation on a case, by its id (for stateful testing)")
  func linksFromCreate() async throws {
    try await withApp(.sqlite) { app in
      let doc = try await document(app)
      let paths = try #require(doc["paths"] as? [String: [String: Any]])
      let onACase = Set(
        // Operations that need only the case's id (an action's needs the action's, linked from
        // the investigation's response).
        paths.filter { $0.key.hasPrefix("/api/v1/cases/{id}") && !$0.key.contains("{actionId}") }.flatMap { _, item in
          item.compactMap { ($0.value as? [String: Any])?["operationId"] as? String }
        })
      let create = try #require(paths["/api/v1/cases"]?["post"] as? [String: Any])
      let created = try #require((create["responses"] as? [String: Any])?["201"] as? [String: Any])
      let links = try #require(created["links"] as? [String: [String: Any]])
      #expect(Set(links.values.compactMap { $0["operationId"] as? String }) == onACase)
      for link in links.values {
        #expect((link["parameters"] as? [String: Any])?["id"] as? String == "$response.body#/id")
      }
      #expect(onACase.count >= 20)
    }
  }
}
