import CaseworkCore
import Foundation
import Vapor

/// JSON bodies of the API, kept apart from Core's types so the wire format changes only on
/// purpose. Every request field is optional here; Core names the missing ones in a 422.
struct CreateCaseRequest: Decodable {
  struct RequesterBody: Decodable {
    var name: String?
    var email: String?
    var phone: String?
    var organisation: String?
    var nhsNumber: String?
  }

  var kind: String?
  var subject: String?
  var description: String?
  var requester: RequesterBody?
  var channel: String?
  var receivedAt: Date?
  var tags: [String]?
}

struct UpdateCaseRequest: Decodable {
  var status: String?
  /// Absent: unchanged. `null`: unassign.
  var assigneeId: UUID??
  var tags: [String]?
  var priority: String?

  enum CodingKeys: String, CodingKey { case status, assigneeId, tags, priority }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    status = try container.decodeIfPresent(String.self, forKey: .status)
    if container.contains(.assigneeId) {
      assigneeId = .some(try container.decodeNil(forKey: .assigneeId) ? nil : try container.decode(UUID.self, forKey: .assigneeId))
    }
    tags = try container.decodeIfPresent([String].self, forKey: .tags)
    priority = try container.decodeIfPresent(String.self, forKey: .priority)
  }
}

struct CreateMessageRequest: Decodable {
  var kind: String?
  var body: String?
}

struct CaseResponse: Content {
  struct RequesterBody: Codable {
    var name: String
    var email: String
    var phone: String?
    var organisation: String?
    var nhsNumber: String?
  }

  struct Flags: Codable {
    var clinicalContent: Bool
    var emergency: Bool
  }

  var id: String
  var reference: String
  var kind: String
  var status: String
  var priority: String
  var channel: String
  var subject: String
  var requester: RequesterBody
  var assigneeId: String?
  var tags: [String]
  var flags: Flags
  var createdAt: Date
  var receivedAt: Date
  var updatedAt: Date
  /// Deadline records arrive with the clocks work; the field is part of the contract now.
  var deadlines: [String]

  init(_ record: Case) {
    id = record.id.apiString
    reference = record.reference.description
    kind = record.kind.rawValue
    status = record.status.rawValue
    priority = record.priority.rawValue
    channel = record.channel.rawValue
    subject = record.subject
    requester = RequesterBody(
      name: record.requester.name, email: record.requester.email, phone: record.requester.phone,
      organisation: record.requester.organisation, nhsNumber: record.requester.nhsNumber?.digits)
    assigneeId = record.assigneeID?.apiString
    tags = record.tags
    flags = Flags(clinicalContent: record.clinicalFlag, emergency: record.emergencyFlag)
    createdAt = record.createdAt
    receivedAt = record.receivedAt
    updatedAt = record.updatedAt
    deadlines = []
  }
}

struct CaseListResponse: Content {
  var data: [CaseResponse]
  var nextCursor: String?
}

struct MessageResponse: Content {
  var id: String
  var caseId: String
  var kind: String
  var author: String
  var body: String
  var createdAt: Date

  init(_ message: CaseMessage) {
    id = message.id.apiString
    caseId = message.caseID.apiString
    kind = message.kind == .outbound ? "reply" : message.kind.rawValue
    author = message.author.description
    body = message.body
    createdAt = message.createdAt
  }
}

struct MessageListResponse: Content {
  var data: [MessageResponse]
}

extension UUID {
  /// Ids appear in URLs and JSON in lower case.
  var apiString: String { uuidString.lowercased() }
}
