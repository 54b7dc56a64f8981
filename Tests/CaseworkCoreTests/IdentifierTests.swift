import CaseworkCore
import Foundation
import Testing

@Suite("Time-ordered ids and reference filling")
struct IdentifierTests {
  @Test("a time-ordered id is a version 7 UUID carrying its time to the millisecond")
  func versionAndTime() {
    let at = Date(timeIntervalSince1970: 1_795_255_200.123)
    let id = UUID.timeOrdered(at: at)
    let bytes = id.uuid
    #expect(bytes.6 >> 4 == 7)
    #expect(bytes.8 >> 6 == 0b10)
    #expect(id.timeOrderedDate == Date(timeIntervalSince1970: 1_795_255_200.123))
    #expect(id.uuidString.hasPrefix("01A1FD8C-697B-7"))  // 1,795,255,200,123 ms is 0x01A1FD8C697B
    #expect(UUID().timeOrderedDate == nil)
  }

  @Test("ids sort in the order they were made, as text and as bytes, and do not repeat")
  func ordering() {
    let start = Date(timeIntervalSince1970: 1_795_255_200)
    // Two milliseconds apart, so that rounding cannot put two in the same millisecond.
    let ids = (0..<2_000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double(2 * $0) / 1000)) }
    let texts = ids.map(\.uuidString)
    #expect(zip(texts, texts.dropFirst()).allSatisfy { $0 < $1 })
    #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.timeOrderedDate! < $1.timeOrderedDate! })
    #expect(Set(ids).count == ids.count)
    let sameMillisecond = (0..<1_000).map { _ in UUID.timeOrdered(at: start) }
    #expect(Set(sameMillisecond).count == 1_000)
  }

  @Test("the reference placeholder is replaced wherever it appears, and text without it is unchanged")
  func placeholder() {
    let placeholder = CaseDraft.referencePlaceholder
    #expect("Ref \(placeholder).".replacingPlaceholder(placeholder, with: "SR-2026-000001") == "Ref SR-2026-000001.")
    #expect(
      "\(placeholder) and \(placeholder)".replacingPlaceholder(placeholder, with: "X") == "X and X")
    #expect("Café {{ref}} — ünïcode {{".replacingPlaceholder(placeholder, with: "X") == "Café {{ref}} — ünïcode {{")
    #expect("é\(placeholder)é".replacingPlaceholder(placeholder, with: "ß") == "éßé")
    #expect("".replacingPlaceholder(placeholder, with: "X") == "")
    #expect("{{reference".replacingPlaceholder(placeholder, with: "X") == "{{reference")
  }
}
