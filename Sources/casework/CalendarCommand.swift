import ArgumentParser
import CaseworkCore
import Foundation

/// Working-day arithmetic and bank holidays from the command line; no database needed.
struct CalendarCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calendar", abstract: "Bank holidays and working-day deadlines (England and Wales, Europe/London).",
    subcommands: [Holidays.self, Due.self])

  struct Holidays: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a year's England and Wales bank holidays.")

    @ArgumentParser.Option(help: "The year, for example 2027.")
    var year: Int

    func validate() throws {
      guard (1900...2200).contains(year) else { throw ValidationError("--year must be from 1900 to 2200.") }
    }

    func run() throws {
      let holidays = BankHolidayFile.shipped()
      if holidays.usesFallback(year: year) {
        print("No published dates for \(year): these follow the statutory rules and may change.")
      }
      for event in holidays.events(in: year) {
        let notes = event.notes.isEmpty ? "" : " (\(event.notes))"
        print("\(event.date)  \(weekdayName(event.date))  \(event.title)\(notes)")
      }
    }
  }

  struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "When \"within N working days of a date\" ends: 23:59:59 London time on the Nth working day after it.")

    @ArgumentParser.Option(help: "The day the clock starts, YYYY-MM-DD (it never counts itself).")
    var from: String

    @ArgumentParser.Option(name: .customLong("working-days"), help: "How many working days.")
    var workingDays: Int

    func validate() throws {
      guard LocalDate(from) != nil else { throw ValidationError("--from must be a date written YYYY-MM-DD, such as 2025-04-17.") }
      guard (0...2000).contains(workingDays) else { throw ValidationError("--working-days must be from 0 to 2000.") }
    }

    func run() throws {
      let calendar = WorkingDays(holidays: BankHolidayFile.shipped())
      let day = calendar.nthWorkingDay(after: LocalDate(from)!, workingDays)
      let formatter = ISO8601DateFormatter()
      formatter.timeZone = LondonTime.timeZone
      print("\(formatter.string(from: day.endOfDay))  (end of \(weekdayName(day)) \(day))")
    }
  }
}

func weekdayName(_ date: LocalDate) -> String {
  ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][date.weekday - 1]
}
