import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Social media webhook: signed, fresh, once")
struct SocialWebhookTests {
  static let secret = String(repeating: "s3cr3t-", count: 6)

  func call(_ app: Application, body: String, timestamp: String?, signature: String?) async throws -> (HTTPStatus, [String: Any])
  {
    var headers = HTTPHeaders()
    headers.contentType = .json
    if let timestamp { headers.add(name: "X-Casework-Timestamp", value: timestamp) }
    if let signature { headers.add(name: "X-Casework-Signature", value: signature) }
    let response = try await app.testing().sendRequest(
      .POST, "/api/v1/inbound/social", headers: headers, body: ByteBuffer(string: body))
    return (response.status, (try? json(response)) ?? [:])
  }

  func sign(_ body: String, at timestamp: String) -> String {
    WebhookSignature.of(secret: Self.secret, timestamp: timestamp, body: Data(body.utf8))
  }

  @Test("a signed post opens a report in triage; unsigned, forged, stale and replayed calls do not", arguments: Engine.all)
  func signed(engine: Engine) async throws {
    let config = testConfig { $0.socialWebhookSecret = Self.secret }
    try await withApp(engine, config: config) { app in
      let now = String(Int(testStart.timeIntervalSince1970))
      let body =
        #"{"source":"x","author":"@practice_manager","text":"Is the patient app down? No messages since 9am","link":"https://x.example/p/1","postedAt":"2026-11-21T09:55:00Z"}"#
      var (status, result) = try await call(app, body: body, timestamp: now, signature: sign(body, at: now))
      #expect(status == .created)
      let record = try #require(try await app.casework.cases.find(result["reference"] as? String ?? ""))
      #expect(record.channel == .social)
      #expect(record.tags.contains(CaseService.possibleIncidentTag))
      #expect(record.requester.name == "@practice_manager")

      // The same call again, within the window: one report.
      (status, result) = try await call(app, body: body, timestamp: now, signature: sign(body, at: now))
      #expect(status == .ok)
      #expect(result["outcome"] as? String == "duplicate")

      (status, result) = try await call(app, body: body, timestamp: nil, signature: nil)
      #expect(status == .unauthorized)
      (status, result) = try await call(
        app, body: body.replacingOccurrences(of: "9am", with: "8am"), timestamp: now, signature: sign(body, at: now))
      #expect(status == .unauthorized)
      #expect(result["detail"] as? String == "The signature does not match the body.")
      let old = String(Int(testStart.timeIntervalSince1970) - 301)
      (status, result) = try await call(app, body: body, timestamp: old, signature: sign(body, at: old))
      #expect(status == .unauthorized)
      #expect((result["detail"] as? String)?.contains("replay") == true)

      let missing = #"{"source":"x","author":"@a"}"#
      (status, result) = try await call(app, body: missing, timestamp: now, signature: sign(missing, at: now))
      #expect(status == .unprocessableEntity)
      #expect((result["errors"] as? [[String: Any]])?.first?["field"] as? String == "text")
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 1)
    }
  }

  @Test("without a configured secret the endpoint does not exist (404, not a server error)")
  func unconfigured() async throws {
    try await withApp(.sqlite) { app in
      let (status, _) = try await call(app, body: "{}", timestamp: "1", signature: "sha256=00")
      #expect(status == .notFound)
    }
  }
}
