import Foundation

/// Something that happened to an incident, for chat tools (domain §6): written with the change
/// that caused it, then delivered by a job to each configured webhook, signed and retried.
public struct WebhookEvent: Sendable, Equatable {
  public var id: UUID
  public var kind: String
  public var caseID: CaseID
  /// The JSON body, as sent.
  public var payload: String

  public init(id: UUID = .timeOrdered(), kind: String, caseID: CaseID, payload: String) {
    self.id = id
    self.kind = kind
    self.caseID = caseID
    self.payload = payload
  }

  struct Body: Encodable {
    struct IncidentPart: Encodable {
      var reference: String
      var subject: String
      var severity: Int
      var status: String
    }

    var id: String
    var event: String
    var at: String
    var incident: IncidentPart
    var text: String
    var member: String?
    var role: String?
  }

  /// An event about an incident with a line of text a chat tool can show as it is.
  static func incident(
    _ kind: String, _ current: IncidentCase, text: String, member: String? = nil, role: GroupRole? = nil, at: Date
  ) -> WebhookEvent {
    let id = UUID.timeOrdered()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let body = Body(
      id: id.lowercaseString, event: kind, at: ISO8601DateFormatter().string(from: at),
      incident: .init(
        // Chat tools are outside our walls: NHS numbers travel masked (their own field never goes).
        reference: current.record.reference.description, subject: NHSNumber.mask(in: current.record.subject),
        severity: current.incident.severity, status: current.record.status.rawValue), text: NHSNumber.mask(in: text),
      member: member, role: role?.rawValue)
    let json = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return WebhookEvent(id: id, kind: kind, caseID: current.record.id, payload: json)
  }
}
