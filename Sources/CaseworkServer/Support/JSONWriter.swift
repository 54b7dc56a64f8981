import CaseworkCore
import Foundation
import NIOCore
import Vapor

/// Writes JSON straight into bytes. The API's case documents are written with it because
/// Foundation's `JSONEncoder` was the largest cost of listing cases (about 30% of the CPU in a
/// profile of `GET /api/v1/cases?limit=50`). Output is plain RFC 8259 JSON, UTF-8.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]

  init(capacity: Int = 1024) {
    bytes.reserveCapacity(capacity)
  }

  private mutating func separator() {
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) { container("{", "}", body) }

  mutating func array(_ body: (inout JSONWriter) -> Void) { container("[", "]", body) }

  private mutating func container(_ open: Unicode.Scalar, _ close: Unicode.Scalar, _ body: (inout JSONWriter) -> Void) {
    separator()
    bytes.append(UInt8(ascii: open))
    needsComma.append(false)
    body(&self)
    needsComma.removeLast()
    bytes.append(UInt8(ascii: close))
  }

  /// Writes `"name":` — the value that follows must not add its own separator.
  /// Keys are literals that need no escaping, so they are copied as they are.
  mutating func key(_ name: StaticString) {
    separator()
    bytes.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { bytes += $0 }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
    needsComma[needsComma.count - 1] = false
  }

  mutating func field(_ name: StaticString, _ value: String?) {
    key(name)
    if let value { string(value) } else { null() }
  }

  mutating func field(_ name: StaticString, _ value: Bool) {
    key(name)
    separator()
    bytes += value ? Array("true".utf8) : Array("false".utf8)
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
    string(ISO8601.londonString(value))
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
    bytes += Array("null".utf8)
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
enum ISO8601 {
  /// London wall-clock time with its offset: `2025-04-24T23:59:59+01:00`, or `Z` in winter.
  static func londonString(_ date: Date) -> String {
    let local = LondonTime.localMilliseconds(of: date)
    let offsetSeconds = Int((local - Int64((date.timeIntervalSince1970 * 1000).rounded(.down))) / 1000)
    var bytes: [UInt8] = []
    write(Date(timeIntervalSince1970: TimeInterval(local) / 1000), into: &bytes)
    bytes.removeLast()  // the Z
    if offsetSeconds == 0 {
      bytes.append(UInt8(ascii: "Z"))
    } else {
      let sign = offsetSeconds < 0 ? "-" : "+"
      let minutes = abs(offsetSeconds) / 60
      bytes += Array("\(sign)\(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)".utf8)
    }
    return String(decoding: bytes, as: UTF8.self)
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
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func digits(_ value: Int32, _ width: Int) {
      var divisor: Int32 = 1
      for _ in 1..<width { divisor *= 10 }
      var rest = value
      while divisor > 0 {
        bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
        rest %= divisor
        divisor /= 10
      }
    }
    digits(parts.tm_year + 1900, 4)
    bytes.append(UInt8(ascii: "-"))
    digits(parts.tm_mon + 1, 2)
    bytes.append(UInt8(ascii: "-"))
    digits(parts.tm_mday, 2)
    bytes.append(UInt8(ascii: "T"))
    digits(parts.tm_hour, 2)
    bytes.append(UInt8(ascii: ":"))
    digits(parts.tm_min, 2)
    bytes.append(UInt8(ascii: ":"))
    digits(parts.tm_sec, 2)
    bytes.append(UInt8(ascii: "Z"))
  }
}
