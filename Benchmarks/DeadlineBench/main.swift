import CaseworkCore
import Foundation

// One deadline computation per call, on one core, release build: the fast arithmetic for
// N = 3 and N = 250, and the plain day-by-day / minute-by-minute references in the same run.
// Run with scripts/bench/deadlines.

let calendars = Calendars(holidays: BankHolidayFile.shipped())
let supported = calendars.timeline("supported_hours")!
let workingDays = WorkingDays(holidays: calendars.holidays)

// Start instants spread over 2018-2032, so the holiday and time-zone lookups vary.
var generator = SystemRandomNumberGenerator()
let first = LocalDate("2018-01-01")!.instant().timeIntervalSince1970
let last = LocalDate("2032-12-31")!.instant().timeIntervalSince1970
let starts = (0..<4096).map { _ in Date(timeIntervalSince1970: Double.random(in: first...last, using: &generator).rounded()) }

func naiveWorkingDays(_ start: Date, _ n: Int) -> Date {
  var day = LocalDate(start)
  var left = n
  while left > 0 {
    day = day.adding(days: 1)
    if !day.isWeekend && !calendars.holidays.events(in: day.year).contains(where: { $0.date == day }) { left -= 1 }
  }
  return day.endOfDay
}

func naiveBusinessHours(_ start: Date, _ hours: Int) -> Date {
  var cursor = start
  var left = hours * 60
  while left > 0 {
    if Timetable.supportedHours.isOpen(at: cursor, holidays: calendars.holidays) { left -= 1 }
    cursor = cursor.addingTimeInterval(60)
  }
  return cursor
}

@inline(never) func blackHole(_ value: Date?) {
  if value == Date.distantPast { print("") }
}

/// Runs `body` for about `seconds` and returns calls per second.
func measure(_ name: String, seconds: Double = 1.0, _ body: (Date) -> Date?) {
  var calls = 0
  let clock = ContinuousClock()
  let began = clock.now
  var elapsed: Double = 0
  while elapsed < seconds {
    for index in 0..<256 {
      blackHole(body(starts[(calls + index) & 4095]))
    }
    calls += 256
    let duration = clock.now - began
    elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
  let rate = Double(calls) / elapsed
  let padded = name.padding(toLength: 46, withPad: " ", startingAt: 0)
  print("\(padded) \(String(format: "%12.0f", rate)) per second  (\(String(format: "%.0f", 1e9 / rate)) ns each)")
}

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 1 : 1

print("Deadline computations on one core (\(starts.count) start instants from 2018 to 2032)")
for n in [3, 250] {
  measure("working days, N = \(n) (fast)", seconds: seconds) { workingDays.due(from: $0, workingDays: n) }
}
for n in [3, 250] {
  measure("supported hours, N = \(n) h (fast)", seconds: seconds) { supported.adding(milliseconds: Int64(n) * 3_600_000, to: $0) }
}
for n in [3, 250] {
  let deadline = Deadline(
    caseID: UUID(), name: "bench", clock: .workingDays, length: DeadlineLength(n, .workingDays), startAt: starts[0])
  measure("deadline record, \(n) working days + warning", seconds: seconds) { start in
    var copy = deadline
    copy.startAt = start
    return calendars.schedule(copy).dueAt
  }
}
for n in [3, 250] {
  measure("working days, N = \(n) (naive, day by day)", seconds: seconds) { naiveWorkingDays($0, n) }
}
for n in [3, 250] {
  measure("supported hours, N = \(n) h (naive, minute by minute)", seconds: seconds) { naiveBusinessHours($0, n) }
}
