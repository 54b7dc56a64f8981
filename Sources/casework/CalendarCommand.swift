import ArgumentParser
import CaseworkCore
import CaseworkServer
import Foundation

/// Working-day arithmetic and bank holidays from the command line; no database needed.
struct CalendarCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calendar", abstract: "Bank holidays and working-day deadlines (England and Wales, Europe/London).",
    subcommands: [Holidays.self, Due.self, Import.self])

  struct Holidays: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a year's England and Wales bank holidays.")

    @ArgumentParser.Option(help: "The year, for example 2027.")
    var year: Int

    func validate() throws {
      guard (1900...2200).contains(year) else { throw ValidationError("--year must be from 1900 to 2200.") }
    }

    func run() async throws {
      let holidays = try await currentHolidays()
      if holidays.usesFallback(year: year) {
        print("No published dates for \(year): these follow the statutory rules and may change.")
      }
      for event in holidays.events(in: year) {
        let notes = event.notes.isEmpty ? "" : " (\(event.notes))"
        print("\(event.date)  \(event.date.weekdayName)  \(event.title)\(notes)")
      }
    }
  }

  struct Due: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "When a deadline falls: N working days (ends 23:59:59 London time), N business hours or minutes on a timetable, or N real hours.",
      discussion: """
        --from takes a date (2025-04-17: the start of that day) or a London time (2025-04-17T15:30) \
        or an ISO 8601 instant with offset. Working days never count the start day itself.
        """)

    @ArgumentParser.Option(help: "When the clock starts: YYYY-MM-DD, YYYY-MM-DDTHH:MM (London) or ISO 8601 with offset.")
    var from: String

    @ArgumentParser.Option(name: .customLong("working-days"), help: "How many working days.")
    var workingDays: Int?

    @ArgumentParser.Option(name: .customLong("business-hours"), help: "How many hours of the timetable's open time.")
    var businessHours: Int?

    @ArgumentParser.Option(name: .customLong("business-minutes"), help: "How many minutes of the timetable's open time.")
    var businessMinutes: Int?

    @ArgumentParser.Option(name: .customLong("real-hours"), help: "How many hours, 24x7.")
    var realHours: Int?

    @ArgumentParser.Option(help: "The timetable for business time (supported_hours, live_chat, or one from the policy file).")
    var timetable: String = "supported_hours"

    func validate() throws {
      guard Self.parseStart(from) != nil else {
        throw ValidationError(
          "--from must be YYYY-MM-DD, YYYY-MM-DDTHH:MM (London time) or an ISO 8601 instant such as 2025-04-17T15:30:00Z.")
      }
      let given = [workingDays, businessHours, businessMinutes, realHours].compactMap { $0 }
      guard given.count == 1 else {
        throw ValidationError("Give exactly one of --working-days, --business-hours, --business-minutes or --real-hours.")
      }
      guard (0...100_000).contains(given[0]) else { throw ValidationError("The amount must be from 0 to 100000.") }
    }

    static func parseStart(_ text: String) -> Date? {
      if let date = LocalDate(text) { return date.instant() }
      if let date = try? Date(text, strategy: .iso8601) { return date }
      let parts = text.split(separator: "T")
      if parts.count == 2, let date = LocalDate(String(parts[0])) {
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        if time.count == 2, (0...23).contains(time[0]), (0...59).contains(time[1]) {
          return date.instant(hour: time[0], minute: time[1])
        }
      }
      return nil
    }

    func run() async throws {
      let holidays = try await currentHolidays()
      let policy = try loadPolicy()
      let calendars = Calendars(holidays: holidays, timetables: policy.timetables)
      let start = Self.parseStart(from)!
      let formatter = ISO8601DateFormatter()
      formatter.timeZone = LondonTime.timeZone
      if let workingDays {
        let day = WorkingDays(holidays: holidays).nthWorkingDay(after: LocalDate(start), workingDays)
        print("\(formatter.string(from: day.endOfDay))  (end of \(day.weekdayName) \(day))")
      } else if let realHours {
        print(formatter.string(from: start.addingTimeInterval(TimeInterval(realHours) * 3600)))
      } else {
        guard let line = calendars.timeline(timetable) else {
          printError("No timetable \"\(timetable)\". Known: \(calendars.timetables.keys.sorted().joined(separator: ", ")).")
          throw ExitCode(1)
        }
        let minutes = Int64(businessHours.map { $0 * 60 } ?? businessMinutes ?? 0)
        guard let due = line.adding(milliseconds: minutes * 60_000, to: start) else {
          printError("The timetable \"\(timetable)\" is never open, so no business time passes on it.")
          throw ExitCode(1)
        }
        print("\(formatter.string(from: due))  (\(LocalDate(due).weekdayName), \(timetable))")
      }
      if holidays.usesFallback(year: LocalDate(start).year) {
        print("Note: no published bank holidays for \(LocalDate(start).year); the statutory rules were used.")
      }
    }
  }

  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge a newer GOV.UK bank-holidays.json: its years replace the same years, every other year is kept.",
      discussion: "Download it from https://www.gov.uk/bank-holidays.json. Running deadlines are recomputed at once.")

    @ArgumentParser.Argument(help: "The GOV.UK bank-holidays.json file.")
    var file: String

    func run() async throws {
      guard let data = FileManager.default.contents(atPath: file) else {
        printError("Cannot read \(file). Check the path and its permissions.")
        throw ExitCode(66)
      }
      let newer: BankHolidays
      do {
        newer = try BankHolidayFile.parse(data)
      } catch {
        printError("\(file) was not imported and nothing changed: \(error.message)")
        throw ExitCode(65)
      }
      try await withApplication { app, _ in
        try await CaseworkApp.migrateDatabase(app)
        let monitor = app.casework.deadlines
        let merged = try await monitor.importHolidays(newer)
        let recomputed = try await monitor.refresh()
        let years = newer.coveredYears
        print(
          "Imported \(years.count) year(s) of England and Wales bank holidays: \(years.map(String.init).joined(separator: ", "))."
        )
        if let first = merged.coveredYears.first, let last = merged.coveredYears.last {
          print("Published dates now cover \(first) to \(last); later years follow the statutory rules.")
        }
        print("Open deadlines recomputed: \(recomputed).")
      }
    }
  }
}

/// The holidays in force: the shipped dates plus any import stored in the database, when
/// there is a database to read (a configured PostgreSQL, or an existing SQLite file).
func currentHolidays() async throws -> BankHolidays {
  guard let config = try? AppConfig.load() else { return BankHolidayFile.shipped() }
  if case .sqliteFile(let path) = config.store, !FileManager.default.fileExists(atPath: path) {
    return BankHolidayFile.shipped()
  }
  return try await withApplication { app, _ in
    do {
      return try await app.casework.deadlines.holidays()
    } catch {
      printError("Imported bank holidays could not be read from the database (run `casework migrate`); using the shipped dates.")
      return BankHolidayFile.shipped()
    }
  }
}

/// The policy in force (CASEWORK_POLICY_FILE or the shipped one); a bad file stops the command.
func loadPolicy() throws -> DeadlinePolicy {
  do {
    return try AppConfig.load().policy
  } catch let problem as AppConfig.Problem {
    printError(problem.description)
    throw ExitCode(78)
  }
}
