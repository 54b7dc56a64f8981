import CaseworkCore
import Foundation
import Testing

@Suite("References, statuses and input rules")
struct CaseRulesTests {
  @Test("references are prefixed by kind, numbered per year and padded to six digits")
  func referenceFormat() {
    #expect(CaseReference(kind: .supportRequest, year: 2026, number: 123).description == "SR-2026-000123")
    #expect(CaseReference(kind: .complaint, year: 2026, number: 45).description == "CMP-2026-000045")
    #expect(CaseReference(kind: .incident, year: 2027, number: 1_234_567).description == "INC-2027-1234567")
  }

  @Test("references parse back, case-insensitively, and junk does not parse")
  func referenceParsing() {
    #expect(CaseReference(" sr-2026-000123 ") == CaseReference(kind: .supportRequest, year: 2026, number: 123))
    for junk in [
      "SR-2026-123", "XX-2026-000001", "SR-26-000001", "SR-2026-000000", "SR-2026-00001a", "SR2026000001", "",
      "SR-2026-000001-1", "-SR-2026-000001", "SR--2026-000001", "S-2026-000001", "SRX-2026-000001", "SR-2026-0000000000001",
      "Sr-2O26-000001", "SR-2026- 00001",
    ] {
      #expect(CaseReference(junk) == nil, "\(junk)")
    }
    #expect(CaseReference("cMp-2026-000000000001 ") == CaseReference(kind: .complaint, year: 2026, number: 1))
    // Every kind, across years and lengths of number, reads back what it writes.
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let kind = CaseKind.allCases.randomElement(using: &generator)!
      let number = Int.random(in: 1...999_999_999_999, using: &generator) >> Int.random(in: 0...39, using: &generator)
      let reference = CaseReference(kind: kind, year: Int.random(in: 1900...2200, using: &generator), number: max(1, number))
      let text = reference.description
      let digits = String(reference.number)
      #expect(
        text == "\(kind.referencePrefix)-\(reference.year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)")
      #expect(CaseReference(text) == reference)
      #expect(CaseReference(" \(text.lowercased())  ") == reference)
    }
  }

  @Test("staff may move a case only along the lifecycle")
  func transitions() {
    #expect(CaseStatus.new.canMove(to: .open))
    #expect(CaseStatus.open.canMove(to: .pendingRequester))
    #expect(CaseStatus.resolved.canMove(to: .closed))
    #expect(CaseStatus.closed.canMove(to: .open))
    #expect(!CaseStatus.closed.canMove(to: .resolved))
    #expect(!CaseStatus.open.canMove(to: .new))
    #expect(!CaseStatus.resolved.canMove(to: .pendingRequester))
  }

  @Test("a requester's reply reopens a case waiting on them, resolved or closed")
  func requesterReplyReopens() {
    #expect(CaseStatus.pendingRequester.afterRequesterReply == .open)
    #expect(CaseStatus.resolved.afterRequesterReply == .open)
    #expect(CaseStatus.closed.afterRequesterReply == .open)
    #expect(CaseStatus.new.afterRequesterReply == .new)
  }

  let now = Date(timeIntervalSince1970: 1_790_000_000)

  @Test("every missing field is reported at once, in form order, naming the field")
  func missingFields() {
    let input = NewCaseInput(channel: .web, subject: "  ", description: nil, requesterName: nil, requesterEmail: "")
    #expect(
      throws: CaseworkError.invalid([
        FieldError(field: "requester.name", message: "Enter your name."),
        FieldError(field: "requester.email", message: "Enter an email address."),
        FieldError(field: "subject", message: "Enter a subject."),
        FieldError(field: "description", message: "Enter a description of the problem."),
      ])
    ) {
      try input.validated(now: now)
    }
  }

  @Test("bad email, bad NHS number, future date, long subject and bad tags are named")
  func invalidFields() throws {
    let input = NewCaseInput(
      channel: .api, subject: String(repeating: "x", count: 201), description: "d", requesterName: "A",
      requesterEmail: "not-an-email", nhsNumber: "1234567890", receivedAt: now.addingTimeInterval(3600),
      tags: ["ok", "not ok!"])
    do {
      _ = try input.validated(now: now)
      Issue.record("expected validation to fail")
    } catch {
      guard case .invalid(let errors) = error else { Issue.record("wrong error \(error)"); return }
      #expect(Set(errors.map(\.field)) == ["requester.email", "subject", "requester.nhsNumber", "receivedAt", "tags"])
    }
  }

  @Test("input is trimmed, control characters dropped, email lower-cased, tags normalised")
  func cleaning() throws {
    let input = NewCaseInput(
      channel: .web, subject: "  Hello\u{0000} ", description: "Line 1\r\nLine 2", requesterName: " Ann ",
      requesterEmail: "Ann@Example.COM", nhsNumber: "943 476 5919", tags: ["Login Issue", "login-issue"])
    let valid = try input.validated(now: now)
    #expect(valid.subject == "Hello")
    #expect(valid.description == "Line 1\nLine 2")
    #expect(valid.requester.email == "ann@example.com")
    #expect(valid.requester.nhsNumber?.digits == "9434765919")
    #expect(valid.tags == ["login-issue"])
  }
}
