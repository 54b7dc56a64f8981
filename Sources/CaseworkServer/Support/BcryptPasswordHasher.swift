import CaseworkCore
import Foundation
import Synchronization
import Vapor

/// Core's `PasswordHasher` as bcrypt (Vapor's), at the configured cost.
struct BcryptPasswordHasher: CaseworkCore.PasswordHasher {
  let cost: Int

  func hash(_ password: String) throws -> String {
    try Bcrypt.hash(password, cost: cost)
  }

  func verify(_ password: String, against hash: String) -> Bool {
    (try? Bcrypt.verify(password, created: hash)) ?? false
  }

  func decoy() -> String {
    DecoyHashes.hash(cost: cost)
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
