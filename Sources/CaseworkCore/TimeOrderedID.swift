import Foundation

extension UUID {
  /// A version 7 UUID (RFC 9562 §5.7): the milliseconds since 1970 in the first 48 bits, then
  /// random bits. Rows keyed by these are written in time order, so a batch of new cases lands
  /// on the last pages of each index rather than on a random page per row, which is most of the
  /// cost of a commit once a table is large. As unguessable as a random UUID in its 74 random
  /// bits; the time it carries is the row's creation time, which the row shows anyway.
  public static func timeOrdered(at date: Date = Date()) -> UUID {
    let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
    let high = SecureRandom.next()
    let low = SecureRandom.next()
    func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
    return UUID(
      uuid: (
        byte(milliseconds, 40), byte(milliseconds, 32), byte(milliseconds, 24), byte(milliseconds, 16),
        byte(milliseconds, 8), byte(milliseconds, 0),
        0x70 | (byte(high, 8) & 0x0F), byte(high, 0),  // version 7, then 12 random bits
        0x80 | (byte(low, 56) & 0x3F), byte(low, 48), byte(low, 40), byte(low, 32),  // variant 10, then 62 random bits
        byte(low, 24), byte(low, 16), byte(low, 8), byte(low, 0)
      ))
  }

  /// The creation time a version 7 UUID carries, to the millisecond; nil for other versions.
  public var timeOrderedDate: Date? {
    let bytes = uuid
    guard bytes.6 >> 4 == 7 else { return nil }
    let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
  }
}
