import CaseworkCore
import Foundation
import Vapor

/// Input parsing every feature shares, for its page and API paths alike: JSON bodies, dates and
/// the field errors of a new case.
enum InputParsing {
  /// The API speaks JSON only; anything else is a 415 that says so.
  static func decodeJSON<T: Decodable>(_ type: T.Type, from request: Request) throws -> T {
    guard declaresJSON(request.headers) else {
      throw Abort(.unsupportedMediaType, reason: "Send the body as application/json.")
    }
    return try request.content.decode(T.self, as: .json)
  }

  /// Whether the body is declared as `application/json` (in any case, with any parameters),
  /// read from the raw header: parsing it as a media type was 2% of the CPU of creating a case.
  static func declaresJSON(_ headers: HTTPHeaders) -> Bool {
    guard let value = headers.first(name: .contentType) else { return false }
    let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    let mediaType = value.utf8.prefix { $0 != UInt8(ascii: ";") }.drop(while: isSpace).reversed().drop(while: isSpace)
    let json = "application/json".utf8
    // Compared back to front (the trimmed type is reversed), ASCII letters in either case.
    return mediaType.count == json.count
      && zip(mediaType, json.reversed()).allSatisfy { byte, expected in
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte) == expected
      }
  }

  /// A `YYYY-MM-DD` date, or a field error saying what is expected.
  static func date(_ text: String?, field: String, errors: inout [FieldError]) -> LocalDate? {
    // Absent or null is no date; an empty string is not a date (the document says `format: date`).
    guard let text else { return nil }
    guard let date = LocalDate(text) else {
      errors.append(FieldError(field: field, message: "\(field) must be a real date written YYYY-MM-DD, like 2026-03-14."))
      return nil
    }
    return date
  }

  static func fieldErrors(of input: NewCaseInput, now: Date) -> [FieldError] {
    do {
      _ = try input.validated(now: now)
      return []
    } catch {
      if case .invalid(let errors) = error { return errors }
      return []
    }
  }
}
