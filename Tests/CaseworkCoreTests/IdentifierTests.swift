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

@Suite("Identifier text, secrets and cursors")
struct IdentifierTextTests {
  @Test("ids are written as Foundation writes them, in upper and lower case")
  func uuidText() {
    for _ in 0..<2_000 {
      let id = UUID()
      #expect(id.uppercaseString == id.uuidString)
      #expect(id.lowercaseString == id.uuidString.lowercased())
      var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 38)
      bytes.withUnsafeMutableBufferPointer { id.writeLowercase(to: $0.baseAddress! + 1) }
      #expect(String(decoding: bytes, as: UTF8.self) == "x" + id.uuidString.lowercased() + "x")
    }
  }

  @Test("secrets have the length their byte count gives, decode to that many bytes, and do not repeat")
  func secrets() {
    for count in [1, 7, 8, 9, 12, 16, 32, 33] {
      let tokens = (0..<200).map { _ in SecretGenerator.token(bytes: count) }
      if count >= 7 { #expect(Set(tokens).count == tokens.count, "bytes \(count)") }
      for token in tokens {
        #expect(token.count == (count * 4 + 2) / 3, "bytes \(count)")
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        #expect(Data(base64Encoded: base64)?.count == count)
      }
    }
    // Every byte value turns up: the bytes come from the whole of each random word.
    var seen = Set<UInt8>()
    for _ in 0..<200 {
      let token = SecretGenerator.token(bytes: 33)
      seen.formUnion(
        Data(base64Encoded: token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")) ?? Data())
    }
    #expect(seen.count == 256)
  }

  @Test("a cursor's token is base64url of its instant and id, and reads back")
  func cursorToken() {
    let cursor = CaseCursor(createdAt: Date(timeIntervalSinceReferenceDate: 815_000_000.123), id: UUID())
    let expected = Data("815000000.123_\(cursor.id.uuidString.lowercased())".utf8).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    #expect(cursor.token == expected)
    #expect(CaseCursor(token: cursor.token) == cursor)
  }
}
