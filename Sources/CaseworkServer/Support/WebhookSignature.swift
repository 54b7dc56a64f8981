import Crypto
import Foundation

/// The signature of a webhook call, in and out: `sha256=` and the hex HMAC-SHA256, under the
/// shared secret, of the timestamp, a dot and the body.
public enum WebhookSignature {
  public static func of(secret: String, timestamp: String, body: Data) -> String {
    let mac = HMAC<SHA256>.authenticationCode(
      for: Data((timestamp + ".").utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
    return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
  }
}
