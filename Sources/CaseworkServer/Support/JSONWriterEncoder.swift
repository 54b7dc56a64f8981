import Foundation
import NIOCore
import Vapor

/// `Encodable` values written through `JSONWriter`, the server's one JSON encoder: API types
/// that are plain `Codable` structs go through here (as Vapor's content encoder for JSON), and
/// the hottest one, a page of cases, writes to the same writer by hand. The output matches
/// Foundation's `JSONEncoder` with `.iso8601` dates: nil optionals left out, dates as
/// `2026-11-21T10:00:00Z`, ids as `UUID` encodes them.
///
/// The writer streams: a container is closed when a value is next written to an enclosing one,
/// or when the value that opened it has finished encoding. `Encodable` conformances write each
/// container before moving on to its parent, as synthesized ones do.
enum JSONWriterEncoding {
  /// `value`'s JSON appended to `buffer`.
  static func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
    let state = EncodingState(capacity: 512)
    try state.encodeValue(value, depth: 0)
    state.close(above: 0)
    state.writer.write(to: &buffer)
  }

  /// `value`'s JSON as bytes.
  static func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
    let state = EncodingState(capacity: 512)
    try state.encodeValue(value, depth: 0)
    state.close(above: 0)
    return state.writer.bytes
  }
}

struct JSONWriterContentEncoder: ContentEncoder {
  func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders) throws {
    try encode(encodable, to: &body, headers: &headers, userInfo: [:])
  }

  func encode<E: Encodable>(
    _ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]
  ) throws {
    headers.contentType = .json
    try JSONWriterEncoding.encode(encodable, into: &body)
  }
}

struct JSONEncodingError: Error, CustomStringConvertible {
  var description: String
}

/// The writer and the containers open in it, innermost last.
private final class EncodingState {
  enum Kind { case object, array }
  var writer: JSONWriter
  private(set) var open: [Kind] = []

  init(capacity: Int) { writer = JSONWriter(capacity: capacity) }

  func with(_ body: (inout JSONWriter) throws -> Void) rethrows { try body(&writer) }

  /// Closes the containers deeper than `depth`.
  func close(above depth: Int) {
    while open.count > depth {
      let kind = open.removeLast()
      with { $0.close(kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]")) }
    }
  }

  /// Opens a container at `depth` (after closing any deeper one), unless one is open there.
  func openContainer(_ kind: Kind, depth: Int) {
    close(above: depth + 1)
    guard open.count == depth else { return }
    open.append(kind)
    with { $0.open(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "[")) }
  }

  /// Writes a key in the object at `depth`.
  func key(_ name: String, depth: Int) {
    close(above: depth + 1)
    with { $0.key(dynamic: name) }
  }

  func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
    close(above: depth)
    switch value {
    case let date as Date: with { $0.date(date) }
    case let url as URL: with { $0.string(url.absoluteString) }
    case let data as Data: with { $0.string(data.base64EncodedString()) }
    case let decimal as Decimal: with { $0.number(decimal.description) }
    default:
      try value.encode(to: ValueEncoder(state: self, depth: depth))
      close(above: depth)
    }
  }
}

private struct ValueEncoder: Encoder {
  let state: EncodingState
  /// How many containers enclose the value this encoder writes.
  let depth: Int
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    state.openContainer(.object, depth: depth)
    return KeyedEncodingContainer(ObjectContainer<Key>(state: state, depth: depth + 1))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    state.openContainer(.array, depth: depth)
    return ArrayContainer(state: state, depth: depth + 1)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleValue(state: state, depth: depth) }
}

/// Scalars, shared by the three containers.
private protocol ScalarWriting {
  var state: EncodingState { get }
  var depth: Int { get }
}

extension ScalarWriting {
  func scalar(_ write: (inout JSONWriter) -> Void) {
    state.close(above: depth)
    state.with(write)
  }

  func number<N: BinaryInteger>(_ value: N) { scalar { $0.number(String(value)) } }

