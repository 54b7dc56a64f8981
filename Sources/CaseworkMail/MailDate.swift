import Foundation

/// RFC 5322 dates (`Tue, 17 Nov 2026 10:00:00 +0000`), with the obsolete zone names and
/// without the weekday or seconds, as real clients send them.
public enum MailDate {
  static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  static let zones: [String: Int] = [
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480,
    "PDT": -420, "BST": 60,
  ]

  public static func parse(_ raw: String) -> Date? {
    var text = raw
    if let comment = text.firstIndex(of: "(") { text = String(text[..<comment]) }
    if let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard words.count >= 4, let day = Int(words[0]), let month = months.firstIndex(of: words[1].prefix(3).lowercased()),
      var year = Int(words[2])
    else { return nil }
    if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
    let time = words[3].split(separator: ":").compactMap { Int($0) }
    guard time.count >= 2, (0...23).contains(time[0]), (0...59).contains(time[1]) else { return nil }
    let second = time.count > 2 ? time[2] : 0
    var offsetMinutes = 0
    if words.count > 4 {
      let zone = words[4]
      if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
        offsetMinutes = (value / 100 * 60 + value % 100) * (sign == "-" ? -1 : 1)
      } else if let known = zones[zone.uppercased()] {
        offsetMinutes = known
      }
    }
    var components = DateComponents()
    components.year = year
    components.month = month + 1
    components.day = day
    components.hour = time[0]
    components.minute = time[1]
    components.second = min(second, 59)
    components.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    return calendar.date(from: components)
  }

  /// `Sat, 21 Nov 2026 10:00:00 +0000`.
  public static func format(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(secondsFromGMT: 0)
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return formatter.string(from: date)
  }
}
