import CaseworkCore
import Foundation
import Synchronization
import Vapor

/// Staff accounts and API tokens: creation, passwords (bcrypt) and sign-in checks.
public struct StaffAccounts: Sendable {
  let staff: any StaffRepository
  let tokens: any TokenRepository
  let hasher: any SecretHasher
  let clock: any WallClock
  let bcryptCost: Int

  public static let minimumPasswordLength = PasswordRules.minimumLength

  public init(
    staff: any StaffRepository, tokens: any TokenRepository, hasher: any SecretHasher, clock: any WallClock, bcryptCost: Int
  ) {
    self.staff = staff
    self.tokens = tokens
    self.hasher = hasher
    self.clock = clock
    self.bcryptCost = bcryptCost
  }

  /// Checks the details and creates the user. With no password, a one-time password is
  /// generated and returned; the user must change it at first sign-in.
  public func create(email: String?, name: String?, role: String?, password: String?) async throws -> (StaffUser, String?) {
    var errors: [FieldError] = []
    let email = InputRules.clean(email)?.lowercased() ?? ""
    if !InputRules.isPlausibleEmail(email) {
      errors.append(FieldError(field: "email", message: "Enter an email address in the correct format, like name@example.com."))
    }
    let name = InputRules.cleanLine(name) ?? ""
    if name.isEmpty || name.count > InputRules.maxName {
      errors.append(FieldError(field: "name", message: "Enter a name of up to \(InputRules.maxName) characters."))
    }
    let parsedRole = role.flatMap { StaffRole(rawValue: $0) }
    if parsedRole == nil {
      errors.append(
        FieldError(field: "role", message: "Choose a role: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")).")
      )
    }
    if let password, let problem = Self.passwordProblem(password, name: name, email: email) {
      errors.append(FieldError(field: "password", message: problem))
    }
    if errors.isEmpty, try await staff.find(email: email) != nil {
      errors.append(FieldError(field: "email", message: "A staff user with this email already exists."))
    }
    guard errors.isEmpty, let parsedRole else { throw CaseworkError.invalid(errors) }
    let oneTime = password == nil ? SecretGenerator.token(bytes: 12) : nil
    let user = StaffUser(
      email: email, name: name, role: parsedRole, passwordHash: try hash(password ?? oneTime!),
      mustChangePassword: password == nil, createdAt: clock.now().wholeMilliseconds)
    try await staff.create(user)
    return (user, oneTime)
  }

  /// The rules are Core's (`PasswordRules`): length, not common, not a run of keys, not the
  /// person's name or email.
  public static func passwordProblem(_ password: String, name: String? = nil, email: String? = nil) -> String? {
    PasswordRules.problem(password, name: name, email: email)
  }

  public func hash(_ password: String) throws -> String {
    try Bcrypt.hash(password, cost: bcryptCost)
  }

  /// The active user with this email and password, or nil. Always runs bcrypt, at the cost
  /// real passwords are hashed with, so that timing does not reveal which emails exist.
  public func signIn(email: String, password: String) async throws -> StaffUser? {
    let user = try await staff.find(email: email.lowercased().trimmingCharacters(in: .whitespaces))
    let digest = user?.passwordHash ?? DecoyHashes.hash(cost: bcryptCost)
    let matches = (try? Bcrypt.verify(password, created: digest)) ?? false
    guard let user, matches, user.active else { return nil }
    return user
  }

  /// Whether `password` is the user's current one.
  public func verifyPassword(of user: StaffUser, _ password: String) async throws -> Bool {
    guard !password.isEmpty else { return false }
    return (try? Bcrypt.verify(password, created: user.passwordHash)) ?? false
  }

  public func changePassword(of user: StaffUser, to password: String) async throws {
    if let problem = Self.passwordProblem(password, name: user.name, email: user.email) {
      throw CaseworkError.invalid([FieldError(field: "password", message: problem)])
    }
    var updated = user
    updated.passwordHash = try hash(password)
    updated.mustChangePassword = false
    try await staff.update(updated)
  }

  /// A new API token for the user: the secret is returned once; only its digest is stored.
  public func createToken(for user: StaffUser, name: String) async throws -> (APIToken, String) {
    let secret = "cw_" + SecretGenerator.token()
    let token = APIToken(userID: user.id, name: name, tokenHash: hasher.digest(secret), createdAt: clock.now().wholeMilliseconds)
    try await tokens.create(token)
    return (token, secret)
  }
}

/// One decoy bcrypt hash per cost, made on first use: verifying against it takes as long as
/// verifying a real password of that cost.
enum DecoyHashes {
  private static let made = Mutex<[Int: String]>([:])

  static func hash(cost: Int) -> String {
    if let known = made.withLock({ $0[cost] }) { return known }
    let hash = (try? Bcrypt.hash(SecretGenerator.token(), cost: cost)) ?? ""
    made.withLock { $0[cost] = hash }
    return hash
  }
}
