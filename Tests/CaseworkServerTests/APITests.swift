import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import CaseworkServer

@Suite("JSON API")
struct APITests {
  let newCase: [String: Any] = [
    "kind": "support_request", "subject": "Cannot book", "description": "The booking page is blank",
    "requester": ["name": "Ann Example", "email": "ann@example.com"],
  ]

  @Test("creating a case answers 201 with the case, its reference, deadlines and a Location", arguments: Engine.all)
  func create(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      var body = newCase
      body["receivedAt"] = "2026-11-20T09:30:00Z"
      body["tags"] = ["Booking"]
      try await app.testing().test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)) { response in
        #expect(response.status == .created)
        let object = try json(response)
        #expect(object["reference"] as? String == "SR-2026-000001")
        #expect(object["kind"] as? String == "support_request")
        #expect(object["status"] as? String == "new")
        #expect(object["channel"] as? String == "api")
        #expect(object["receivedAt"] as? String == "2026-11-20T09:30:00Z")
        #expect(object["createdAt"] as? String == "2026-11-21T10:00:00Z")
        #expect(object["deadlines"] is [Any])
        #expect(object["tags"] as? [String] == ["booking"])
        let id = try #require(object["id"] as? String)
        #expect(response.headers.first(name: .location) == "/api/v1/cases/\(id)")
      }
      let stored = try #require(try await app.casework.cases.find("SR-2026-000001"))
      let audit = try await app.casework.cases.auditTrail(of: stored.id)
      #expect(audit.first?.actor.description.hasPrefix("api:") == true)
    }
  }

  @Test("reads, lists with filters and cursors, replies, notes and updates", arguments: Engine.withSQLiteFile)
  func workflow(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (user, token) = try await app.makeToken()
      for index in 0..<5 { _ = try await app.openCase(subject: "Case \(index)") }
      let tester = try app.testing()

      var cursor: String?
      var references: [String] = []
      repeat {
        let path = "/api/v1/cases?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
        let response = try await tester.sendRequest(.GET, path, headers: .bearer(token))
        #expect(response.status == .ok)
        let object = try json(response)
        references += (object["data"] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String }
        cursor = object["nextCursor"] as? String
      } while cursor != nil
      #expect(references == (1...5).reversed().map { "SR-2026-00000\($0)" })

      try await tester.test(.GET, "/api/v1/cases/sr-2026-000003", headers: .bearer(token)) { response in
        #expect(response.status == .ok)
        try #expect(json(response)["subject"] as? String == "Case 2")
      }
      try await tester.test(
        .POST, "/api/v1/cases/SR-2026-000003/messages", headers: .bearer(token),
        body: try jsonBody(["kind": "reply", "body": "Please try again"])
      ) { response in
        #expect(response.status == .created)
        try #expect(json(response)["kind"] as? String == "reply")
      }
      try await tester.test(
        .POST, "/api/v1/cases/SR-2026-000003/messages", headers: .bearer(token),
        body: try jsonBody(["kind": "note", "body": "internal"])
      ) { response in #expect(response.status == .created) }
      try await tester.test(.GET, "/api/v1/cases/SR-2026-000003/messages", headers: .bearer(token)) { response in
        let kinds = (try json(response)["data"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["inbound", "reply", "reply", "note"])
      }
      try await tester.test(
        .PATCH, "/api/v1/cases/SR-2026-000003", headers: .bearer(token),
        body: try jsonBody(["status": "pending_requester", "assigneeId": user.id.uuidString, "tags": ["ios"]])
      ) { response in
        #expect(response.status == .ok)
        let object = try json(response)
        #expect(object["status"] as? String == "pending_requester")
        #expect(object["assigneeId"] as? String == user.id.uuidString.lowercased())
      }
      try await tester.test(
        .GET, "/api/v1/cases?status=pending_requester&tag=ios&assigneeId=\(user.id.uuidString)", headers: .bearer(token)
      ) {
        response in
        try #expect((json(response)["data"] as? [Any])?.count == 1)
      }
      try await tester.test(
        .PATCH, "/api/v1/cases/SR-2026-000003", headers: .bearer(token), body: try jsonBody(["assigneeId": NSNull()])
      ) {
        response in
        try #expect(json(response)["assigneeId"] is NSNull)
      }
    }
  }

  @Test("malformed JSON is a 400 problem document", arguments: Engine.all)
  func malformed(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      var headers = HTTPHeaders.bearer(token)
      headers.contentType = .json
      try await app.testing().test(.POST, "/api/v1/cases", headers: headers, body: ByteBuffer(string: "{\"subject\": ")) {
        response in
        #expect(response.status == .badRequest)
        #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
        try #expect(json(response)["status"] as? Int == 400)
      }
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
    }
  }

  @Test("missing and invalid fields are a 422 naming each field", arguments: Engine.all)
  func invalidFields(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let tester = try app.testing()
      try await tester.test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(["kind": "wish"])) { response in
        #expect(response.status == .unprocessableEntity)
        let fields = Set((try json(response)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(fields == ["kind", "requester", "subject", "description"])
      }
      var body = newCase
      body["requester"] = ["name": "Ann", "email": "nope", "nhsNumber": "1234567890"]
      try await tester.test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)) { response in
        #expect(response.status == .unprocessableEntity)
        let fields = Set((try json(response)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(fields == ["requester.email", "requester.nhsNumber"])
      }
      body = newCase
      body["subject"] = 42
      try await tester.test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)) { response in
        #expect(response.status == .unprocessableEntity)
        try #expect((json(response)["errors"] as? [[String: Any]])?.first?["field"] as? String == "subject")
      }
      _ = try await app.openCase()
      try await tester.test(
        .PATCH, "/api/v1/cases/SR-2026-000001", headers: .bearer(token), body: try jsonBody(["status": "closed"])
      ) { _ in }
      try await tester.test(
        .PATCH, "/api/v1/cases/SR-2026-000001", headers: .bearer(token), body: try jsonBody(["status": "resolved"])
      ) {
        response in
        #expect(response.status == .unprocessableEntity)
        try #expect((json(response)["errors"] as? [[String: Any]])?.first?["field"] as? String == "status")
      }
      try await tester.test(.GET, "/api/v1/cases?limit=0&cursor=zzz", headers: .bearer(token)) { response in
        let fields = Set((try json(response)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(fields == ["limit", "cursor"])
      }
    }
  }

  @Test("a body over the size limit is a 413 and nothing is stored", arguments: Engine.all)
  func tooLarge(engine: Engine) async throws {
    try await withApp(engine, config: testConfig { $0.maxBodyKilobytes = 4 }) { app in
      let (_, token) = try await app.makeToken()
      var body = newCase
      body["description"] = String(repeating: "x", count: 8 * 1024)
      try await app.testing(method: .running(port: 0)).test(
        .POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)
      ) {
        response in
        #expect(response.status == .payloadTooLarge)
      }
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
    }
  }

  @Test("unknown cases are 404; missing, wrong and revoked tokens are 401", arguments: Engine.all)
  func notFoundAndUnauthorised(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (user, token) = try await app.makeToken()
      let tester = try app.testing()
      try await tester.test(.GET, "/api/v1/cases/SR-2026-999999", headers: .bearer(token)) { response in
        #expect(response.status == .notFound)
        try #expect(json(response)["type"] as? String == "/problems/not-found")
      }
      try await tester.test(.GET, "/api/v1/cases/\(UUID().uuidString)", headers: .bearer(token)) {
        #expect($0.status == .notFound)
      }
      try await tester.test(.GET, "/api/v1/cases") { response in
        #expect(response.status == .unauthorized)
        #expect(response.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
      }
      try await tester.test(.GET, "/api/v1/cases", headers: .bearer(token + "x")) { #expect($0.status == .unauthorized) }
      try await tester.test(.POST, "/api/v1/cases", headers: .bearer("cw_nope"), body: try jsonBody(newCase)) {
        #expect($0.status == .unauthorized)
      }
      let stored = try await app.casework.tokens.tokens(of: user.id)
      try await app.casework.tokens.revoke(id: stored[0].id, at: testStart)
      app.casework.tokenCache.removeAll()
      try await tester.test(.GET, "/api/v1/cases", headers: .bearer(token)) { #expect($0.status == .unauthorized) }
    }
  }

  @Test("the bearer scheme is read in any case; other schemes, no token or an overlong one are 401")
  func bearerScheme() async throws {
    try await withApp(.sqlite) { app in
      let (_, token) = try await app.makeToken()
      let tester = try app.testing()
      for accepted in ["Bearer \(token)", "bearer \(token)", "BEARER \(token)", "Bearer  \(token)"] {
        try await tester.test(.GET, "/api/v1/cases", headers: ["Authorization": accepted]) {
          #expect($0.status == .ok, "\(accepted.prefix(8))")
        }
      }
      let refused = [
        "Basic \(token)", "Bearer", "Bearer ", "Bearer\(token)", "Bearerx \(token)", " Bearer \(token)",
        "Bearer \(String(repeating: "a", count: 201))",
      ]
      for header in refused {
        try await tester.test(.GET, "/api/v1/cases", headers: ["Authorization": header]) { response in
          #expect(response.status == .unauthorized, "\(header.prefix(9))")
          try #expect(json(response)["detail"] as? String == "Send an API token as Authorization: Bearer <token>.")
        }
      }
    }
  }

  @Test("bodies that are not JSON are a 415")
  func notJSON() async throws {
    try await withApp(.sqlite) { app in
      let (_, token) = try await app.makeToken()
      var headers = HTTPHeaders.bearer(token)
      headers.contentType = .urlEncodedForm
      try await app.testing().test(.POST, "/api/v1/cases", headers: headers, body: ByteBuffer(string: "subject=x")) { response in
        #expect(response.status == .unsupportedMediaType)
        try #expect(json(response)["detail"] as? String == "Send the body as application/json.")
      }
      // JSON in any case and with parameters is JSON; near misses, or no type at all, are not.
      let body =
        #"{"subject": "Cannot log in", "description": "It fails", "requester": {"name": "Ann", "email": "ann@example.com"}}"#
      for (type, status) in [
        ("application/json; charset=utf-8", HTTPStatus.created), ("Application/JSON", .created),
        (" application/json ;x=y", .created),
        ("application/jsonx", .unsupportedMediaType), ("text/json", .unsupportedMediaType),
        ("application/json-patch+json", .unsupportedMediaType),
        (nil, .unsupportedMediaType),
      ] as [(String?, HTTPStatus)] {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        if let type { headers.replaceOrAdd(name: .contentType, value: type) }
        try await app.testing().test(.POST, "/api/v1/cases", headers: headers, body: ByteBuffer(string: body)) { response in
          #expect(response.status == status, "\(type ?? "no type")")
        }
      }
    }
  }

  @Test("a deactivated user's token stops working")
  func deactivatedUser() async throws {
    try await withApp(.sqlite) { app in
      var (user, token) = try await app.makeToken()
      try await app.testing().test(.GET, "/api/v1/cases", headers: .bearer(token)) { #expect($0.status == .ok) }
      user.active = false
      try await app.casework.staff.update(user)
      app.casework.tokenCache.removeAll()
      try await app.testing().test(.GET, "/api/v1/cases", headers: .bearer(token)) { #expect($0.status == .unauthorized) }
    }
  }

  @Test("text sent over the API is stored as sent and never interpreted")
  func scriptIsData() async throws {
    try await withApp(.sqlite) { app in
      let (_, token) = try await app.makeToken()
      var body = newCase
      body["subject"] = "<script>alert('x')</script>"
      try await app.testing().test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)) { response in
        try #expect(json(response)["subject"] as? String == "<script>alert('x')</script>")
      }
    }
  }

  @Test("health: /healthz always, /readyz when the database answers")
  func health() async throws {
    try await withApp(.sqlite) { app in
      try await app.testing().test(.GET, "/healthz") { #expect($0.status == .ok) }
      try await app.testing().test(.GET, "/readyz") { #expect($0.status == .ok) }
      try await app.autoRevert()
      try await app.testing().test(.GET, "/readyz") { #expect($0.status == .serviceUnavailable) }
    }
  }
}

@Suite("JSON writer")
struct JSONWriterTests {
  @Test("writes what JSONSerialization reads back, escaping quotes, backslashes and control characters")
  func roundTrip() throws {
    let record = Case(
      id: UUID(), reference: CaseReference(kind: .incident, year: 2027, number: 7), kind: .incident, status: .open,
      priority: .urgent, channel: .api, subject: "Quote \" back\\slash\nnew line\u{1} and é — 🚑",
      requester: Requester(name: "Ann", email: "ann@example.com", nhsNumber: NHSNumber("9434765919")), tags: ["a", "b"],
      clinicalFlag: true, emergencyFlag: false, createdAt: Date(timeIntervalSince1970: 1_798_761_599.999),
      receivedAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 951_782_400))
    var writer = JSONWriter()
    CaseResponse(record).write(to: &writer)
    let object = try #require(JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
    #expect(object["subject"] as? String == record.subject)
    #expect(object["reference"] as? String == "INC-2027-000007")
    #expect(object["createdAt"] as? String == "2026-12-31T23:59:59Z")
    #expect(object["receivedAt"] as? String == "1970-01-01T00:00:00Z")
    #expect(object["updatedAt"] as? String == "2000-02-29T00:00:00Z")
    #expect(object["assigneeId"] is NSNull)
    #expect((object["requester"] as? [String: Any])?["nhsNumber"] as? String == "9434765919")
    #expect((object["requester"] as? [String: Any])?["phone"] is NSNull)
    #expect((object["flags"] as? [String: Any])?["clinicalContent"] as? Bool == true)
    #expect(object["tags"] as? [String] == ["a", "b"])
    #expect((object["deadlines"] as? [Any])?.isEmpty == true)
  }

  @Test("instants are written as ISO8601DateFormatter writes them, in UTC and on London's clock")
  func instants() {
    let utc = ISO8601DateFormatter()
    let london = ISO8601DateFormatter()
    london.timeZone = TimeZone(identifier: "Europe/London")!
    // Seconds either side of the clock changes, and a spread from 1900 to 2100.
    var instants: [Date] = [
      Date(timeIntervalSince1970: 1_774_745_999), Date(timeIntervalSince1970: 1_774_746_000),
      Date(timeIntervalSince1970: 1_792_889_999), Date(timeIntervalSince1970: 1_792_890_000),
      Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999),
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<3_000 {
      instants.append(Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))))
    }
    for instant in instants {
      #expect(ISO8601.string(instant) == utc.string(from: instant))
      #expect(ISO8601.londonString(instant) == london.string(from: instant))
    }
  }

  @Test("a writer that starts small grows as it goes and loses nothing")
  func growth() throws {
    let texts = (0..<500).map { index in
      String(repeating: "é\"\\\n\u{7}", count: index % 9) + "text \(index) " + String(repeating: "x", count: index % 130)
    }
    var writer = JSONWriter(capacity: 1)
    writer.object { json in
      json.field("texts", texts)
      json.field("at", Date(timeIntervalSince1970: 0))
      json.londonField("london", Date(timeIntervalSince1970: 1_790_000_000))
    }
    let object = try #require(JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
    #expect(object["texts"] as? [String] == texts)
    #expect(object["at"] as? String == "1970-01-01T00:00:00Z")
    #expect(object["london"] as? String == "2026-09-21T15:13:20+01:00")
  }

  @Test("ids are written in lower case, and a missing one as null")
  func ids() throws {
    let id = UUID()
    var writer = JSONWriter()
    writer.object { json in
      json.field("id", id)
      json.field("none", UUID?.none)
      json.key("list")
      json.array { list in
        list.object { $0.field("flag", true) }
        list.null()
      }
    }
    #expect(
      String(decoding: writer.bytes, as: UTF8.self)
        == #"{"id":"\#(id.uuidString.lowercased())","none":null,"list":[{"flag":true},null]}"#)
  }
}
