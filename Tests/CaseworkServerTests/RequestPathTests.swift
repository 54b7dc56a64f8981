import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// What every request passes through: request ids, the static files and the security headers.
@Suite("Request path")
struct RequestPathTests {
  @Test("each request gets its own id, and a caller's id is kept")
  func requestIDs() async throws {
    try await withApp(.sqlite) { app in
      var ids: [String] = []
      for _ in 0..<3 {
        try await app.testing().test(.GET, "/healthz") { response async in
          ids.append(response.headers.first(name: "X-Request-Id") ?? "")
        }
      }
      #expect(ids.allSatisfy { !$0.isEmpty })
      #expect(Set(ids).count == 3)
      try await app.testing().test(.GET, "/healthz", headers: ["X-Request-Id": "trace-42"]) { response async in
        #expect(response.headers.first(name: "X-Request-Id") == "trace-42")
      }
    }
  }

  @Test("files are served under /static/ only, and never from outside the folder")
  func staticFiles() async throws {
    try await withApp(.sqlite) { app in
      try await app.testing().test(.GET, "/static/casework.css") { response async in
        #expect(response.status == .ok)
        #expect(response.headers.contentType?.subType == "css")
      }
      // The same file at the root is not a file route.
      try await app.testing().test(.GET, "/casework.css") { response async in
        #expect(response.status == .notFound)
      }
      try await app.testing().test(.GET, "/static/missing.css") { response async in
        #expect(response.status == .notFound)
      }
      try await app.testing().test(.GET, "/static/..%2F..%2FViews%2Fchat.leaf") { response async in
        #expect(response.status != .ok)
      }
    }
  }

  @Test("pages carry the framing and script rules; JSON answers do not need them")
  func securityHeaders() async throws {
    try await withApp(.sqlite) { app in
      try await app.testing().test(.GET, "/support") { response async in
        #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
        #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        #expect(response.headers.first(name: "Cache-Control") == "no-store")
        #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
      }
      try await app.testing().test(.GET, "/healthz") { response async in
        #expect(response.headers.first(name: "Content-Security-Policy") == nil)
        #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
      }
    }
  }
}
