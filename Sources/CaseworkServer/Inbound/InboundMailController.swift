import CaseworkCore
import CaseworkMail
import Foundation
import Vapor

/// `POST /api/v1/inbound/email`: a relay service hands over one raw RFC 5322 message. It is
/// stored before anything else, and a second delivery of the same message changes nothing.
struct InboundMailController {
  let maxBytes: Int

  func boot(_ routes: any RoutesBuilder) {
    routes.grouped("api", "v1").grouped(APIAuthentication(permission: .workCases))
      .on(.POST, "inbound", "email", body: .collect(maxSize: ByteCount(value: maxBytes)), use: receive)
  }

  func receive(_ request: Request) async throws -> Response {
    guard let body = request.body.data, body.readableBytes > 0 else {
      throw CaseworkError.invalid([
        FieldError(field: "body", message: "Send the raw message (message/rfc822) as the request body.")
      ])
    }
    let outcome = try await request.casework.mail.receive(Data(buffer: body), source: "api")
    var writer = JSONWriter(capacity: 256)
    let status: HTTPStatus
    switch outcome {
    case .opened(let id, let reference), .appended(let id, let reference), .deliveryFailure(let id, let reference):
      status = .created
      let word =
        switch outcome {
        case .opened: "opened"
        case .appended: "appended"
        default: "delivery_failure"
        }
      writer.object { json in
        json.field("outcome", word)
        json.field("caseId", id)
        json.field("reference", reference.description)
      }
    case .deferred:
      // Kept; it opens its case when intake reopens.
      status = .accepted
      writer.object { json in json.field("outcome", "deferred") }
    case .duplicate(let id):
      status = .ok
      writer.object { json in
        json.field("outcome", "duplicate")
        json.field("caseId", id)
      }
    case .notAMessage:
      throw CaseworkError.invalid([
        FieldError(
          field: "body",
          message: "The body is not an email message: it has no header fields. It was kept, and nothing else was done.")
      ])
    }
    return writer.response(status: status)
  }
}
