import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@Suite("Outgoing webhooks to chat tools", .serialized)
struct OutgoingWebhookTests {
  static let secret = String(repeating: "w3bh00k-", count: 5)

  /// A real HTTP receiver on loopback that records what it gets; it fails the first `failFirst` calls.
  final class Receiver: Sendable {
    let received = NIOLockedValueBox<[(headers: HTTPHeaders, body: String)]>([])
    let failures = NIOLockedValueBox(0)
  }

  @Test("incident events are POSTed signed; a failing endpoint is retried with backoff", arguments: Engine.all)
  func delivery(engine: Engine) async throws {
    let receiver = Receiver()
    receiver.failures.withLockedValue { $0 = 1 }
    let server = try await Application.make(.testing)
    server.http.server.configuration.hostname = "127.0.0.1"
    server.http.server.configuration.port = 0
    server.post("hook") { request -> HTTPStatus in
      receiver.received.withLockedValue {
        $0.append((request.headers, request.body.string ?? ""))
      }
      return receiver.failures.withLockedValue { remaining in
        if remaining > 0 {
          remaining -= 1
          return .internalServerError
        }
        return .noContent
      }
    }
    try await server.server.start(address: .hostname("127.0.0.1", port: 0))
    let port = try #require(server.http.server.shared.localAddress?.port)
    let clock = SteppingWallClock(start: testStart)
    let config = testConfig {
      $0.webhookURLs = ["http://127.0.0.1:\(port)/hook"]
      $0.webhookSecret = Self.secret
    }
    do {
      try await withApp(engine, config: config, clock: clock) { app in
        let lead = try await app.makeStaff("ian@casework.test", role: .incidentManager)
        let incident = try await app.casework.cases.declareIncident(
          subject: "Messaging outage", impact: .one, urgency: .one, reporter: Requester(name: "Ops", email: "ops@example.com"),
          by: .staff(lead.id))
        try await app.casework.cases.addToWorkingGroup(
          incident.record.id, people: [lead], role: .incidentLead, link: "http://x", by: .staff(lead.id))
        let sender = CaseworkApp.webhookSender(app)
        // The first call fails (HTTP 500) and waits; the second goes through.
        #expect(try await sender.flush() == 1)
        let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
        var entries = try await SQLWebhookDeliveries(handle: handle).entries(of: incident.record.id)
        #expect(entries.map(\.state).sorted() == ["delivered", "pending"])
        #expect(entries.first { $0.state == "pending" }?.error == "HTTP 500")
        #expect(try await sender.flush() == 0, "not due yet")
        clock.advance(by: 31)
        #expect(try await sender.flush() == 1)
        entries = try await SQLWebhookDeliveries(handle: handle).entries(of: incident.record.id)
        #expect(entries.allSatisfy { $0.state == "delivered" })
        #expect(entries.first { $0.event == "incident.declared" }?.attempts == 2)

        let calls = receiver.received.withLockedValue { $0 }
        #expect(calls.count == 3)
        for call in calls {
          let timestamp = try #require(call.headers.first(name: "X-Casework-Timestamp"))
          let expected = WebhookSignature.of(secret: Self.secret, timestamp: timestamp, body: Data(call.body.utf8))
          #expect(call.headers.first(name: "X-Casework-Signature") == expected)
          #expect(call.headers.first(name: "X-Casework-Delivery") != nil)
        }
        let events = calls.compactMap { $0.headers.first(name: "X-Casework-Event") }
        #expect(Set(events) == ["incident.declared", "working_group.member_added"])
        let body = try #require(calls.last?.body)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect((json["incident"] as? [String: Any])?["reference"] as? String == incident.record.reference.description)
        #expect(json["text"] as? String != nil)
      }
    } catch {
      await server.server.shutdown()
      try await server.asyncShutdown()
      throw error
    }
    await server.server.shutdown()
    try await server.asyncShutdown()
  }

  @Test("webhook settings are checked at start-up")
  func settings() throws {
    #expect(throws: (any Error).self) {
      try AppConfig.load(from: ["CASEWORK_WEBHOOK_URLS": "ftp://chat.example", "CASEWORK_DATA_DIR": NSTemporaryDirectory()])
    }
    #expect(throws: (any Error).self) {
      try AppConfig.load(from: [
        "CASEWORK_WEBHOOK_URLS": "https://chat.example/hook", "CASEWORK_DATA_DIR": NSTemporaryDirectory(),
      ])
    }
    let config = try AppConfig.load(from: [
      "CASEWORK_WEBHOOK_URLS": "https://chat.example/hook, https://other.example/h", "CASEWORK_WEBHOOK_SECRET": Self.secret,
      "CASEWORK_DATA_DIR": NSTemporaryDirectory(),
    ])
    #expect(config.webhookURLs == ["https://chat.example/hook", "https://other.example/h"])
  }
}
