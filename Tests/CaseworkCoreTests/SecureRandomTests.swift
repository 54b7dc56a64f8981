import Foundation
import Testing

@testable import CaseworkCore

@Suite("Secure random bytes, fetched in bulk")
struct SecureRandomTests {
  @Test("every length asked for comes back, across the buffer's edge and past its size")
  func lengths() {
    for count in [0, 1, 7, 8, 31, 32, 255, 256, 257, 1_000] {
      #expect(SecureRandom.bytes(count).count == count)
    }
    #expect(SecretGenerator.token(bytes: 32).count == 43)
  }

  @Test("no value comes back twice, from one caller or from many at once")
  func noRepeats() async {
    let alone = (0..<5_000).map { _ in SecureRandom.next() }
    #expect(Set(alone).count == alone.count)
    let together = await withTaskGroup(of: [UInt64].self) { group in
      for _ in 0..<8 {
        group.addTask { (0..<1_000).map { _ in SecureRandom.next() } }
      }
      var all: [UInt64] = []
      for await part in group { all += part }
      return all
    }
    #expect(together.count == 8_000)
    #expect(Set(together + alone).count == 13_000)
    let tokens = (0..<1_000).map { _ in SecretGenerator.token() }
    #expect(Set(tokens).count == tokens.count)
  }

  @Test("bytes are spread over every value, as uniform bytes are")
  func spread() {
    let bytes = SecureRandom.bytes(256 * 400)
    var counts = [Int](repeating: 0, count: 256)
    for byte in bytes { counts[Int(byte)] += 1 }
    // 400 expected per value; uniform bytes stay within ±40% with overwhelming probability.
    #expect(counts.allSatisfy { (240...560).contains($0) }, "\(counts.min() ?? 0)…\(counts.max() ?? 0)")
    let bits = bytes.reduce(0) { $0 + $1.nonzeroBitCount }
    #expect(abs(Double(bits) / Double(bytes.count * 8) - 0.5) < 0.01)
  }
}
