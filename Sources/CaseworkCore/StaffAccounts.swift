import Foundation

/// Turns a password into a stored hash and checks one against it: a slow, salted hash in
/// production (bcrypt, in the server's adapter).
public protocol PasswordHasher: Sendable {
  func hash(_ password: String) throws -> String
  func verify(_ password: String, against hash: String) -> Bool
  /// A hash of a random secret made as real ones are, so checking an email that has no account
  /// takes as long as checking one that has.
  func decoy() -> String
}

/// Staff accounts and API tokens: creation, passwords and sign-in checks.
public struct StaffAccounts: Sendable {
  let staff: any StaffRepository
  let tokens: any TokenRepository
  let hasher: any SecretHasher
  let clock: any WallClock
  let passwords: any PasswordHasher

  public static let minimumPasswordLength = PasswordRules.minimumLength

  public init(
    staff: any StaffRepository, tokens: any TokenRepository, hasher: any SecretHasher, clock: any WallClock,
    passwords: any PasswordHasher
  ) {
    self.staff = staff
    self.tokens = tokens
    self.hasher = hasher
    self.clock = clock
    self.passwords = passwords
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
    try passwords.hash(password)
  }

  /// The active user with this email and password, or nil. Always checks a hash made as real
  /// ones are, so that timing does not reveal which emails exist.
  public func signIn(email: String, password: String) async throws -> StaffUser? {
    let user = try await staff.find(email: email.lowercased().trimmingCharacters(in: .whitespaces))
    let matches = passwords.verify(password, against: user?.passwordHash ?? passwords.decoy())
    guard let user, matches, user.active else { return nil }
    return user
  }

  /// Whether `password` is the user's current one.
  public func verifyPassword(of user: StaffUser, _ password: String) async throws -> Bool {
    guard !password.isEmpty else { return false }
    return passwords.verify(password, against: user.passwordHash)
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
