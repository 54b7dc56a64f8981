import Foundation
import Testing

@testable import CaseworkStore

@Suite("UUID text")
struct UUIDTextTests {
  @Test("reads what Foundation reads, in either case, and refuses what it refuses")
  func matchesFoundation() {
    for _ in 0..<2_000 {
      let id = UUID()
      #expect(UUIDText.parse(id.uuidString) == id)
      #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
    }
    for bad in [
      "", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
      "123e4567+e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400g",
    ] {
      #expect(UUIDText.parse(bad) == nil, "\(bad)")
      #expect(UUID(uuidString: bad) == nil)
    }
  }
}
