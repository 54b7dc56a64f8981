import Foundation

/// Reads the GOV.UK `bank-holidays.json` format (`{"england-and-wales": {"division", "events":
/// [{"title", "date", "notes", "bunting"}]}}`). A file that cannot be used is rejected whole,
/// with a message that says what is wrong.
public enum BankHolidayFile {
  public struct Problem: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  static let division = "england-and-wales"

  public static func parse(_ data: Data) throws(Problem) -> BankHolidays {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw Problem(message: "The file is not JSON. Download bank-holidays.json from GOV.UK again and import that.")
    }
    guard let root = object as? [String: Any] else {
      throw Problem(message: "The file is JSON but not a GOV.UK bank holidays file: its top level is not an object.")
    }
    guard let division = root[division] as? [String: Any] else {
      throw Problem(message: "The file has no \"england-and-wales\" division; Casework uses the England and Wales holidays.")
    }
    guard let list = division["events"] as? [Any] else {
      throw Problem(message: "The \"england-and-wales\" division has no \"events\" list.")
    }
    var events: [BankHolidays.Event] = []
    for (index, item) in list.enumerated() {
      guard let event = item as? [String: Any] else {
        throw Problem(message: "Event \(index + 1) of england-and-wales is not an object.")
      }
      guard let title = event["title"] as? String, !title.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw Problem(message: "Event \(index + 1) of england-and-wales has no title.")
      }
      guard let text = event["date"] as? String, let date = LocalDate(text) else {
        throw Problem(
          message: "Event \(index + 1) of england-and-wales (\(title)) has no valid date; dates are written YYYY-MM-DD.")
      }
      events.append(
        BankHolidays.Event(
          title: title, date: date, notes: event["notes"] as? String ?? "", bunting: event["bunting"] as? Bool ?? false))
    }
    guard !events.isEmpty else { throw Problem(message: "The england-and-wales division lists no events.") }
    return BankHolidays(events: events)
  }

  /// Writes holidays in the GOV.UK format, so what is stored can be read back by `parse`.
  public static func encode(_ holidays: BankHolidays) -> String {
    let events: [[String: Any]] = holidays.coveredYears.flatMap { holidays.events(in: $0) }.map { event in
      ["title": event.title, "date": event.date.description, "notes": event.notes, "bunting": event.bunting]
    }
    let root: [String: Any] = [division: ["division": division, "events": events]]
    let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  /// The dates shipped with Casework (GOV.UK, 2018 to 2027).
  public static func shipped() -> BankHolidays {
    guard let url = Bundle.module.url(forResource: "bank-holidays", withExtension: "json"),
      let data = try? Data(contentsOf: url), let holidays = try? parse(data)
    else {
      // The resource is part of the build; without it the statutory rules still apply.
      return BankHolidays(events: [])
    }
    return holidays
  }
}
