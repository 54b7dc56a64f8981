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
  /// Complaints: `YYYY-MM-DD` dates, and what the complainant would like us to do.
  var incidentDate: String?
  var discoveredDate: String?
  var desiredOutcome: String?
  /// False: no acknowledgement email (the app told the person itself). Absent means true.
  var notifyRequester: Bool?
  /// Incidents: the levels that give the severity (1 to 5 each, required for kind incident).
  var impact: Int?
  var urgency: Int?
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
      assigneeId = .some(
        try container.decodeNil(forKey: .assigneeId) ? nil : try container.decode(UUID.self, forKey: .assigneeId))
    }
    tags = try container.decodeIfPresent([String].self, forKey: .tags)
    priority = try container.decodeIfPresent(String.self, forKey: .priority)
  }
}

struct CreateMessageRequest: Decodable {
  var kind: String?
  var body: String?
}

/// A case as the API shows it. Written by `JSONWriter`; the OpenAPI `Case` schema describes it.
/// It keeps the case itself and writes its fields straight from it: copying each field into a
/// value of its own first cost a retain and a release per string for every listed case.
struct CaseResponse: AsyncResponseEncodable {
  var record: Case
  var deadlines: [DeadlineResponse]

  init(_ record: Case, deadlines: [Deadline] = [], text: DeadlineText? = nil, now: Date = Date()) {
    self.record = record
    self.deadlines = deadlines.map { DeadlineResponse($0, timeLeft: text?.timeLeft($0, now: now), now: now) }
  }
}

/// A deadline as the API shows it: times in ISO 8601 with London's offset, paused time as an
/// ISO 8601 duration, and the time left in words.
struct DeadlineResponse {
  var deadline: Deadline
  var timeLeft: String?
  var pausedSeconds: Int

  init(_ deadline: Deadline, timeLeft: String?, now: Date) {
    self.deadline = deadline
    self.timeLeft = timeLeft
    pausedSeconds = Int(deadline.pausedSeconds(now: now))
  }

  func write(to writer: inout JSONWriter) {
    writer.object { json in
      json.field("id", deadline.id)
      json.field("name", deadline.name)
      json.field("clock", deadline.clock.kind.rawValue)
      json.field("timetable", deadline.clock.timetable)
      json.field("length", deadline.length.description)
      json.londonField("startAt", deadline.startAt)
      json.londonField("dueAt", deadline.dueAt)
      json.londonField("warnAt", deadline.warnAt)
      json.field("state", deadline.state.rawValue)
      json.londonField("metAt", deadline.metAt)
      json.field("pausedFor", ISO8601.duration(seconds: pausedSeconds))
      json.field("timeLeft", timeLeft)
      json.key("pauses")
      json.array { list in
        for pause in deadline.pauses {
          list.object { item in
            item.londonField("from", pause.from)
            item.londonField("to", pause.to)
          }
        }
      }
      json.key("extensions")
      json.array { list in
        for item in deadline.extensions {
          list.object { entry in
            entry.londonField("at", item.at)
            entry.field("by", item.by)
            entry.field("reason", item.reason)
            entry.londonField("previousDueAt", item.previousDueAt)
            entry.londonField("newDueAt", item.newDueAt)
          }
        }
      }
    }
  }
}

extension CaseResponse {
  func write(to writer: inout JSONWriter) {
    writer.object { json in
      json.field("id", record.id)
      json.field("reference", record.reference.description)
      json.field("kind", record.kind.rawValue)
      json.field("status", record.status.rawValue)
      json.field("priority", record.priority.rawValue)
      json.field("channel", record.channel.rawValue)
      json.field("subject", record.subject)
      json.key("requester")
      json.object { person in
        let requester = record.requester
        person.field("name", requester.name)
        person.field("email", requester.email)
        person.field("phone", requester.phone)
        person.field("organisation", requester.organisation)
        person.field("nhsNumber", requester.nhsNumber?.digits)
      }
      json.field("assigneeId", record.assigneeID)
      json.field("tags", record.tags)
      json.key("flags")
      json.object { flags in
        flags.field("clinicalContent", record.clinicalFlag)
        flags.field("emergency", record.emergencyFlag)
      }
      json.field("createdAt", record.createdAt)
      json.field("receivedAt", record.receivedAt)
      json.field("updatedAt", record.updatedAt)
      json.key("escalation")
      if let escalation = deadlines.last(where: { $0.deadline.name == "escalation_response" })?.deadline {
        json.object { item in
          item.field(
            "state", escalation.metAt != nil ? "answered" : escalation.state == .breached ? "overdue" : "waiting")
          item.londonField("dueAt", escalation.dueAt)
          item.londonField("answeredAt", escalation.metAt)
        }
      } else {
        json.null()
      }
      json.key("deadlines")
      json.array { list in
        for deadline in deadlines { deadline.write(to: &list) }
      }
    }
  }

  func response(status: HTTPStatus = .ok) -> Response {
    var writer = JSONWriter(capacity: 768)
    write(to: &writer)
    return writer.response(status: status)
  }

  func encodeResponse(for request: Request) async throws -> Response { response() }
}

struct CaseListResponse: AsyncResponseEncodable {
  var data: [CaseResponse]
  var nextCursor: String?

  func encodeResponse(for request: Request) async throws -> Response {
    var writer = JSONWriter(capacity: 768 * max(1, data.count))
    writer.object { json in
      json.key("data")
      json.array { list in
        for item in data { item.write(to: &list) }
      }
      json.field("nextCursor", nextCursor)
    }
    return writer.response()
  }
}

struct MessageResponse: Content {
  var id: String
  var caseId: String
  var kind: String
  var author: String
  var body: String
  var createdAt: Date

  init(_ message: CaseMessage) {
    id = message.id.lowercaseString
    caseId = message.caseID.lowercaseString
    kind = message.kind == .outbound ? "reply" : message.kind.rawValue
    author = message.author.description
    body = message.body
    createdAt = message.createdAt
  }
}

struct MessageListResponse: Content {
  var data: [MessageResponse]
}
