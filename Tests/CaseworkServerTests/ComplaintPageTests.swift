import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The Make a complaint page")
struct ComplaintPageTests {
  let validForm = [
    ("subject", "Appointment cancelled without notice"), ("description", "My appointment was cancelled and nobody told me."),
    ("incident_date_day", "2"), ("incident_date_month", "11"), ("incident_date_year", "2026"),
    ("discovered_date_day", ""), ("discovered_date_month", ""), ("discovered_date_year", ""), ("desired_outcome", "An apology."),
    ("name", "Ann Example"), ("email", "ann@example.com"), ("phone", ""),
  ]

  @Test("the policy is explained in plain words, with the safety net, before the form")
  func explainsPolicy() async throws {
    try await withApp(.sqlite) { app in
      let page = try await FormClient(app).get("/complaint")
      #expect(page.status == .ok)
      let html = page.html
      let firstField = try #require(html.range(of: "<label for=\"subject\">"))
      for words in [
        "For medical queries contact your GP practice", "within 6 months of the problem happening",
        "acknowledge it in writing within 3 working days", "within 10 working days of that acknowledgement",
        "7 days after we close your complaint", "03444 111 444",
      ] {
        let found = try #require(html.range(of: words), "\(words)")
        #expect(found.lowerBound < firstField.lowerBound, "\(words) comes before the form")
      }
      for id in ["subject", "description", "incident_date", "discovered_date", "desired_outcome", "name", "email", "phone"] {
        #expect(html.contains("<label for=\"\(id)\""), "label for \(id)")
      }
      #expect(html.contains("name=\"csrf_token\""))
    }
  }

  @Test("a complaint sent from the page opens CMP-… with its dates and a private link", arguments: Engine.all)
  func submit(engine: Engine) async throws {
    try await withApp(engine) { app in
      let client = try FormClient(app)
      try await client.get("/complaint")
      let (posted, confirmation) = try await client.submit("/complaint", validForm)
      #expect(posted.status == .seeOther)
      #expect(confirmation.html.contains("CMP-2026-000001"))
      #expect(confirmation.html.contains("within 3 working days"))
      let record = try #require(try await app.casework.cases.find("CMP-2026-000001"))
      let complaint = try await app.casework.cases.complaint(record.id).complaint
      #expect(complaint.dates.incident == LocalDate("2026-11-02"))
      #expect(complaint.desiredOutcome == "An apology.")
      #expect(complaint.eligibility.eligible == true)
      let link = try #require(extract(confirmation.html, after: "id=\"private-link\" href=\"", before: "\""))
      #expect(try await client.get(link).html.contains("My appointment was cancelled"))
      // A receipt goes at once: reference, what happens next, the acknowledgement date, the link.
      let emails = try await app.outboxEmails(of: record.id)
      #expect(emails.count == 1)
      let receipt = try #require(emails.first)
      #expect(receipt.to == "ann@example.com")
      #expect(receipt.subject.contains("CMP-2026-000001"))
      #expect(receipt.body.contains("We have received it and its reference is CMP-2026-000001"))
      #expect(receipt.body.contains("within 3 working days"))
      let due = try #require(
        try await app.casework.cases.deadlines(of: record.id).first { $0.name == "acknowledge" }?.dueAt)
      #expect(receipt.body.contains(LocalDate(due).weekdayName + " " + LocalDate(due).longText))
      #expect(receipt.body.contains(link))
    }
  }

  @Test("bad dates and missing fields are named on the form, and what was typed is kept")
  func errors() async throws {
    try await withApp(.sqlite) { app in
      let client = try FormClient(app)
      try await client.get("/complaint")
      var form = validForm.filter { $0.0 != "name" && !$0.0.hasPrefix("discovered_date") }
      form += [("discovered_date_day", "1"), ("discovered_date_month", "10"), ("discovered_date_year", "2026")]
      let page = try await client.post("/complaint", form)
      #expect(page.status == .unprocessableEntity)
      #expect(page.html.contains("The date you found out cannot be before the date it happened."))
      #expect(page.html.contains("href=\"#discovered_date\""))
      // The summary follows the page: the dates come before the name, as on the form.
      let dateError = try #require(page.html.range(of: "href=\"#discovered_date\""))
      let nameError = try #require(page.html.range(of: "href=\"#name\""))
      #expect(dateError.lowerBound < nameError.lowerBound)
      #expect(page.html.contains("My appointment was cancelled and nobody told me."))
      let wrongDate = try await client.post("/complaint", validForm.map { $0.0 == "incident_date_day" ? ($0.0, "31") : $0 })
      #expect(wrongDate.status == .unprocessableEntity)
      #expect(wrongDate.html.contains("Enter the date when it happened as a real date, for example 27 3 2026."))
      // What was typed stays in the three fields.
      #expect(
        wrongDate.html.contains(
          "name=\"incident_date_day\" type=\"text\" inputmode=\"numeric\" maxlength=\"2\" size=\"2\" value=\"31\""))
      let partial = try await client.post(
        "/complaint", validForm.map { $0.0 == "incident_date_month" ? ($0.0, "") : $0 })
      #expect(partial.html.contains("The date when it happened must include a month."))
      #expect(!partial.html.contains("type=\"date\""))
      #expect(try await app.casework.cases.list(CaseQuery(includeTotal: true)).total == 0)
    }
  }
}