  func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws {
    guard value.isFinite else { throw JSONEncodingError(description: "\(value) cannot be written in JSON.") }
    scalar { $0.number(value.description) }
  }
}

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, ScalarWriting {
  let state: EncodingState
  /// The depth of this object's members.
  let depth: Int
  var codingPath: [any CodingKey] = []

  private func key(_ key: Key) { state.key(key.stringValue, depth: depth - 1) }

  mutating func encodeNil(forKey key: Key) throws {
    self.key(key)
    scalar { $0.null() }
  }
  mutating func encode(_ value: Bool, forKey key: Key) throws {
    self.key(key)
    scalar { $0.bool(value) }
  }
  mutating func encode(_ value: String, forKey key: Key) throws {
    self.key(key)
    scalar { $0.string(value) }
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    self.key(key)
    try number(value)
  }
  mutating func encode(_ value: Float, forKey key: Key) throws {
    self.key(key)
    try number(value)
  }
  mutating func encode(_ value: Int, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: Int8, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: Int16, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: Int32, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: Int64, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: UInt, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: UInt8, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: UInt16, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: UInt32, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode(_ value: UInt64, forKey key: Key) throws {
    self.key(key)
    number(value)
  }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    self.key(key)
    try state.encodeValue(value, depth: depth)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    self.key(key)
    state.openContainer(.object, depth: depth)
    return KeyedEncodingContainer(ObjectContainer<NestedKey>(state: state, depth: depth + 1))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    self.key(key)
    state.openContainer(.array, depth: depth)
    return ArrayContainer(state: state, depth: depth + 1)
  }

  mutating func superEncoder() -> any Encoder {
    state.key("super", depth: depth - 1)
    return ValueEncoder(state: state, depth: depth)
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    self.key(key)
    return ValueEncoder(state: state, depth: depth)
  }
}

private struct ArrayContainer: UnkeyedEncodingContainer, ScalarWriting {
  let state: EncodingState
  let depth: Int
  var codingPath: [any CodingKey] = []
  var count = 0

  mutating func encodeNil() throws {
    count += 1
    scalar { $0.null() }
  }
  mutating func encode(_ value: Bool) throws {
    count += 1
    scalar { $0.bool(value) }
  }
  mutating func encode(_ value: String) throws {
    count += 1
    scalar { $0.string(value) }
  }
  mutating func encode(_ value: Double) throws {
    count += 1
    try number(value)
  }
  mutating func encode(_ value: Int) throws {
    count += 1
    number(value)
  }
  mutating func encode<T: Encodable>(_ value: T) throws {
    count += 1
    try state.encodeValue(value, depth: depth)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    count += 1
    state.openContainer(.object, depth: depth)
    return KeyedEncodingContainer(ObjectContainer<NestedKey>(state: state, depth: depth + 1))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    count += 1
    state.openContainer(.array, depth: depth)
    return ArrayContainer(state: state, depth: depth + 1)
  }

  mutating func superEncoder() -> any Encoder {
    count += 1
    return ValueEncoder(state: state, depth: depth)
  }
}

private struct SingleValue: SingleValueEncodingContainer, ScalarWriting {
  let state: EncodingState
  let depth: Int
  var codingPath: [any CodingKey] = []

  mutating func encodeNil() throws { scalar { $0.null() } }
  mutating func encode(_ value: Bool) throws { scalar { $0.bool(value) } }
  mutating func encode(_ value: String) throws { scalar { $0.string(value) } }
  mutating func encode(_ value: Double) throws { try number(value) }
  mutating func encode(_ value: Float) throws { try number(value) }
  mutating func encode(_ value: Int) throws { number(value) }
  mutating func encode(_ value: Int8) throws { number(value) }
  mutating func encode(_ value: Int16) throws { number(value) }
  mutating func encode(_ value: Int32) throws { number(value) }
  mutating func encode(_ value: Int64) throws { number(value) }
  mutating func encode(_ value: UInt) throws { number(value) }
  mutating func encode(_ value: UInt8) throws { number(value) }
  mutating func encode(_ value: UInt16) throws { number(value) }
  mutating func encode(_ value: UInt32) throws { number(value) }
  mutating func encode(_ value: UInt64) throws { number(value) }
  mutating func encode<T: Encodable>(_ value: T) throws { try state.encodeValue(value, depth: depth) }
}
