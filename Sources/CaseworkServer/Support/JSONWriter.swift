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
    let utc = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    let local = LondonTime.localMilliseconds(of: date)
    let offsetMinutes = Int((local - utc) / 60_000)
    writeClock(seconds: LondonTime.floorDivide(local, 1000), into: &bytes)
    if offsetMinutes == 0 {
      bytes.append(UInt8(ascii: "Z"))
    } else {
      bytes.append(UInt8(ascii: offsetMinutes < 0 ? "-" : "+"))
      writeDigits(abs(offsetMinutes) / 60, width: 2, into: &bytes)
      bytes.append(UInt8(ascii: ":"))
      writeDigits(abs(offsetMinutes) % 60, width: 2, into: &bytes)
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
    writeClock(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), into: &bytes)
    bytes.append(UInt8(ascii: "Z"))
  }

  /// `YYYY-MM-DDTHH:MM:SS` for a count of seconds since 1970 on some clock.
  private static func writeClock(seconds: Int64, into bytes: inout [UInt8]) {
    let days = LondonTime.floorDivide(seconds, 86_400)
    let secondOfDay = Int(seconds - days * 86_400)
    let (year, month, day) = LocalDate(dayNumber: Int(days)).components
    writeDigits(year, width: 4, into: &bytes)
    bytes.append(UInt8(ascii: "-"))
    writeDigits(month, width: 2, into: &bytes)
    bytes.append(UInt8(ascii: "-"))
    writeDigits(day, width: 2, into: &bytes)
    bytes.append(UInt8(ascii: "T"))
    writeDigits(secondOfDay / 3600, width: 2, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
    writeDigits(secondOfDay % 3600 / 60, width: 2, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
    writeDigits(secondOfDay % 60, width: 2, into: &bytes)
  }

  private static func writeDigits(_ value: Int, width: Int, into bytes: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
      rest %= divisor
      divisor /= 10
    }
  }
}
