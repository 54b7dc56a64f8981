import Foundation
import NIOCore
import Testing

@testable import CaseworkCore
@testable import CaseworkServer

/// One way to write JSON: `JSONWriter`, with `Codable` API types streamed through it, writing what
/// Foundation's encoder writes; and API types that never carry Core's records themselves.
@Suite("One JSON path")
struct JSONPathTests {
  struct Inner: Codable, Equatable {
    var label: String
    var count: Int
    var ratio: Double
    var maybe: String?

    enum CodingKeys: String, CodingKey { case label, count, ratio, maybe }
  }

  enum Colour: String, Codable { case red, deepBlue = "deep_blue" }

  struct Sample: Codable {
    var id: UUID
    var at: Date
    var flag: Bool
    var nothing: String?
    var explicitNull: String?
    var text: String
    var colours: [Colour]
    var inner: Inner
    var inners: [Inner]
    var nested: [[Int]]
    var empty: [String]
    var emptyObject: [String: Int]
    var map: [String: Inner]
    var big: Int64
    var negative: Int

    enum CodingKeys: String, CodingKey {
      case id, at, flag, nothing, explicitNull, text, colours, inner, inners, nested, empty, emptyObject, map, big, negative
    }

    init(text: String) {
      id = UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789")!
      at = Date(timeIntervalSince1970: 1_795_255_200.75)
      flag = true
      self.text = text
      colours = [.red, .deepBlue]
      inner = Inner(label: "x\u{1}y", count: 3, ratio: 0.1, maybe: nil)
      inners = [Inner(label: "a", count: -1, ratio: 2.5e-7, maybe: "m"), Inner(label: "", count: 0, ratio: 1e21, maybe: nil)]
      nested = [[1, 2], [], [3]]
      empty = []
      emptyObject = [:]
      map = ["k \"quoted\"": Inner(label: "v", count: 1, ratio: -0.5, maybe: "\u{7F}")]
      big = 9_007_199_254_740_993
      negative = -42
    }

    init(from decoder: any Decoder) throws { fatalError("only encoded") }

