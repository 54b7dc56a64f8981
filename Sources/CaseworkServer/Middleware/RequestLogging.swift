import Synchronization
import Vapor

/// One log line per request: method, route pattern (never the real path, which may hold a
/// private token or a reference), status, duration and request id. No personal data.
struct RequestLogging: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let start = ContinuousClock.now
    let requestID = request.headers.first(name: "X-Request-Id").flatMap(Self.acceptable) ?? Self.nextID()
    request.logger[metadataKey: "request-id"] = .string(requestID)
    let response: Response
    do {
      response = try await next.respond(to: request)
    } catch {
      log(request, status: 500, start: start)
      throw error
    }
    response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
    log(request, status: Int(response.status.code), start: start)
    return response
  }

  /// A client's request id is kept only as 1 to 64 characters of `[A-Za-z0-9._-]`: anything
  /// else could forge fields or lines in the log, and is replaced by one of ours.
  static func acceptable(_ id: String) -> String? {
    let bytes = id.utf8
    guard (1...64).contains(bytes.count) else { return nil }
    let allowed = bytes.allSatisfy { byte in
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        true
      default: false
      }
    }
    return allowed ? id : nil
  }

  /// Request ids made here: a random prefix per process, then a count. Unique across processes
  /// and restarts like a UUID, without drawing random bytes for every request.
  private static let idPrefix = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
  private static let idCounter = Atomic<UInt64>(0)

  static func nextID() -> String {
    let number = idCounter.add(1, ordering: .relaxed).newValue
    return "\(idPrefix)-\(String(number, radix: 16))"
  }

  private func log(_ request: Request, status: Int, start: ContinuousClock.Instant) {
    let elapsed = ContinuousClock.now - start
    let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(no route)"
    request.logger.info(
      "request",
      metadata: [
        "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(status),
        "ms": .stringConvertible(
          (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded()),
      ])
  }
}

/// Headers for every page: no framing, no sniffing, no referrer (private links carry a
/// token), scripts only from this site.
struct SecurityHeaders: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let response = try await next.respond(to: request)
    response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
    // The raw header, not `contentType`, which parses the media type on every response.
    if response.headers.first(name: .contentType)?.hasPrefix("text/html") == true {
      // Only the chat page may be framed, and only by the sites in CASEWORK_CHAT_EMBED_ORIGINS.
      let ancestors = request.storage[FramingAllowedKey.self].map { $0.joined(separator: " ") } ?? "'none'"
      if request.storage[FramingAllowedKey.self] == nil { response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY") }
      response.headers.replaceOrAdd(
        name: "Content-Security-Policy",
        value: "default-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors \(ancestors)")
      response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
    }
    return response
  }
}
