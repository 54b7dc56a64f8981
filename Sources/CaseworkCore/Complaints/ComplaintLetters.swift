import Foundation

/// The letters and emails a complaint produces (domain §5).
public enum LetterKind: String, Sendable, Codable, CaseIterable {
  case acknowledgement
  case delay
  case finalResponse = "final_response"
  case outOfTime = "out_of_time"
  case followUp = "follow_up"

  public var displayName: String {
    switch self {
    case .acknowledgement: "Acknowledgement"
    case .delay: "Delay notice"
    case .finalResponse: "Final response"
    case .outOfTime: "Out of time"
    case .followUp: "Follow-up email"
    }
  }

  /// The variables a template of this kind may use, with what each holds.
  public var variables: [String: String] {
    var common = [
      "reference": "the complaint's reference, such as CMP-2026-000045",
      "complainant_name": "the complainant's name",
      "received_date": "the day the complaint reached us, such as 21 November 2026",
      "today": "the date of the letter",
      "organisation": "our organisation's name",
      "signature": "who signs the letter",
    ]
    switch self {
    case .acknowledgement: common["respond_by"] = "the date by which we aim to have looked into it"
    case .delay:
      common["delay_reason"] = "why the investigation is delayed"
      common["new_date"] = "the new date"
    case .finalResponse:
      common["what_happened"] = "what happened"
      common["what_went_wrong"] = "what went wrong"
      common["apology"] = "the apology, or nothing"
      common["actions"] = "what will be done so it does not happen again, a line each"
      common["discussion"] = "the offer to discuss the problem"
      common["next_stage"] = "the Ombudsman and Citizens Advice contact details"
    case .outOfTime:
      common["eligibility_reason"] = "why the complaint is out of time"
      common["next_stage"] = "the Ombudsman and Citizens Advice contact details"
    case .followUp: break
    }
    return common
  }
}

/// A letter template: a subject and a body with `{{variable}}` placeholders. A template that
/// names an unknown variable, or leaves a brace open, is refused before it is saved.
public struct LetterTemplate: Sendable, Equatable, Codable {
  public var kind: LetterKind
  public var subject: String
  public var body: String

  public init(kind: LetterKind, subject: String, body: String) {
    self.kind = kind
    self.subject = subject
    self.body = body
  }

  /// Problems that would stop the template from rendering, each naming its field.
  public var problems: [FieldError] {
    var errors: [FieldError] = []
    for (field, text) in [("subject", subject), ("body", body)] {
      if text.allSatisfy(\.isWhitespace) {
        errors.append(FieldError(field: field, message: "The \(field) cannot be empty."))
        continue
      }
      switch Self.placeholders(in: text) {
      case .failure(let problem): errors.append(FieldError(field: field, message: problem.message))
      case .success(let names):
        let unknown = names.filter { kind.variables[$0] == nil }
        if !unknown.isEmpty {
          errors.append(
            FieldError(
              field: field,
              message:
                "Unknown variable\(unknown.count == 1 ? "" : "s"): \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")). This letter may use: \(kind.variables.keys.sorted().map { "{{\($0)}}" }.joined(separator: ", "))."
            ))
        }
      }
    }
    return errors
  }

  /// The letter with every placeholder filled in.
  public func render(_ values: [String: String]) throws(CaseworkError) -> (subject: String, body: String) {
    let problems = self.problems
    if !problems.isEmpty { throw .invalid(problems) }
    return (Self.fill(subject, values), Self.fill(body, values))
  }

  static func fill(_ text: String, _ values: [String: String]) -> String {
    var output = ""
    var rest = text[...]
    while let open = rest.range(of: "{{") {
      output += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else { break }
      let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      output += values[name] ?? ""
      rest = rest[close.upperBound...]
    }
    return output + rest
  }

  struct PlaceholderProblem: Error {
    var message: String
  }

  static func placeholders(in text: String) -> Result<[String], PlaceholderProblem> {
    var names: [String] = []
    var rest = text[...]
    while let open = rest.range(of: "{{") {
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        return .failure(PlaceholderProblem(message: "A placeholder is opened with {{ but never closed with }}."))
      }
      let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      if name.isEmpty { return .failure(PlaceholderProblem(message: "A placeholder {{}} has no variable name.")) }
      names.append(name)
      rest = rest[close.upperBound...]
    }
    if rest.contains("}}") {
      return .failure(PlaceholderProblem(message: "A placeholder is closed with }} but was never opened with {{."))
    }
    return .success(names)
  }
}

