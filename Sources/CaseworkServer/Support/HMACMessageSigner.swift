import CaseworkCore
import CaseworkMail
import CaseworkStore
import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// HMAC-SHA256 signatures for our Message-IDs. The key is shared by every process through the
/// database (`settings`), loaded when the database is prepared; until then a key for this
/// process alone is used.
public final class HMACMessageSigner: MessageSigner, Sendable {
  private let key = NIOLockedValueBox(SymmetricKey(size: .bits256))

  public init() {}

  public func use(keyData: Data) {
    key.withLockedValue { $0 = SymmetricKey(data: keyData) }
  }

  public func signature(_ payload: String) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key.withLockedValue { $0 })
    return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
  }

  /// The whole HMAC-SHA256 of some bytes under the same key: the requester links' MAC (they
  /// sign "my-case:…", which no Message-ID payload starts with).
  public func mac(_ bytes: [UInt8]) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key.withLockedValue { $0 }))
  }

  static let settingKey = "mail_signing_key"

  /// Loads the shared key, creating it on first use.
  func load(from store: SQLSettingsStore, now: Date) async throws {
    if let text = try await store.setting(Self.settingKey), let data = Data(base64Encoded: text), data.count == 32 {
      use(keyData: data)
      return
    }
    let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    try await store.setSettingIfAbsent(Self.settingKey, to: fresh.base64EncodedString(), at: now)
    if let text = try await store.setting(Self.settingKey), let data = Data(base64Encoded: text) { use(keyData: data) }
  }
}
