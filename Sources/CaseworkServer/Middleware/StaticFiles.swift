import Vapor

/// Serves the files under `/static/` and nothing else: Vapor's `FileMiddleware` asks the file
/// system (on a thread pool) about every request's path, which cost every API call a round trip.
struct StaticFiles: AsyncMiddleware {
  static let prefix = "/static/"
  let files: FileMiddleware

  init(publicDirectory: String) {
    files = FileMiddleware(publicDirectory: publicDirectory)
  }

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    guard request.url.path.hasPrefix(Self.prefix) else { return try await next.respond(to: request) }
    return try await files.respond(to: request, chainingTo: next)
  }
}
