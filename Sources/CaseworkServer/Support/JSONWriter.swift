import CaseworkCore
import Foundation
import NIOCore
import Vapor

/// Writes JSON straight into bytes: the server's one JSON encoder. A page of cases is written
/// with it by hand (`CaseResponse`); every other API type is a `Codable` struct that
/// `JSONWriterEncoding` streams through it. Foundation's `JSONEncoder` for the listing halved
/// its rate (see docs/performance.md). Output is plain RFC 8259 JSON, UTF-8.
struct JSONWriter: ~Copyable {
  /// The bytes so far, in memory this writer owns: writing through a pointer after one
  /// capacity check avoids an array's uniqueness and capacity checks on every byte, which were
  /// a quarter of the cost of writing a page of cases.
  private var storage: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var count = 0
  /// Whether the next value in the open container follows another. One flag suffices: a
  /// container that closes has just written a value into its parent.
  private var needsComma = false

  init(capacity: Int = 1024) {
    self.capacity = max(64, capacity)
    storage = .allocate(capacity: self.capacity)
  }

  deinit { storage.deallocate() }

  /// A copy of the bytes written so far.
  var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

  /// Makes room for `extra` more bytes.
  @inline(__always)
  private mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private mutating func grow(to needed: Int) {
    let larger = max(needed, capacity * 2)
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    moved.initialize(from: storage, count: count)
    storage.deallocate()
    storage = moved
    capacity = larger
  }

  @inline(__always)
  private mutating func put(_ byte: UInt8) {
    reserve(1)
    storage[count] = byte
    count += 1
  }

  private mutating func put(_ buffer: UnsafeBufferPointer<UInt8>) {
    reserve(buffer.count)
    if let base = buffer.baseAddress { (storage + count).initialize(from: base, count: buffer.count) }
    count += buffer.count
  }

  /// Lets `body` write at most `maximum` bytes in place; it returns how many it wrote.
  @inline(__always)
  private mutating func put(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    reserve(maximum)
    count += body(storage + count)
  }

  private mutating func separator() {
    if needsComma { put(UInt8(ascii: ",")) }
    needsComma = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) { container(UInt8(ascii: "{"), UInt8(ascii: "}"), body) }

  mutating func array(_ body: (inout JSONWriter) -> Void) { container(UInt8(ascii: "["), UInt8(ascii: "]"), body) }

