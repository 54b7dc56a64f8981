import Foundation

/// RFC 3339 date-times as the API documents them (`2026-11-21T09:30:00Z`, with optional
/// fractions and a `±hh:mm` offset), read strictly: Foundation's ISO 8601 parser rolls a
/// minute of 99 or 30 February over into the next hour or month instead of refusing it.
enum StrictDateTime {
  /// For `JSONDecoder`: every date-time the API reads.
  static let decodingStrategy = JSONDecoder.DateDecodingStrategy.custom { decoder in
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    if let date = parse(text) { return date }
    throw DecodingError.dataCorruptedError(
      in: container, debugDescription: "Use an ISO 8601 date-time such as 2026-11-21T09:30:00Z.")
  }

  static func parse(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[from..<from + count] {
        guard (0x30...0x39).contains(byte) else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    func byte(_ at: Int, _ expected: Character...) -> Bool {
      at < bytes.count && expected.contains(Character(UnicodeScalar(bytes[at])))
    }
    guard let year = number(0, 4), byte(4, "-"), let month = number(5, 2), byte(7, "-"), let day = number(8, 2),
      byte(10, "T", "t"), let hour = number(11, 2), byte(13, ":"), let minute = number(14, 2), byte(16, ":"),
      let second = number(17, 2)
    else { return nil }
    var index = 19
    var fraction = 0.0
    if byte(index, ".") {
      var scale = 0.1
      index += 1
      let start = index
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        fraction += Double(bytes[index] - 0x30) * scale
        scale /= 10
        index += 1
      }
      guard index > start else { return nil }
    }
    var offset = 0
    if byte(index, "Z", "z") {
      index += 1
    } else if byte(index, "+", "-"), let hours = number(index + 1, 2), byte(index + 3, ":"), let minutes = number(index + 4, 2),
      hours <= 23, minutes <= 59
    {
      offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
      index += 6
    } else {
      return nil
    }
    guard index == bytes.count, (1...12).contains(month), hour <= 23, minute <= 59, second <= 60 else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    let components = DateComponents(year: year, month: month, day: day)
    guard let midnight = calendar.date(from: components),
      calendar.component(.day, from: midnight) == day, calendar.component(.month, from: midnight) == month
    else { return nil }
    // A leap second reads as the last second of its minute.
    let seconds = Double(hour * 3600 + minute * 60 + min(second, 59)) + fraction - Double(offset)
    return midnight.addingTimeInterval(seconds)
  }
}