extension LetterTemplate {
  /// The next stage, as the source policy gives it (seed 000).
  public static let nextStage = """
    If you remain unhappy after we have tried to resolve your complaint, the next stage is to contact the Ombudsman or your local Citizens Advice.

    Citizens Advice
    3rd Floor North, 200 Aldersgate Street, London, EC1A 4HD
    Telephone: 03444 111 444
    Website: www.citizensadvice.org.uk

    Ombudsman Association
    Leonard House, 5-7 Newman Road, Bromley, Kent, BR1 1RJ
    Website: www.ombudsmanassociation.org
    """

  /// The shipped templates; an administrator may replace any of them.
  public static func standard(_ kind: LetterKind) -> LetterTemplate {
    switch kind {
    case .acknowledgement:
      LetterTemplate(
        kind: kind, subject: "[{{reference}}] We have received your complaint",
        body: """
          Dear {{complainant_name}},

          Thank you for your complaint, which we received on {{received_date}}. Its reference is {{reference}}.

          Your complaint will be handled by our support team manager. We aim to have looked into it by {{respond_by}}. If we cannot meet that date, for example because people involved are away, we will write to tell you why and when you can expect our response.

          When we look into your complaint we aim to find out what happened and what went wrong, to let you discuss the problem with us if you would like to, to apologise where that is right, and to make sure the problem does not happen again.

          This service cannot give medical advice. If you need medical help, contact your GP or call 111; in an emergency call 999.

          Yours sincerely,
          {{signature}}
          {{organisation}}
          """)
    case .delay:
      LetterTemplate(
        kind: kind, subject: "[{{reference}}] Your complaint: a new date for our response",
        body: """
          Dear {{complainant_name}},

          We are sorry that we cannot finish looking into your complaint ({{reference}}) by the date we gave you. The reason is: {{delay_reason}}

          We now aim to send you our response by {{new_date}}.

          Yours sincerely,
          {{signature}}
          {{organisation}}
          """)
    case .finalResponse:
      LetterTemplate(
        kind: kind, subject: "[{{reference}}] Our response to your complaint",
        body: """
          Dear {{complainant_name}},

          Thank you for raising your complaint with us on {{received_date}}. We have now looked into it.

          What happened
          {{what_happened}}

          What went wrong
          {{what_went_wrong}}

          {{apology}}

          What we are doing so that it does not happen again
          {{actions}}

          {{discussion}}

          {{next_stage}}

          Yours sincerely,
          {{signature}}
          {{organisation}}
          """)
    case .outOfTime:
      LetterTemplate(
        kind: kind, subject: "[{{reference}}] Your complaint",
        body: """
          Dear {{complainant_name}},

          Thank you for your complaint, which we received on {{received_date}} (reference {{reference}}).

          We are sorry, but we cannot investigate it under our complaints policy. {{eligibility_reason}}

          {{next_stage}}

          Yours sincerely,
          {{signature}}
          {{organisation}}
          """)
    case .followUp:
      LetterTemplate(
        kind: kind, subject: "[{{reference}}] Is anything about your complaint still outstanding?",
        body: """
          Dear {{complainant_name}},

          We closed your complaint ({{reference}}) a week ago. We would like to check that nothing is outstanding.

          If something is, reply to this email and tell us; we will reopen your complaint. If everything is settled, you can reply "satisfied", or you need not reply at all.

          Yours sincerely,
          {{signature}}
          {{organisation}}
          """)
    }
  }
}
