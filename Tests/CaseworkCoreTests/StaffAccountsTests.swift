import CaseworkCore
import CaseworkTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Staff accounts")
struct StaffAccountsTests {
  /// Records which hashes were checked; a "hash" is the password reversed.
  final class RecordingHasher: PasswordHasher {
    let checked = Mutex<[String]>([])
    func hash(_ password: String) throws -> String { String(password.reversed()) }
    func verify(_ password: String, against hash: String) -> Bool {
      checked.withLock { $0.append(hash) }
      return String(password.reversed()) == hash
    }
    func decoy() -> String { "decoy" }
  }

  @Test("sign-in checks a hash whether or not the email has an account, and refuses an inactive one")
  func signIn() async throws {
    let passwords = RecordingHasher()
    let staff = InMemoryStaffRepository()
    let accounts = StaffAccounts(
      staff: staff, tokens: InMemoryTokenRepository(), hasher: ReversingHasher(),
      clock: FixedWallClock(LocalDate("2026-12-07")!.instant(hour: 9)), passwords: passwords)
    let (user, oneTime) = try await accounts.create(
      email: " Priya@Casework.test ", name: "Priya", role: "support_specialist", password: "amber quarry whistle 17")
    #expect(oneTime == nil)
    #expect(user.email == "priya@casework.test")
    #expect(try await accounts.signIn(email: "PRIYA@casework.test", password: "amber quarry whistle 17")?.id == user.id)
    #expect(try await accounts.signIn(email: "nobody@casework.test", password: "amber quarry whistle 17") == nil)
    #expect(passwords.checked.withLock { $0.last } == "decoy")
    var inactive = user
    inactive.active = false
    try await staff.update(inactive)
    #expect(try await accounts.signIn(email: user.email, password: "amber quarry whistle 17") == nil)
    await #expect(throws: CaseworkError.self) {
      try await accounts.create(email: "x@casework.test", name: "X", role: "admin", password: "Password1234!")
    }
  }
}
