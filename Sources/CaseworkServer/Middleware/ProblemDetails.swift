import CaseworkCore
import Vapor

/// An RFC 9457 problem document, the body of every API error.
struct ProblemDetails: Content {
  /// A field that needs correcting, and what to do.
  struct FieldProblem: Content {
    var field: String
    var message: String
  }

  var type: String
  var title: String
  var status: Int
  var detail: String
  var errors: [FieldProblem]?
  /// For a move that is not allowed: the moves that are.
  var allowed: [String]?

  static let mediaType = HTTPMediaType(type: "application", subType: "problem+json")
}

/// How any error is answered: `application/problem+json` under `/api/`, an HTML page elsewhere.
/// Field errors name the field; nothing internal leaks to the client.
struct ErrorResponder: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    do {
      return try await next.respond(to: request)
    } catch {
      let problem = Self.problem(for: error)
      if problem.status >= 500 {
        request.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
      }
      if request.url.path.hasPrefix("/api/") || request.url.path == "/openapi.json" {
        return try Self.json(problem, retryAfter: (error as? RetryAfterError)?.seconds)
      }
      return await Pages.error(request, problem: problem, retryAfter: (error as? RetryAfterError)?.seconds)
    }
  }

  static func json(_ problem: ProblemDetails, retryAfter: Int? = nil) throws -> Response {
    let response = Response(status: HTTPResponseStatus(statusCode: problem.status))
    try response.content.encode(problem, as: .json)
    // The JSON encoder labels its output application/json; the problem type says more.
    response.headers.contentType = ProblemDetails.mediaType
    if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
    return response
  }

  static func problem(for error: any Error) -> ProblemDetails {
    switch error {
    case let error as CaseworkError:
      switch error {
      case .invalid(let fields):
        return ProblemDetails(
          type: "/problems/invalid-input", title: "Some details need correcting", status: 422,
          detail: error.message, errors: fields.map { ProblemDetails.FieldProblem(field: $0.field, message: $0.message) })
      case .caseNotFound, .userNotFound:
        return ProblemDetails(type: "/problems/not-found", title: "Not found", status: 404, detail: error.message)
      case .forbidden:
        return ProblemDetails(type: "/problems/forbidden", title: "Not allowed", status: 403, detail: error.message)
      case .invalidTransition:
        return ProblemDetails(
          type: "/problems/invalid-transition", title: "That status change is not allowed", status: 422,
          detail: error.message, errors: [ProblemDetails.FieldProblem(field: "status", message: error.message)])
      case .conflict:
        return ProblemDetails(type: "/problems/conflict", title: "Conflict", status: 409, detail: error.message)
      }
    case let error as ProblemError:
      return ProblemDetails(type: "/problems/bad-signature", title: "Unauthorized", status: 401, detail: error.detail)
    case let error as ComplaintTransitionError:
      return ProblemDetails(
        type: "/problems/invalid-transition", title: "That move is not allowed", status: 409, detail: error.message,
        allowed: error.allowed.map(\.rawValue))
    case let error as DecodingError:
      return decodingProblem(error)
    case let error as RetryAfterError:
      return ProblemDetails(
        type: "/problems/\(error.kind)", title: error.title, status: Int(error.status.code), detail: error.detail)
    case let error as any AbortError:
      let status = Int(error.status.code)
      let detail: String =
        switch status {
        case 413: "The request is larger than this server accepts. Send less text or a smaller attachment."
        case 404: "There is nothing at this address."
        case 401: "Sign in, or send a valid API token in the Authorization header."
        case 415: "Send the body as application/json."
        default: error.reason
        }
      return ProblemDetails(
        type: "/problems/http-\(status)", title: error.status.reasonPhrase, status: status, detail: detail)
    default:
      return ProblemDetails(
        type: "/problems/internal", title: "Something went wrong", status: 500,
        detail: "We could not finish this request. Nothing you sent was lost if you saw no other error; please try again.")
    }
  }

  /// Broken JSON is a 400; JSON with a wrong or missing field is a 422 naming the field.
  static func decodingProblem(_ error: DecodingError) -> ProblemDetails {
    func path(_ context: DecodingError.Context, extra: (any CodingKey)? = nil) -> String {
      (context.codingPath + (extra.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
        .joined(separator: ".")
    }
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      return ProblemDetails(
        type: "/problems/malformed-body", title: "The request body is not valid JSON", status: 400,
        detail: "Send a JSON object; the body could not be parsed.")
    case .dataCorrupted(let context):
      let field = path(context)
      return ProblemDetails(
        type: "/problems/invalid-input", title: "Some details need correcting", status: 422,
        detail: "\(field) is not valid.", errors: [ProblemDetails.FieldProblem(field: field, message: "\(field) is not valid.")])
    case .keyNotFound(let key, let context):
      let field = path(context, extra: key)
      return ProblemDetails(
        type: "/problems/invalid-input", title: "Some details need correcting", status: 422,
        detail: "\(field) is required.", errors: [ProblemDetails.FieldProblem(field: field, message: "\(field) is required.")])
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      let field = path(context)
      let expected = type == String.self ? "text" : type == Date.self ? "a date" : "\(type)".lowercased()
      return ProblemDetails(
        type: "/problems/invalid-input", title: "Some details need correcting", status: 422,
        detail: "\(field) must be \(expected).",
        errors: [ProblemDetails.FieldProblem(field: field, message: "\(field) must be \(expected).")])
    @unknown default:
      return ProblemDetails(
        type: "/problems/malformed-body", title: "Bad request", status: 400, detail: "The body could not be read.")
    }
  }
}

/// An error answered with `Retry-After`: rate limits and a paused intake.
struct RetryAfterError: Error {
  var status: HTTPResponseStatus
  var kind: String
  var title: String
  var detail: String
  var seconds: Int
}
