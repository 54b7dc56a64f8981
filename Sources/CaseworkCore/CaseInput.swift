import Foundation

/// What a person or integrator sends to open a case, before it is checked.
public struct NewCaseInput: Sendable, Equatable {
  public var kind: CaseKind
  public var channel: Channel
  public var subject: String?
  public var description: String?
  public var requesterName: String?
  public var requesterEmail: String?
  public var requesterPhone: String?
  public var organisation: String?
  public var nhsNumber: String?
  public var receivedAt: Date?
  public var tags: [String]
  /// For a complaint: when it happened, when they found out, what they would like us to do.
  public var complaint: ComplaintInput?

  public init(
    kind: CaseKind = .supportRequest, channel: Channel, subject: String?, description: String?, requesterName: String?,
    requesterEmail: String?, requesterPhone: String? = nil, organisation: String? = nil, nhsNumber: String? = nil,
    receivedAt: Date? = nil, tags: [String] = [], complaint: ComplaintInput? = nil
  ) {
    self.complaint = complaint
    self.kind = kind
    self.channel = channel
    self.subject = subject
    self.description = description
    self.requesterName = requesterName
    self.requesterEmail = requesterEmail
    self.requesterPhone = requesterPhone
    self.organisation = organisation
    self.nhsNumber = nhsNumber
    self.receivedAt = receivedAt
    self.tags = tags
  }
}

/// Limits on what is accepted. Field names match the public form and the API's JSON paths.
public enum InputRules {
  public static let maxSubject = 200
  public static let maxDescription = 20_000
  public static let maxName = 200
  public static let maxEmail = 254
  public static let maxPhone = 40
  public static let maxOrganisation = 200
  public static let maxMessage = 20_000
  public static let maxIncidentUpdate = 5000
  /// 2000-01-01T00:00:00Z: the earliest date a case can say it was received.
  public static let earliestReceived = Date(timeIntervalSince1970: 946_684_800)
  public static let maxTag = 40
  public static let maxTags = 20

  /// Trims surrounding white space and drops control characters other than line breaks and
  /// tabs (CRLF becomes LF); nil when nothing is left.
  public static func clean(_ text: String?) -> String? {
    guard let text else { return nil }
    var kept = text
    // Bytes first: a text with no control byte, DEL or 0xC2 (the lead byte of C1 controls)
    // has nothing to drop and no CR, and scanning bytes is several times cheaper than scalars.
    if text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == 0xc2 }),
      text.unicodeScalars.contains(where: isDropped) || text.utf8.contains(13)
    {
      var scalars = String.UnicodeScalarView()
      var previous: Unicode.Scalar?
      for scalar in text.unicodeScalars where !isDropped(scalar) {
        // CRLF becomes LF: drop the CR already kept when its LF arrives.
        if scalar == "\n", previous == "\r" { scalars.removeLast() }
        scalars.append(scalar)
        previous = scalar
      }
      kept = String(scalars)
    }
    // Nothing to trim when both ends are ASCII and not white space: keep the string as it is.
    if let first = kept.utf8.first, let last = kept.utf8.last, first < 0x80, last < 0x80,
      !isASCIIWhitespace(first), !isASCIIWhitespace(last)
    {
      return kept
    }
    let scalars = kept.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return nil }
    return String(scalars[first...last])
  }

  /// `clean`, for a field that is one line (a name, a subject, an address): line breaks and
  /// tabs become single spaces, so the text can never start a new header or line elsewhere.
  public static func cleanLine(_ text: String?) -> String? {
    guard let cleaned = clean(text) else { return nil }
    guard
      cleaned.utf8.contains(where: { $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) || cleaned.contains("\u{2028}")
        || cleaned.contains("\u{2029}")
    else { return cleaned }
    return cleaned.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" })
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
  }

  /// The ASCII characters with Unicode's White_Space property: tab to carriage return, space.
  private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    (0x09...0x0d).contains(byte) || byte == 0x20
  }

  /// C0 and C1 control characters except tab, line feed and carriage return.
  private static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    guard value < 0x20 || (0x7f...0x9f).contains(value) else { return false }
    return value != 0x09 && value != 0x0a && value != 0x0d
  }

  /// A plausible address: one `@`, something before it, a dotted domain after it, no spaces.
  public static func isPlausibleEmail(_ text: String) -> Bool {
    // Bytes and scalars rather than characters: this runs on every submission, and breaking
    // the text into characters cost more than the rest of the validation together.
    let bytes = text.utf8
    guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
    let local = bytes[..<at]
    let domain = bytes[bytes.index(after: at)...]
    guard !local.isEmpty, !domain.contains(UInt8(ascii: "@")), domain.contains(UInt8(ascii: ".")),
      domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".")
    else { return false }
    return !text.unicodeScalars.contains { scalar in
      scalar.isASCII
        ? isASCIIWhitespace(UInt8(scalar.value)) || scalar == "<" || scalar == ">" || scalar == ","
        : scalar.properties.isWhitespace
    }
  }

  /// A tag: lower case letters, digits, hyphens and underscores.
  public static func normaliseTag(_ text: String) -> String? {
    // Already a tag (the usual case): nothing to trim, lower-case or replace.
    if (1...maxTag).contains(text.utf8.count),
      text.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f })
    {
      return text
    }
    let tag = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "-")
    guard !tag.isEmpty, tag.count <= maxTag,
      tag.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") && $0.isASCII })
    else { return nil }
    return tag
  }

  /// Whether what was sent is longer than `max`, counted as JSON Schema's `maxLength` counts:
  /// code points of the text as sent, before cleaning drops control characters or trims it.
  /// The API's document and the rules then agree on every input.
  public static func isTooLong(_ raw: String?, max: Int) -> Bool {
    guard let raw else { return false }
    return raw.utf8.count > max && raw.unicodeScalars.count > max
  }

  static func required(
    _ raw: String?, cleanedBy clean: (String?) -> String?, field: String, label: String, max: Int,
    errors: inout [FieldError]
  ) -> String {
    guard let value = clean(raw) else {
      errors.append(FieldError(field: field, message: "Enter \(label)."))
      return ""
    }
    if isTooLong(raw, max: max) {
      errors.append(
        FieldError(
          field: field, message: "\(label.prefix(1).uppercased() + label.dropFirst()) must be \(max) characters or fewer."))
    }
    return value
  }

  static func optional(
    _ raw: String?, cleanedBy clean: (String?) -> String?, field: String, label: String, max: Int,
    errors: inout [FieldError]
  ) -> String? {
    let value = clean(raw)
    if isTooLong(raw, max: max) {
      errors.append(FieldError(field: field, message: "\(label) must be \(max) characters or fewer."))
    }
    return value
  }
}

