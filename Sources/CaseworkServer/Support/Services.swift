import CaseworkCore
import CaseworkMail
import CaseworkStore
import Crypto
import Foundation
import Vapor

/// SHA-256 of a secret, hex encoded: tokens are random and long, so no salt or stretching is
/// needed, and a lookup by digest stays an index hit.
public struct SHA256SecretHasher: SecretHasher {
  public init() {}
  public func digest(_ secret: String) -> String {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in SHA256.hash(data: Data(secret.utf8)) {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Everything a handler needs, built once by the composition root.
public struct CaseworkServices: Sendable {
  public var config: AppConfig
  public var clock: any WallClock
  public var hasher: any SecretHasher
  public var cases: CaseService
  public var staff: any StaffRepository
  public var tokens: any TokenRepository
  public var jobs: SQLJobQueue
  public var staffAccounts: StaffAccounts
  public var tokenCache: TokenCache
  /// Public form submissions per client address.
  public var submissionLimiter: RateLimiter
  /// Sign-in attempts per client address, against password guessing.
  public var loginLimiter: RateLimiter
  /// The deadline engine in force (policy and calendar), shared with `cases`.
  public var deadlineEngine: CurrentDeadlineEngine
  public var deadlineStore: SQLDeadlineStore
  /// Values every process shares (imported holidays, deadline basis, mail signing key).
  public var settings: SQLSettingsStore
  public var notifications: any NotificationRepository
  /// Email in: stored first, then threaded to its case or opening one.
  public var mail: EmailIntake
  /// Whether new tickets are accepted (domain §8).
  public var intake: SQLIntakeSwitch
  /// The status page's components and published incidents (domain §8).
  public var status: SQLStatusStore
  public var messageSigner: HMACMessageSigner
  /// Live chat's rules and storage (domain §7).
  public var chat: ChatService
  /// This process's chat sockets, and the fan-out to other processes.
  var chatHub: ChatHub
  /// New chats per client address (each opens a case, like a form submission).
  public var chatStartLimiter: RateLimiter

  public var deadlineText: DeadlineText { DeadlineText(calendars: deadlineEngine.value.calendars) }
}

extension Application {
  struct ServicesKey: StorageKey {
    typealias Value = CaseworkServices
  }

  public var casework: CaseworkServices {
    get {
      guard let services = storage[ServicesKey.self] else {
        fatalError("configure(_:) must run before services are used")
      }
      return services
    }
    set { storage[ServicesKey.self] = newValue }
  }
}

extension Request {
  public var casework: CaseworkServices { application.casework }
}
