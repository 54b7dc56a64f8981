import Foundation

/// Europe/London's UTC offsets as a table of transitions, read once from the system's
/// time-zone database. Converting an instant to wall-clock time is then a binary search over
/// a few hundred integers instead of a `Calendar` call, which is what lets a deadline be worked
/// out a million times a second. Outside the table's years the system zone answers directly.
enum LondonOffsets {
  static let firstSecond: Int64 = 0  // 1970-01-01
  static let endSecond: Int64 = 4_133_980_800  // 2101-01-01

  /// `starts[i]` is the first UTC second at which `offsets[i]` (seconds east of UTC) applies.
  static let table: (starts: [Int64], offsets: [Int64]) = {
    let zone = LondonTime.timeZone
    var starts: [Int64] = [firstSecond]
    var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)))]
    var cursor = Date(timeIntervalSince1970: 0)
    let end = Date(timeIntervalSince1970: TimeInterval(endSecond))
    while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
      starts.append(Int64(next.timeIntervalSince1970.rounded()))
      offsets.append(Int64(zone.secondsFromGMT(for: next)))
      cursor = next
    }
    return (starts, offsets)
  }()

  /// Seconds east of UTC at a UTC second.
  static func offset(atUTCSecond second: Int64) -> Int64 {
    guard second >= firstSecond, second < endSecond else {
      return Int64(LondonTime.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(second))))
    }
    let starts = table.starts
    var low = 0
    var high = starts.count
    while high - low > 1 {
      let mid = (low + high) / 2
      if starts[mid] <= second { low = mid } else { high = mid }
    }
    return table.offsets[low]
  }
}

extension LondonTime {
  static let millisecondsPerDay: Int64 = 86_400_000

  /// Milliseconds since 1970-01-01 00:00 on London's wall clock (not UTC).
  public static func localMilliseconds(of instant: Date) -> Int64 {
    let utc = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
    return utc + 1000 * LondonOffsets.offset(atUTCSecond: floorDivide(utc, 1000))
  }

  /// The instant London's wall clock shows `local`. A time that occurs twice (the autumn hour)
  /// is its first occurrence; a time skipped in spring is read with the offset before the
  /// change, so 01:30 becomes 02:30 BST, as `Calendar` does.
  public static func instant(localMilliseconds local: Int64) -> Date {
    let offsetBefore = LondonOffsets.offset(atUTCSecond: floorDivide(local, 1000) - 86_400)
    var utc = local - 1000 * offsetBefore
    let offsetThere = LondonOffsets.offset(atUTCSecond: floorDivide(utc, 1000))
    if offsetThere != offsetBefore {
      let other = local - 1000 * offsetThere
      if LondonOffsets.offset(atUTCSecond: floorDivide(other, 1000)) == offsetThere { utc = other }
    }
    return Date(timeIntervalSince1970: TimeInterval(utc) / 1000)
  }

  /// Division rounding toward minus infinity, for instants before 1970.
  public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }
}
