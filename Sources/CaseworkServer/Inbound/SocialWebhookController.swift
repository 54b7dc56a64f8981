import CaseworkCore
import Crypto
import Foundation
import Vapor

/// `POST /api/v1/inbound/social`: a social-media connector forwards a post that may report an
/// incident (domain §6). The call is signed: `X-Casework-Timestamp` (Unix seconds) and
/// `X-Casework-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared
/// secret. Calls older than the replay window are refused, and the same post delivered twice
/// makes one report.
public struct SocialWebhookController: Sendable {
  static let replayWindow: TimeInterval = 300
  let secret: String?

  /// Without a secret the endpoint does not exist (404): an intake nobody set up is not a
  /// server fault.
  func boot(_ routes: any RoutesBuilder) {
    guard secret != nil else { return }
    routes.on(.POST, "api", "v1", "inbound", "social", body: .collect(maxSize: "64kb"), use: receive)
  }

  struct Post: Decodable {
    var source: String?
    var author: String?
    var text: String?
    var link: String?
    var postedAt: Date?
  }

  func receive(_ request: Request) async throws -> Response {
    guard let secret else { throw Abort(.notFound) }
    let body = request.body.data.map { Data(buffer: $0) } ?? Data()
    guard let timestamp = request.headers.first(name: "X-Casework-Timestamp"), let seconds = Double(timestamp),
      let given = request.headers.first(name: "X-Casework-Signature")
    else {
      throw ProblemError.unauthorized("Sign the call: X-Casework-Timestamp and X-Casework-Signature are required.")
    }
    let expected = WebhookSignature.of(secret: secret, timestamp: timestamp, body: body)
    // Compared in constant time, so the signature cannot be guessed byte by byte.
    guard ConstantTime.equal(given, expected) else { throw ProblemError.unauthorized("The signature does not match the body.") }
    let now = request.casework.clock.now()
    guard abs(now.timeIntervalSince1970 - seconds) <= Self.replayWindow else {
      throw ProblemError.unauthorized("The call is more than 5 minutes old (or from the future); it may be a replay.")
    }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = StrictDateTime.decodingStrategy
    guard let post = try? decoder.decode(Post.self, from: body) else {
      throw CaseworkError.invalid([
        FieldError(field: "body", message: "Send JSON with source, author, text, link and postedAt (ISO 8601).")
      ])
    }
    var errors: [FieldError] = []
    let source = InputRules.clean(post.source)
    let author = InputRules.clean(post.author)
    let text = InputRules.clean(post.text)
    if source == nil { errors.append(FieldError(field: "source", message: "source is required, such as x or facebook.")) }
    if author == nil { errors.append(FieldError(field: "author", message: "author is required: the post's handle.")) }
    if text == nil { errors.append(FieldError(field: "text", message: "text is required.")) }
    guard let source, let author, let text, errors.isEmpty else { throw CaseworkError.invalid(errors) }
    try await request.requireIntakeOpen()
    // The same post (source and link, or source, author and text) is one report.
    let key =
      "social:"
      + request.casework.hasher.digest([source, post.link ?? "", author, post.link == nil ? text : ""].joined(separator: "\n"))
    let services = request.casework
    let stored = try await services.mail.store.store(raw: body, dedupeKey: key, source: "social", receivedAt: now)
    if !stored.isNew {
      var writer = JSONWriter(capacity: 128)
      writer.object { json in
        json.field("outcome", "duplicate")
        json.field("caseId", stored.caseID?.lowercaseString)
      }
      return writer.response(status: .ok)
    }
    let handle = String(author.prefix(80))
    let description = [
      text, post.link.map { "Link: \($0)" }, post.postedAt.map { "Posted: \(ISO8601DateFormatter().string(from: $0))" },
      "Source: \(source)",
    ].compactMap { $0 }.joined(separator: "\n\n")
    let opened = try await services.cases.open(
      NewCaseInput(
        kind: .supportRequest, channel: .social, subject: String("\(source): \(text)".prefix(InputRules.maxSubject)),
        description: String(description.prefix(InputRules.maxDescription)), requesterName: handle,
        requesterEmail: "social-\(services.hasher.digest(source + author).prefix(16))@social.invalid",
        receivedAt: post.postedAt.map { min($0, now) }, tags: [CaseService.possibleIncidentTag]),
      by: .system, autoReply: false)
    try await services.mail.store.markProcessed(stored.id, caseID: opened.record.id, outcome: "opened", at: now)
    var writer = JSONWriter(capacity: 128)
    writer.object { json in
      json.field("outcome", "opened")
      json.field("caseId", opened.record.id.lowercaseString)
      json.field("reference", opened.record.reference.description)
    }
    return writer.response(status: .created)
  }
}

/// A 401 whose problem document says what was wrong with the signature.
struct ProblemError: Error {
  var detail: String

  static func unauthorized(_ detail: String) -> ProblemError { ProblemError(detail: detail) }
}