/// A checked request to open a case.
public struct ValidatedCase: Sendable, Equatable {
  public var kind: CaseKind
  public var channel: Channel
  public var subject: String
  public var description: String
  public var requester: Requester
  public var receivedAt: Date?
  public var tags: [String]
}

extension NewCaseInput {
  /// Every problem at once, each naming its field, in the order the form asks for them.
  public func validated(now: Date) throws(CaseworkError) -> ValidatedCase {
    var errors: [FieldError] = []
    let name = InputRules.required(
      requesterName, cleanedBy: InputRules.cleanLine, field: "requester.name", label: "your name", max: InputRules.maxName,
      errors: &errors)
    let email = InputRules.required(
      requesterEmail, cleanedBy: InputRules.cleanLine, field: "requester.email", label: "an email address",
      max: InputRules.maxEmail, errors: &errors)
    if !email.isEmpty, !InputRules.isPlausibleEmail(email) {
      errors.append(
        FieldError(field: "requester.email", message: "Enter an email address in the correct format, like name@example.com."))
    }
    let subject = InputRules.required(
      subject, cleanedBy: InputRules.cleanLine, field: "subject", label: "a subject", max: InputRules.maxSubject, errors: &errors)
    let description = InputRules.required(
      description, cleanedBy: InputRules.clean, field: "description", label: "a description of the problem",
      max: InputRules.maxDescription, errors: &errors)
    let phone = InputRules.optional(
      requesterPhone, cleanedBy: InputRules.cleanLine, field: "requester.phone", label: "Phone number", max: InputRules.maxPhone,
      errors: &errors)
    let organisation = InputRules.optional(
      organisation, cleanedBy: InputRules.cleanLine, field: "requester.organisation", label: "Organisation",
      max: InputRules.maxOrganisation, errors: &errors)
    var nhs: NHSNumber?
    if let given = InputRules.clean(nhsNumber) {
      nhs = NHSNumber(given)
      if nhs == nil {
        errors.append(
          FieldError(
            field: "requester.nhsNumber", message: "Enter a valid 10-digit NHS number, like 943 476 5919, or leave it blank."))
      }
    }
    if let receivedAt, receivedAt > now.addingTimeInterval(300) {
      errors.append(FieldError(field: "receivedAt", message: "The date received cannot be in the future."))
    } else if let receivedAt, receivedAt < InputRules.earliestReceived {
      // Calendars disagree before the Gregorian reform, and no case reached us before this.
      errors.append(FieldError(field: "receivedAt", message: "The date received must be after 1 January 2000."))
    }
    var cleanTags: [String] = []
    for tag in tags {
      guard let normalised = InputRules.normaliseTag(tag) else {
        errors.append(
          FieldError(
            field: "tags", message: "Tags use letters, digits, hyphens and underscores, up to \(InputRules.maxTag) characters."))
        break
      }
      if !cleanTags.contains(normalised) { cleanTags.append(normalised) }
    }
    if cleanTags.count > InputRules.maxTags {
      errors.append(FieldError(field: "tags", message: "A case can have at most \(InputRules.maxTags) tags."))
    }
    guard errors.isEmpty else { throw .invalid(errors) }
    return ValidatedCase(
      kind: kind, channel: channel, subject: subject, description: description,
      requester: Requester(name: name, email: email.lowercased(), phone: phone, organisation: organisation, nhsNumber: nhs),
      receivedAt: receivedAt, tags: cleanTags)
  }
}
