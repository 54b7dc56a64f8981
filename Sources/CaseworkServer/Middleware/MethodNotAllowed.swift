import Vapor

/// A request to an address we serve, with a method we do not serve there, is answered 405
/// with `Allow` (RFC 9110 §15.5.6), not 404: the address exists.
struct MethodNotAllowed: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    do {
      return try await next.respond(to: request)
    } catch let error as any AbortError where error.status == .notFound && request.route == nil {
      let allowed = Self.methods(for: request.url.path, in: request.application.routes.all)
      guard !allowed.isEmpty else { throw error }
      let response = try ErrorResponder.json(
        ProblemDetails(
          type: "/problems/http-405", title: "Method Not Allowed", status: 405,
          detail: "This address answers \(allowed.joined(separator: ", ")) only."))
      response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
      return response
    }
  }

  /// The methods of every route whose pattern matches the path.
  static func methods(for path: String, in routes: [Route]) -> [String] {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    var methods = Set<String>()
    for route in routes {
      let pattern = route.path
      let matches: Bool
      if case .catchall = pattern.last {
        matches =
          parts.count >= pattern.count - 1
          && zip(pattern.dropLast(), parts).allSatisfy { Self.matches($0, $1) }
      } else {
        matches = pattern.count == parts.count && zip(pattern, parts).allSatisfy { Self.matches($0, $1) }
      }
      if matches { methods.insert(route.method.rawValue) }
    }
    return methods.sorted()
  }

  private static func matches(_ component: PathComponent, _ part: Substring) -> Bool {
    switch component {
    case .constant(let text): text == part
    case .parameter, .anything, .catchall: true
    }
  }
}
