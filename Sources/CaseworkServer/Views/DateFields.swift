import CaseworkCore
import Foundation
import Vapor

/// A date typed as day, month and year (GOV.UK's date input pattern, not the browser's date
/// picker): what was typed is kept for the form, and problems are said in words.
struct DateFields: Encodable {
  var day = ""
  var month = ""
  var year = ""

  init() {}

  /// From the three fields, or from one `YYYY-MM-DD` text when the fields are absent.
  init(day: String?, month: String?, year: String?, whole: String?) {
    self.day = day?.trimmingCharacters(in: .whitespaces) ?? ""
    self.month = month?.trimmingCharacters(in: .whitespaces) ?? ""
    self.year = year?.trimmingCharacters(in: .whitespaces) ?? ""
    if self.day.isEmpty, self.month.isEmpty, self.year.isEmpty, let whole = whole?.trimmingCharacters(in: .whitespaces) {
      if let date = LocalDate(whole) {
        let parts = date.components
        (self.day, self.month, self.year) = (String(parts.day), String(parts.month), String(parts.year))
      } else {
        self.day = whole
      }
    }
  }

  var isEmpty: Bool { day.isEmpty && month.isEmpty && year.isEmpty }

  /// The date, nil when nothing was typed; a field error naming what is missing or wrong.
  func date(field: String, label: String, errors: inout [FieldError]) -> LocalDate? {
    guard !isEmpty else { return nil }
    let missing = [("a day", day), ("a month", month), ("a year", year)].filter { $0.1.isEmpty }.map(\.0)
    if !missing.isEmpty {
      errors.append(FieldError(field: field, message: "The date \(label) must include \(missing.joined(separator: " and "))."))
      return nil
    }
    guard let d = Int(day), let m = Int(month), let y = Int(year), year.count == 4,
      (1...31).contains(d), (1...12).contains(m), (1900...9999).contains(y),
      let date = LocalDate(year: y, month: m, day: d)
    else {
      errors.append(FieldError(field: field, message: "Enter the date \(label) as a real date, for example 27 3 2026."))
      return nil
    }
    return date
  }
}

extension Request {
  /// The date a form sent as `name_day`, `name_month` and `name_year` (or as one `name`).
  func dateFields(_ name: String) -> DateFields {
    DateFields(
      day: content[String.self, at: name + "_day"], month: content[String.self, at: name + "_month"],
      year: content[String.self, at: name + "_year"], whole: content[String.self, at: name])
  }
}

extension DateFields {
  /// The parts of a date already known, to show in the fields.
  init(_ date: LocalDate?) {
    self.init()
    if let parts = date?.components { (day, month, year) = (String(parts.day), String(parts.month), String(parts.year)) }
  }
}
