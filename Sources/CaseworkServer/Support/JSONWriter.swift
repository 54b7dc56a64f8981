import CaseworkCore
import Foundation
import NIOCore
import Vapor

/// Writes JSON straight into bytes. The API's case documents are written with it because
/// Foundation's `JSONEncoder` was the largest cost of listing cases (about 30% of the CPU in a
/// profile of `GET /api/v1/cases?limit=50`). Output is plain RFC 8259 JSON, UTF-8.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []
  /// Whether the next value in the open container follows another. One flag suffices: a
  /// container that closes has just written a value into its parent.
  private var needsComma = false

  init(capacity: Int = 1024) {
    bytes.reserveCapacity(capacity)
  }

  private mutating func separator() {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    needsComma = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) { container("{", "}", body) }

  mutating func array(_ body: (inout JSONWriter) -> Void) { container("[", "]", body) }

  private mutating func container(_ open: Unicode.Scalar, _ close: Unicode.Scalar, _ body: (inout JSONWriter) -> Void) {
    separator()
    bytes.append(UInt8(ascii: open))
    needsComma = false
    body(&self)
    bytes.append(UInt8(ascii: close))
    needsComma = true
  }

  /// Writes `"name":` — the value that follows must not add its own separator.
  /// Keys are literals that need no escaping, so they are copied as they are.
  mutating func key(_ name: StaticString) {
    separator()
    bytes.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { bytes += $0 }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
    needsComma = false
  }

  mutating func field(_ name: StaticString, _ value: String?) {
    key(name)
    if let value { string(value) } else { null() }
  }

  mutating func field(_ name: StaticString, _ value: Bool) {
    key(name)
    separator()
    literal(value ? "true" : "false")
  }

  /// An id in lower case, the form the API gives out.
  mutating func field(_ name: StaticString, _ value: UUID?) {
    key(name)
    guard let value else { return null() }
    separator()
    bytes.append(UInt8(ascii: "\""))
    value.writeLowercase(into: &bytes)
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func literal(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func field(_ name: StaticString, _ value: Date) {
    key(name)
    separator()
    bytes.append(UInt8(ascii: "\""))
    ISO8601.write(value, into: &bytes)
    bytes.append(UInt8(ascii: "\""))
  }

  /// An instant with Europe/London's offset (`2025-04-24T23:59:59+01:00`), or null.
  mutating func londonField(_ name: StaticString, _ value: Date?) {
    key(name)
    guard let value else { return null() }
    separator()
    bytes.append(UInt8(ascii: "\""))
    ISO8601.writeLondon(value, into: &bytes)
    bytes.append(UInt8(ascii: "\""))
  }

  mutating func field(_ name: StaticString, _ values: [String]) {
    key(name)
    array { writer in for value in values { writer.string(value) } }
  }

  mutating func string(_ value: String) {
    separator()
    appendString(value)
  }

  mutating func null() {
    separator()
    literal("null")
  }

  private mutating func appendString(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    var text = value
    let plain = text.withUTF8 { utf8 -> Bool in
      for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
      bytes.append(contentsOf: utf8)
      return true
    }
    if plain {
      bytes.append(UInt8(ascii: "\""))
      return
    }
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0a: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0d: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A JSON response with the written bytes.
  func response(status: HTTPStatus = .ok) -> Response {
    var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
    buffer.writeBytes(bytes)
    let response = Response(status: status, body: .init(buffer: buffer))
    response.headers.contentType = .json
    return response
  }
}

/// `2026-11-21T10:00:00Z`: UTC, whole seconds, the same form as the JSON encoder's `.iso8601`.
/// Written with integer arithmetic (`LocalDate`'s civil calendar) rather than `gmtime_r` and
/// `String` interpolation: a page of fifty cases writes some three hundred of these.
enum ISO8601 {
  /// London wall-clock time with its offset: `2025-04-24T23:59:59+01:00`, or `Z` in winter.
  static func londonString(_ date: Date) -> String {
    var bytes: [UInt8] = []
    writeLondon(date, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  static func writeLondon(_ date: Date, into bytes: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
      let target = buffer.baseAddress!
      let utc = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
      let local = LondonTime.localMilliseconds(of: date)
      let offsetMinutes = Int((local - utc) / 60_000)
      var count = writeClock(seconds: LondonTime.floorDivide(local, 1000), to: target)
      if offsetMinutes == 0 {
        target[count] = UInt8(ascii: "Z")
        count += 1
      } else {
        target[count] = UInt8(ascii: offsetMinutes < 0 ? "-" : "+")
        writeTwoDigits(abs(offsetMinutes) / 60, to: target + count + 1)
        target[count + 3] = UInt8(ascii: ":")
        writeTwoDigits(abs(offsetMinutes) % 60, to: target + count + 4)
        count += 6
      }
      bytes.append(contentsOf: UnsafeBufferPointer(start: target, count: count))
    }
  }

  /// An ISO 8601 duration: `PT0S`, `PT2H30M`, `P3DT4H`.
  static func duration(seconds: Int) -> String {
    guard seconds > 0 else { return "PT0S" }
    let days = seconds / 86_400
    let hours = seconds % 86_400 / 3600
    let minutes = seconds % 3600 / 60
    let rest = seconds % 60
    var text = "P"
    if days > 0 { text += "\(days)D" }
    if hours > 0 || minutes > 0 || rest > 0 {
      text += "T"
      if hours > 0 { text += "\(hours)H" }
      if minutes > 0 { text += "\(minutes)M" }
      if rest > 0 { text += "\(rest)S" }
    }
    return text
  }

  static func string(_ date: Date) -> String {
    var bytes: [UInt8] = []
    write(date, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  static func write(_ date: Date, into bytes: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
      let target = buffer.baseAddress!
      let count = writeClock(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), to: target)
      target[count] = UInt8(ascii: "Z")
      bytes.append(contentsOf: UnsafeBufferPointer(start: target, count: count + 1))
    }
  }

  /// Writes `YYYY-MM-DDTHH:MM:SS` (19 bytes) at `target` for a count of seconds since 1970 on
  /// some clock, and returns 19. Written through a pointer and appended once: one array append
  /// per character was most of the cost of writing a date.
  private static func writeClock(seconds: Int64, to target: UnsafeMutablePointer<UInt8>) -> Int {
    let days = LondonTime.floorDivide(seconds, 86_400)
    let secondOfDay = Int(seconds - days * 86_400)
    let (year, month, day) = LocalDate(dayNumber: Int(days)).components
    writeTwoDigits(year / 100 % 100, to: target)
    writeTwoDigits(year % 100, to: target + 2)
    target[4] = UInt8(ascii: "-")
    writeTwoDigits(month, to: target + 5)
    target[7] = UInt8(ascii: "-")
    writeTwoDigits(day, to: target + 8)
    target[10] = UInt8(ascii: "T")
    writeTwoDigits(secondOfDay / 3600, to: target + 11)
    target[13] = UInt8(ascii: ":")
    writeTwoDigits(secondOfDay % 3600 / 60, to: target + 14)
    target[16] = UInt8(ascii: ":")
    writeTwoDigits(secondOfDay % 60, to: target + 17)
    return 19
  }

  @inline(__always)
  private static func writeTwoDigits(_ value: Int, to target: UnsafeMutablePointer<UInt8>) {
    target[0] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10)
    target[1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
  }
}
