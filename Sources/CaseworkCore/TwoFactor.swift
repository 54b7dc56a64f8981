import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30-second
/// steps, one step either side accepted, and a step used once never accepted again. The
/// HMAC comes from outside (Core has no cryptography of its own).
public struct TOTP: Sendable {
  public typealias HMACSHA1 = @Sendable (_ key: [UInt8], _ message: [UInt8]) -> [UInt8]
  public static let digits = 6
  public static let period: TimeInterval = 30

  public let secret: [UInt8]
  let hmac: HMACSHA1

  public init(secret: [UInt8], hmac: @escaping HMACSHA1) {
    self.secret = secret
    self.hmac = hmac
  }

  public static func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / period).rounded(.down)) }

  /// The code for a 30-second step (RFC 4226 dynamic truncation).
  public func code(step: Int64) -> String {
    let counter = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (56 - 8 * UInt64($0))) }
    let mac = hmac(secret, counter)
    let offset = Int(mac[mac.count - 1] & 0x0F)
    let value =
      (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
      | UInt32(mac[offset + 3])
    let number = value % 1_000_000
    let text = String(number)
    return String(repeating: "0", count: Self.digits - text.count) + text
  }

  /// The step `code` belongs to (now, or one step either side), if it is later than the
  /// last one used; nil otherwise. The caller records the step so the code is not reused.
  public func matchingStep(_ typed: String, at date: Date, after lastUsed: Int64?) -> Int64? {
    let digits = typed.filter { !$0.isWhitespace && $0 != "-" }
    guard digits.count == Self.digits, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    let now = Self.step(at: date)
    for step in [now, now - 1, now + 1] where step > (lastUsed ?? Int64.min) {
      if ConstantTime.equal(code(step: step), digits) { return step }
    }
    return nil
  }

  /// The link an authenticator app reads from the QR code (Key Uri Format).
  public static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~@")
    let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
    let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    return
      "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
  }
}

/// RFC 4648 base32 without padding, as authenticator apps expect secrets.
public enum Base32 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var buffer = 0
    var bits = 0
    for byte in bytes {
      buffer = buffer << 8 | Int(byte)
      bits += 8
      while bits >= 5 {
        out.append(alphabet[(buffer >> (bits - 5)) & 31])
        bits -= 5
      }
    }
    if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes, ignoring spaces, dashes, padding and case; nil for any other character.
  public static func decode(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    var buffer = 0
    var bits = 0
    for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "-") {
      if character == UInt8(ascii: "=") { continue }
      guard let value = alphabet.firstIndex(of: character) else { return nil }
      buffer = (buffer << 5 | value) & 0xFFFF
      bits += 5
      if bits >= 8 {
        out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
        bits -= 8
      }
    }
    return out
  }
}

/// A member of staff's second factor as stored. The secret must be readable to check codes,
/// so it is kept as is; recovery codes are kept only as digests.
public struct TwoFactorState: Sendable, Equatable {
  public var staffID: StaffID
  /// Set while enrolling, before the first code proves the app has it.
  public var pendingSecret: String?
  /// Base32; set once enrolment is confirmed.
  public var secret: String?
  public var confirmedAt: Date?
  /// The last 30-second step a code was accepted for.
  public var lastStep: Int64?
  /// An administrator requires this user to use two-factor sign-in.
  public var required: Bool

  public init(
    staffID: StaffID, pendingSecret: String? = nil, secret: String? = nil, confirmedAt: Date? = nil, lastStep: Int64? = nil,
    required: Bool = false
  ) {
    self.staffID = staffID
    self.pendingSecret = pendingSecret
    self.secret = secret
    self.confirmedAt = confirmedAt
    self.lastStep = lastStep
    self.required = required
  }

  public var isEnabled: Bool { secret != nil && confirmedAt != nil }
}

/// Ten single-use recovery codes, shown once: 10 characters of base32 (50 bits) in two groups.
public enum RecoveryCodes {
  public static let count = 10

  public static func make() -> [String] {
    (0..<count).map { _ in
      let text = Base32.encode(SecureRandom.bytes(7)).prefix(10).lowercased()
      return "\(text.prefix(5))-\(text.suffix(5))"
    }
  }

  /// The form a code is compared in: lower case, no spaces or dashes.
  public static func normalised(_ code: String) -> String {
    code.lowercased().filter { $0.isLetter || $0.isNumber }
  }
}

