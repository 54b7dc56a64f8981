import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Complaints in the staff console")
struct StaffComplaintPageTests {
  @Test("a manager raises a complaint from a request and takes it from acknowledgement to closure", arguments: Engine.all)
  func wholeProcess(engine: Engine) async throws {
    try await withApp(engine) { app in
      let manager = try await app.makeStaff("grace@casework.test", role: .supportManager)
      let request = try await app.openCase(subject: "Booking page blank", description: "The booking page stays blank.")
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      let requestPath = "/staff/cases/\(request.record.id.uuidString.lowercased())"
      #expect(try await client.get(requestPath).html.contains("Raise a formal complaint"))
      let raised = try await client.post(
        "\(requestPath)/raise-complaint", [("incident_date", "2026-11-10"), ("discovered_date", "")])
      #expect(raised.status == .seeOther)
      let path = try #require(raised.location)
      let complaint = try #require(try await app.casework.cases.find("CMP-2026-000001"))
      #expect(path == "/staff/cases/\(complaint.id.uuidString.lowercased())/complaint")
      #expect(try await app.casework.cases.links(of: request.record.id).contains { $0.reference == complaint.reference })

      var page = try await client.get(path).html
      #expect(page.contains("In time"))
      #expect(page.contains("Send the acknowledgement"))
      #expect(page.contains("Dear Ann Example,"))
      let printable = try await client.get("\(path)/letters/acknowledgement")
      #expect(printable.status == .ok)
      #expect(printable.html.contains("We have received your complaint"))

      #expect(try await client.post("\(path)/acknowledge", [("body", "Dear Ann, we have your complaint.")]).status == .seeOther)
      #expect(try await client.post("\(path)/move", [("to", "investigating")]).status == .seeOther)
      page = try await client.get(path).html
      #expect(page.contains("Before the final response can be sent"))

      let missingOwner = try await client.post(
        "\(path)/investigation", [("what_happened", "x"), ("action_description", "Fix it"), ("action_due", "2027-01-10")])
      #expect(missingOwner.status == .unprocessableEntity)
      #expect(missingOwner.html.contains("Say who owns the action."))
      let saved = try await client.post(
        "\(path)/investigation",
        [
          ("what_happened", "The page failed to load."), ("what_went_wrong", "A release broke it."), ("apology_given", "yes"),
          ("apology_words", "We are sorry."), ("discussion_offered", "yes"), ("principles[]", "getting_it_right"),
          ("action_description", "Add a release check"), ("action_owner", "Engineering"), ("action_due", "2027-01-10"),
        ])
      #expect(saved.status == .seeOther)
      page = try await client.get(path).html
      #expect(page.contains("Send the final response"))
      #expect(!page.contains("Before the final response can be sent"))
      #expect(page.contains("Add a release check"))
      #expect(try await client.post("\(path)/respond", []).status == .seeOther)
      #expect(try await client.post("\(path)/move", [("to", "closed")]).status == .seeOther)
      let closed = try await app.casework.cases.complaint(complaint.id)
      #expect(closed.complaint.stage == .closed)
      #expect(closed.complaint.investigation.actions.first?.owner == "Engineering")
      let out = try await client.post("\(path)/move", [("to", "investigating")])
      #expect(out.status == .conflict)
      #expect(out.html.contains("It can move to: follow-up sent, reopened, referred to the ombudsman."))
    }
  }