  private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
    separator()
    put(open)
    needsComma = false
    body(&self)
    put(close)
    needsComma = true
  }

  /// Writes `"name":` — the value that follows must not add its own separator.
  /// Keys are literals that need no escaping, so they are copied as they are.
  mutating func key(_ name: StaticString) {
    let length = name.utf8CodeUnitCount
    let comma = needsComma
    put(maximum: length + 4) { target in
      var position = 0
      if comma {
        target[0] = UInt8(ascii: ",")
        position = 1
      }
      target[position] = UInt8(ascii: "\"")
      (target + position + 1).initialize(from: name.utf8Start, count: length)
      target[position + length + 1] = UInt8(ascii: "\"")
      target[position + length + 2] = UInt8(ascii: ":")
      return position + length + 3
    }
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
    quoted(maximum: 36) { target in
      value.writeLowercase(to: target)
      return 36
    }
  }

  /// A string value of at most `maximum` bytes that `body` writes in place, needing no
  /// escaping (ids and dates); `body` returns how many it wrote.
  private mutating func quoted(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    separator()
    put(maximum: maximum + 2) { target in
      target[0] = UInt8(ascii: "\"")
      let length = body(target + 1)
      target[length + 1] = UInt8(ascii: "\"")
      return length + 2
    }
  }

  private mutating func literal(_ text: StaticString) {
    put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  mutating func field(_ name: StaticString, _ value: Date) {
    key(name)
    quoted(maximum: 20) { ISO8601.write(value, to: $0) }
  }

  /// An instant with Europe/London's offset (`2025-04-24T23:59:59+01:00`), or null.
  mutating func londonField(_ name: StaticString, _ value: Date?) {
    key(name)
    guard let value else { return null() }
    quoted(maximum: 25) { ISO8601.writeLondon(value, to: $0) }
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
    var text = value
    let plain = text.withUTF8 { utf8 -> Bool in
      for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
      put(maximum: utf8.count + 2) { target in
        target[0] = UInt8(ascii: "\"")
        if let base = utf8.baseAddress { (target + 1).initialize(from: base, count: utf8.count) }
        target[utf8.count + 1] = UInt8(ascii: "\"")
        return utf8.count + 2
      }
      return true
    }
    if plain { return }
    put(UInt8(ascii: "\""))
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\""): escape(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): escape(UInt8(ascii: "\\"))
      case 0x0a: escape(UInt8(ascii: "n"))
      case 0x0d: escape(UInt8(ascii: "r"))
      case 0x09: escape(UInt8(ascii: "t"))
      case 0..<0x20:
        let hex: StaticString = "0123456789abcdef"
        literal("\\u00")
        put(hex.utf8Start[Int(byte >> 4)])
        put(hex.utf8Start[Int(byte & 0x0f)])
      default: put(byte)
      }
    }
    put(UInt8(ascii: "\""))
  }

  private mutating func escape(_ letter: UInt8) {
    put(UInt8(ascii: "\\"))
    put(letter)
  }

  // For `JSONWriterEncoding`, which opens and closes containers as `Encodable` values ask.

  mutating func open(_ bracket: UInt8) {
    separator()
    put(bracket)
    needsComma = false
  }

  mutating func close(_ bracket: UInt8) {
    put(bracket)
    needsComma = true
  }

  /// A key that is not a literal: escaped as any string is.
  mutating func key(dynamic name: String) {
    if needsComma { put(UInt8(ascii: ",")) }
    appendString(name)
    put(UInt8(ascii: ":"))
    needsComma = false
  }

  mutating func date(_ value: Date) { quoted(maximum: 20) { ISO8601.write(value, to: $0) } }

  mutating func bool(_ value: Bool) {
    separator()
    literal(value ? "true" : "false")
  }

  /// A number already written as JSON text.
  mutating func number(_ text: String) {
    separator()
    var text = text
    text.withUTF8 { put($0) }
  }

  /// Appends the written bytes to `buffer`.
  func write(to buffer: inout ByteBuffer) {
    buffer.writeBytes(UnsafeRawBufferPointer(start: storage, count: count))
  }

  /// A JSON response with the written bytes.
  func response(status: HTTPStatus = .ok) -> Response {
    var buffer = ByteBufferAllocator().buffer(capacity: count)
    buffer.writeBytes(UnsafeRawBufferPointer(start: storage, count: count))
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
    String(unsafeUninitializedCapacity: 25) { writeLondon(date, to: $0.baseAddress!) }
  }

  /// Writes the London form at `target` (at most 25 bytes) and returns its length.
  static func writeLondon(_ date: Date, to target: UnsafeMutablePointer<UInt8>) -> Int {
    let utc = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    let local = LondonTime.localMilliseconds(of: date)
    let offsetMinutes = Int((local - utc) / 60_000)
    let count = writeClock(seconds: LondonTime.floorDivide(local, 1000), to: target)
    guard offsetMinutes != 0 else {
      target[count] = UInt8(ascii: "Z")
      return count + 1
    }
    target[count] = UInt8(ascii: offsetMinutes < 0 ? "-" : "+")
    writeTwoDigits(abs(offsetMinutes) / 60, to: target + count + 1)
    target[count + 3] = UInt8(ascii: ":")
    writeTwoDigits(abs(offsetMinutes) % 60, to: target + count + 4)
    return count + 6
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
    String(unsafeUninitializedCapacity: 20) { write(date, to: $0.baseAddress!) }
  }

  /// Writes the UTC form at `target` (20 bytes) and returns its length.
  static func write(_ date: Date, to target: UnsafeMutablePointer<UInt8>) -> Int {
    let count = writeClock(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), to: target)
    target[count] = UInt8(ascii: "Z")
    return count + 1
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