/// Where second factors are kept. Every change that consumes something (a step, a recovery
/// code) is one conditional write, so two processes cannot both accept the same code.
public protocol TwoFactorStore: Sendable {
  func state(of staffID: StaffID) async throws -> TwoFactorState?
  func startEnrolment(_ staffID: StaffID, pendingSecret: String) async throws
  /// Turns the pending secret on, with the step that proved it and the recovery codes' digests.
  func confirm(_ staffID: StaffID, step: Int64, recoveryCodeHashes: [String], at: Date) async throws
  /// Records `step` as used if it is later than the last; false when it is not (a replay).
  func useStep(_ staffID: StaffID, step: Int64) async throws -> Bool
  /// Marks an unused recovery code as used; false when there is no such unused code.
  func useRecoveryCode(_ staffID: StaffID, hash: String, at: Date) async throws -> Bool
  func unusedRecoveryCodes(of staffID: StaffID) async throws -> Int
  /// Removes the second factor (the `required` flag stays).
  func reset(_ staffID: StaffID) async throws
  func setRequired(_ staffID: StaffID, _ required: Bool) async throws
}

/// Two-factor sign-in's rules: enrolment proved by a first code, recovery codes shown once
/// and kept as digests, a code or recovery code used once, and who must use it.
public struct TwoFactorService: Sendable {
  public let store: any TwoFactorStore
  let hasher: any SecretHasher
  let clock: any WallClock
  let hmac: TOTP.HMACSHA1
  /// `CASEWORK_REQUIRE_2FA`: everyone must use it.
  public let requiredForEveryone: Bool

  public init(
    store: any TwoFactorStore, hasher: any SecretHasher, clock: any WallClock, hmac: @escaping TOTP.HMACSHA1,
    requiredForEveryone: Bool
  ) {
    self.store = store
    self.hasher = hasher
    self.clock = clock
    self.hmac = hmac
    self.requiredForEveryone = requiredForEveryone
  }

  public func state(of staffID: StaffID) async throws -> TwoFactorState {
    try await store.state(of: staffID) ?? TwoFactorState(staffID: staffID)
  }

  /// Whether the user must set it up before doing anything else.
  public func mustEnrol(_ state: TwoFactorState) -> Bool {
    !state.isEnabled && (requiredForEveryone || state.required)
  }

  /// A new secret (160 bits, as RFC 4226 recommends), kept as pending until a code proves it.
  public func startEnrolment(for user: StaffUser) async throws -> [UInt8] {
    let secret = SecureRandom.bytes(20)
    try await store.startEnrolment(user.id, pendingSecret: Base32.encode(secret))
    return secret
  }

  /// Checks the first code against the pending secret and turns two-factor on. Returns the
  /// recovery codes, to show once.
  public func confirmEnrolment(for user: StaffUser, code: String) async throws -> [String] {
    let state = try await state(of: user.id)
    guard let pending = state.pendingSecret, let secret = Base32.decode(pending) else {
      throw CaseworkError.invalid([FieldError(field: "code", message: "Start setting up two-factor sign-in again.")])
    }
    guard let step = TOTP(secret: secret, hmac: hmac).matchingStep(code, at: clock.now(), after: nil) else {
      throw CaseworkError.invalid([
        FieldError(
          field: "code",
          message: "That code is not right. Enter the 6-digit code your authenticator app shows now for this account.")
      ])
    }
    let codes = RecoveryCodes.make()
    try await store.confirm(
      user.id, step: step, recoveryCodeHashes: codes.map { hasher.digest(RecoveryCodes.normalised($0)) }, at: clock.now())
    return codes
  }

  public enum Verification: Sendable, Equatable {
    case code
    case recoveryCode(left: Int)
    case refused
  }

  /// A sign-in's second step: a current code not used before, or an unused recovery code.
  public func verify(_ user: StaffUser, code: String) async throws -> Verification {
    let state = try await state(of: user.id)
    guard state.isEnabled, let encoded = state.secret, let secret = Base32.decode(encoded) else { return .refused }
    if let step = TOTP(secret: secret, hmac: hmac).matchingStep(code, at: clock.now(), after: state.lastStep) {
      return try await store.useStep(user.id, step: step) ? .code : .refused
    }
    let normalised = RecoveryCodes.normalised(code)
    guard normalised.count == 10,
      try await store.useRecoveryCode(user.id, hash: hasher.digest(normalised), at: clock.now())
    else { return .refused }
    return .recoveryCode(left: try await store.unusedRecoveryCodes(of: user.id))
  }

  /// Turns it off (the user, with their password; or an administrator's reset).
  public func reset(_ staffID: StaffID) async throws {
    try await store.reset(staffID)
  }
}
