import CaseworkCore
import CaseworkStore
import Crypto
import Foundation
import Vapor

/// Delivers incident events to chat tools (domain §6): a JSON POST signed like the inbound
/// social webhook (`X-Casework-Timestamp`, `X-Casework-Signature: sha256=<HMAC of
/// "<timestamp>.<body>">`), with `X-Casework-Event` and `X-Casework-Delivery` (the event id,
/// for receivers to drop repeats). Any 2xx is delivered; anything else is retried with
/// exponential backoff, and given up after eight tries.
public struct WebhookSender: Sendable {
  public static let jobKind = "webhook_send"
  static let maximumAttempts = 8

  let deliveries: SQLWebhookDeliveries
  let client: any Client
  let secret: String
  let services: CaseworkServices
  let logger: Logger

  public init(deliveries: SQLWebhookDeliveries, client: any Client, secret: String, services: CaseworkServices, logger: Logger) {
    self.deliveries = deliveries
    self.client = client
    self.secret = secret
    self.services = services
    self.logger = logger
  }

  /// Sends every call that is due; returns how many were delivered.
  @discardableResult
  public func flush(limit: Int = 100) async throws -> Int {
    var delivered = 0
    for _ in 0..<limit {
      let now = services.clock.now()
      guard let call = try await deliveries.claim(now: now) else { break }
      let timestamp = String(Int(now.timeIntervalSince1970))
      let body = Data(call.payload.utf8)
      var headers = HTTPHeaders()
      headers.contentType = .json
      headers.add(name: "X-Casework-Event", value: call.event)
      headers.add(name: "X-Casework-Delivery", value: call.id.lowercaseString)
      headers.add(name: "X-Casework-Timestamp", value: timestamp)
      headers.add(
        name: "X-Casework-Signature", value: WebhookSignature.of(secret: secret, timestamp: timestamp, body: body))
      var failure: String?
      do {
        let response = try await client.post(URI(string: call.url), headers: headers) { request in
          request.body = ByteBuffer(data: body)
        }.get()
        if !(200..<300).contains(response.status.code) { failure = "HTTP \(response.status.code)" }
      } catch {
        failure = "Could not reach the endpoint."
      }
      guard let failure else {
        try await deliveries.markDelivered(call.id, at: services.clock.now())
        delivered += 1
        continue
      }
      // 30 s, 2 min, 8 min … up to 6 hours; then it stays failed for a person to look at.
      let retry =
        call.attempts < Self.maximumAttempts
        ? now.addingTimeInterval(min(6 * 3600, 30 * pow(4, Double(call.attempts - 1)))) : nil
      try await deliveries.markFailed(call.id, error: failure, retryAt: retry)
      logger.warning(
        "webhook delivery failed", metadata: ["attempt": .stringConvertible(call.attempts), "event": .string(call.event)])
    }
    return delivered
  }

  public func handler(every seconds: Double = 5) -> JobWorker.Handler {
    { _ in
      try await flush()
      try await services.jobs.enqueueUnlessPending(
        kind: Self.jobKind, payload: "{}", runAt: services.clock.now().addingTimeInterval(seconds))
    }
  }
}