    // Written by hand to use every container: a nested keyed container and an explicit null.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(at, forKey: .at)
      try container.encode(flag, forKey: .flag)
      try container.encodeIfPresent(nothing, forKey: .nothing)
      try container.encodeNil(forKey: .explicitNull)
      try container.encode(text, forKey: .text)
      try container.encode(colours, forKey: .colours)
      var nestedInner = container.nestedContainer(keyedBy: Inner.CodingKeys.self, forKey: .inner)
      try nestedInner.encode(inner.label, forKey: .label)
      try nestedInner.encode(inner.count, forKey: .count)
      try nestedInner.encode(inner.ratio, forKey: .ratio)
      var list = container.nestedUnkeyedContainer(forKey: .inners)
      for item in inners { try list.encode(item) }
      try container.encode(nested, forKey: .nested)
      try container.encode(empty, forKey: .empty)
      try container.encode(emptyObject, forKey: .emptyObject)
      try container.encode(map, forKey: .map)
      try container.encode(big, forKey: .big)
      try container.encode(negative, forKey: .negative)
    }
  }

  static func foundation<T: Encodable>(_ value: T) throws -> Any {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    return try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
  }

  static func ours<T: Encodable>(_ value: T) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(JSONWriterEncoding.bytes(of: value)), options: [.fragmentsAllowed])
  }

  @Test(
    "Codable values write as Foundation's encoder writes them",
    arguments: [
      "plain", "", "quote \" backslash \\ slash / tab \t newline \n", "émoji 👩‍⚕️ and \u{0} nul",
      String(repeating: "long ", count: 400),
    ])
  func sameAsFoundation(text: String) throws {
    let sample = Sample(text: text)
    let theirs = try Self.foundation(sample) as? NSDictionary
    let mine = try Self.ours(sample) as? NSDictionary
    #expect(theirs != nil && mine == theirs)
    #expect((mine?["at"] as? String) == "2026-11-21T10:00:00Z")
    #expect(mine?["nothing"] == nil, "nil optionals are left out, as Foundation leaves them out")
    #expect(mine?["explicitNull"] is NSNull)
    for scalar in [try Self.ours(7), try Self.ours("x"), try Self.ours(true)] as [Any] {
      #expect(!(scalar is NSDictionary))
    }
    #expect(try Self.ours([Inner]()) as? NSArray == [])
  }

  @Test("a number JSON cannot hold is refused, not written")
  func notFinite() {
    #expect(throws: JSONEncodingError.self) { _ = try JSONWriterEncoding.bytes(of: [Double.nan]) }
    #expect(throws: JSONEncodingError.self) { _ = try JSONWriterEncoding.bytes(of: ["x": Double.infinity]) }
  }

  /// Every value inside `value` whose type is declared in CaseworkCore.
  static func coreValues(in value: Any, path: String = "") -> [String] {
    var found: [String] = []
    let type = String(reflecting: Swift.type(of: value))
    if type.hasPrefix("CaseworkCore.") { found.append("\(path): \(type)") }
    for child in Mirror(reflecting: value).children {
      found += coreValues(in: child.value, path: path + "." + (child.label ?? "[]"))
    }
    return found
  }

  @Test("complaint and incident documents hold API types only, every record filled in")
  func noCoreTypes() throws {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let staff = UUID()
    let id = UUID()
    let record = Case(
      id: id, reference: CaseReference(kind: .complaint, year: 2026, number: 7), kind: .complaint, status: .open,
      priority: .normal, channel: .web, subject: "Missed appointment", requester: Requester(name: "Ann", email: "a@example.com"),
      createdAt: now, receivedAt: now, updatedAt: now)
    let day = LocalDate(year: 2026, month: 11, day: 2)!
    var complaint = Complaint(
      caseID: id, preset: .sourcePolicy, dates: ComplaintDates(received: day, incident: day, discovered: day),
      desiredOutcome: "An apology", raisedFrom: UUID())
    complaint.timeLimitDecision = TimeLimitDecision(accepted: true, reason: "Late but fair", by: staff, at: now)
    complaint.investigation = InvestigationRecord(
      whatHappened: "x", whatWentWrong: "y", apologyGiven: true, apologyWords: "Sorry",
      actions: [ComplaintAction(description: "Fix", owner: "Sam", due: day, doneAt: now)], discussionOffered: true,
      discussionHeld: false, principles: ComplaintPrinciple.allCases, notes: "n")
    complaint.delays = [DelayNotice(reason: "Waiting for a report", newDate: day, by: staff, at: now)]
    complaint.ombudsman = OmbudsmanReferral(referredOn: day, reference: "PHSO-1", request: "r", outcome: "o")
    complaint.followUp = FollowUpRecord(sentAt: now, answer: .satisfied, answeredAt: now)
    let complaintDocument = ComplaintResponse(ComplaintCase(record: record, complaint: complaint))
    #expect(Self.coreValues(in: complaintDocument).isEmpty, "\(Self.coreValues(in: complaintDocument))")
    let complaintJSON = try Self.ours(complaintDocument) as? NSDictionary
    #expect((complaintJSON?["followUp"] as? NSDictionary)?["answer"] as? String == "satisfied")
    #expect(((complaintJSON?["investigation"] as? NSDictionary)?["actions"] as? NSArray)?.count == 1)

    var incident = Incident(caseID: id, impact: .two, urgency: .three, declaredAt: now)
    incident.severityOverride = SeverityOverride(severity: 1, reason: "Patients affected", by: staff, at: now)
    incident.updates = [IncidentUpdate(at: now, text: "Investigating", isPublic: true, by: "Sam")]
    incident.clinicalReview = ClinicalReview(
      hazard: "h", likelihood: .low, consequence: .minor, hazardLogUpdated: true, by: staff, at: now)
    var breach = BreachRecord(awareAt: now)
    breach.decision = .reported(reference: "ICO-1", at: now)
    breach.decidedBy = staff
    breach.decidedAt = now
    incident.breach = breach
    incident.review = PostIncidentReview(
      whatHappened: "w", cause: "c", contributingFactors: "f",
      actions: [ComplaintAction(description: "Alert", owner: "Sam", due: day)])
    incident.members = [WorkingGroupMember(staffID: staff, name: "Sam", role: .incidentLead, addedAt: now)]
    let incidentDocument = IncidentResponse(IncidentCase(record: record, incident: incident), reports: ["INC-2026-000001"])
    #expect(Self.coreValues(in: incidentDocument).isEmpty, "\(Self.coreValues(in: incidentDocument))")
    let incidentJSON = try Self.ours(incidentDocument) as? NSDictionary
    let decision = (incidentJSON?["breach"] as? NSDictionary)?["decision"] as? NSDictionary
    #expect((decision?["reported"] as? NSDictionary)?["reference"] as? String == "ICO-1")
    #expect((incidentJSON?["members"] as? NSArray)?.count == 1)
  }
}
