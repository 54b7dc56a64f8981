import CaseworkCore
import CaseworkMail
import CaseworkStore
import Crypto
import Foundation
import Vapor

/// HMAC-SHA-1 for TOTP (RFC 6238 fixes the algorithm authenticator apps use). Vapor has a
/// `TOTP` of its own; ours is Core's.
enum TwoFactorCrypto {
  static let hmacSHA1: CaseworkCore.TOTP.HMACSHA1 = { key, message in
    Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
  }
}

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

/// Everything a handler needs, built once by the composition root. A class: handlers reach it
/// several times a request, and a copy of a struct this size retained every member each time.
public final class CaseworkServices: Sendable {
  public let config: AppConfig
  public let clock: any WallClock
  public let hasher: any SecretHasher
  public let cases: CaseService
  public let staff: any StaffRepository
  public let tokens: any TokenRepository
  public let jobs: SQLJobQueue
  public let staffAccounts: StaffAccounts
  /// Staff sign-in sessions (keys stored as digests).
  public let sessions: any StaffSessionStore
  /// Two-factor sign-in (TOTP and recovery codes).
  public let twoFactor: TwoFactorService
  public let tokenCache: TokenCache
  /// Public form submissions per client address.
  public let submissionLimiter: RateLimiter
  /// Accepted public submissions per email address an hour.
  public let submissionsPerEmail: RateLimiter
  /// Failed sign-ins per account and per client address, against password guessing; a
  /// successful sign-in never counts, so colleagues behind one office address are not locked out.
  public let signInFailures: SignInThrottle
  /// Replies through a requester's private link, per link and per client address.
  public let replyLimiter: RateLimiter
  /// The deadline engine in force (policy and calendar), shared with `cases`.
  public let deadlineEngine: CurrentDeadlineEngine
  /// Deadline warnings, breaches, follow-ups and recomputation (Core's rules).
  public let deadlines: DeadlineMonitor
  /// Values every process shares (imported holidays, deadline basis, mail signing key).
  public let settings: SQLSettingsStore
  public let notifications: any NotificationRepository
  /// Email in: stored first, then threaded to its case or opening one.
  public let mail: EmailIntake
  /// Whether new tickets are accepted (domain §8).
  public let intake: SQLIntakeSwitch
  /// The status page's components and published incidents (domain §8).
  public let status: SQLStatusStore
  public let messageSigner: HMACMessageSigner
  /// Live chat's rules and storage (domain §7).
  public let chat: ChatService
  /// This process's chat sockets, and the fan-out to other processes.
  let chatHub: ChatHub
  /// New chats per client address (each opens a case, like a form submission).
  public let chatStartLimiter: RateLimiter
  /// Transcripts asked for from one client address in a day, whatever addresses they go to.
  public let transcriptLimiter: RateLimiter

  init(
    config: AppConfig,
    clock: any WallClock,
    hasher: any SecretHasher,
    cases: CaseService,
    staff: any StaffRepository,
    tokens: any TokenRepository,
    jobs: SQLJobQueue,
    staffAccounts: StaffAccounts,
    sessions: any StaffSessionStore,
    twoFactor: TwoFactorService,
    tokenCache: TokenCache,
    submissionLimiter: RateLimiter, submissionsPerEmail: RateLimiter,
    signInFailures: SignInThrottle,
    replyLimiter: RateLimiter,
    deadlineEngine: CurrentDeadlineEngine,
    deadlines: DeadlineMonitor,
    settings: SQLSettingsStore,
    notifications: any NotificationRepository,
    mail: EmailIntake,
    intake: SQLIntakeSwitch,
    status: SQLStatusStore,
    messageSigner: HMACMessageSigner,
    chat: ChatService,
    chatHub: ChatHub,
    chatStartLimiter: RateLimiter,
    transcriptLimiter: RateLimiter
  ) {
    self.config = config
    self.clock = clock
    self.hasher = hasher
    self.cases = cases
    self.staff = staff
    self.tokens = tokens
    self.jobs = jobs
    self.staffAccounts = staffAccounts
    self.sessions = sessions
    self.twoFactor = twoFactor
    self.tokenCache = tokenCache
    self.submissionLimiter = submissionLimiter
    self.submissionsPerEmail = submissionsPerEmail
    self.signInFailures = signInFailures
    self.replyLimiter = replyLimiter
    self.deadlineEngine = deadlineEngine
    self.deadlines = deadlines
    self.settings = settings
    self.notifications = notifications
    self.mail = mail
    self.intake = intake
    self.status = status
    self.messageSigner = messageSigner
    self.chat = chat
    self.chatHub = chatHub
    self.chatStartLimiter = chatStartLimiter
    self.transcriptLimiter = transcriptLimiter
  }

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