  @Test("only managers decide on out-of-time complaints and delays")
  func managersDecide() async throws {
    try await withApp(.sqlite) { app in
      let specialist = try await app.makeStaff("sam@casework.test", role: .supportSpecialist)
      let manager = try await app.makeStaff("grace@casework.test", role: .supportManager)
      let late = try await app.casework.cases.open(
        NewCaseInput(
          kind: .complaint, channel: .web, subject: "Old problem", description: "It happened long ago.", requesterName: "Ann",
          requesterEmail: "ann@example.com",
          complaint: ComplaintInput(incidentDate: LocalDate("2025-01-10"), discoveredDate: LocalDate("2025-01-10"))),
        by: .requester)
      let path = "/staff/cases/\(late.record.id.uuidString.lowercased())/complaint"
      let client = try FormClient(app)
      try await client.signIn(specialist.email)
      var page = try await client.get(path).html
      #expect(page.contains("Out of time"))
      #expect(!page.contains("Decide on the time limit"))
      #expect(try await client.post("\(path)/time-limit", [("decision", "accept"), ("reason", "Fair")]).status == .forbidden)
      let managerClient = try FormClient(app)
      try await managerClient.signIn(manager.email)
      page = try await managerClient.get(path).html
      #expect(page.contains("Decide on the time limit"))
      let noReason = try await managerClient.post("\(path)/time-limit", [("decision", "accept"), ("reason", "")])
      #expect(noReason.status == .unprocessableEntity)
      #expect(noReason.html.contains("Give the reason for the decision."))
      #expect(
        try await managerClient.post("\(path)/time-limit", [("decision", "accept"), ("reason", "Fair")]).status == .seeOther)
      #expect(try await managerClient.get(path).html.contains("Accepted on"))
    }
  }
}

@Suite("Recording a phone or post complaint")
struct RecordComplaintTests {
  @Test("a posted complaint keeps the day it arrived, starts its clocks then, and needs no email address", arguments: Engine.all)
  func posted(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      #expect(try await client.get("/staff/complaints/new").status == .ok)
      let fields = [
        ("channel", "post"), ("received_date", "2026-11-16"), ("received_time", "10:30"), ("name", "Bob Example"),
        ("email", ""), ("phone", ""), ("subject", "Letter about a missed appointment"),
        ("description", "My appointment was cancelled."), ("incident_date", "2026-11-09"), ("discovered_date", ""),
        ("desired_outcome", ""),
      ]
      let bad = try await client.post("/staff/complaints/new", fields.map { $0.0 == "received_time" ? ($0.0, "25:00") : $0 })
      #expect(bad.status == .unprocessableEntity)
      #expect(bad.html.contains("Enter the time as hours and minutes"))
      // The day it reached us is in day, month and year fields, and kept.
      #expect(
        bad.html.contains(
          "name=\"received_date_day\" type=\"text\" inputmode=\"numeric\" maxlength=\"2\" size=\"2\" value=\"16\""))
      #expect(!bad.html.contains("type=\"date\""))
      let partial = try await client.post(
        "/staff/complaints/new",
        fields.filter { $0.0 != "received_date" } + [
          ("received_date_day", "16"), ("received_date_month", "11"), ("received_date_year", ""),
        ])
      #expect(partial.html.contains("The date the complaint reached us must include a year."))
      #expect(!partial.html.contains("receivedAt"))
      let (recorded, page) = try await client.submit("/staff/complaints/new", fields)
      #expect(recorded.status == .seeOther)
      // Staff see that it was done, and, with no address, are not offered email.
      #expect(page.html.contains("id=\"confirmation\""))
      #expect(page.html.contains("The complaint was recorded."))
      #expect(!page.html.contains("Send the letter by email"))
      #expect(page.html.contains("Record the letter as sent by post"))
      #expect(!(try await client.get(try #require(recorded.location)).html.contains("Send the letter by email")))
      // Sent again with the same form (the back button): the same complaint, not a second.
      let again = try await client.post("/staff/complaints/new", fields)
      #expect(again.location == recorded.location)
      #expect(try await app.casework.cases.list(CaseQuery(kind: .complaint, includeTotal: true)).total == 1)
      let record = try #require(try await app.casework.cases.find("CMP-2026-000001"))
      #expect(record.channel == .post)
      #expect(record.receivedAt == LocalDate("2026-11-16")!.instant(hour: 10, minute: 30))
      let acknowledge = try #require(
        try await app.casework.cases.deadlines(of: record.id).first { $0.name == "acknowledge" })
      #expect(acknowledge.dueAt == LocalDate("2026-11-19")!.endOfDay)
      try await app.casework.cases.acknowledgeComplaint(record.id, by: .staff(staff.id))
      let handle = DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
      #expect(
        try await SQLOutbox(handle: handle).entries(of: record.id).isEmpty, "no address: the letter is printed, not emailed")
    }
  }
}
