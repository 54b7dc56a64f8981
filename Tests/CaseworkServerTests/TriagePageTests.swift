import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The triage queue page")
struct TriagePageTests {
  @Test("reports wait oldest first; a decision without a reason is refused; an empty queue says so", arguments: Engine.all)
  func queue(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      let report = try await app.casework.cases.open(
        NewCaseInput(
          channel: .email, subject: "Incident: app down", description: "Down.", requesterName: "P",
          requesterEmail: "p@example.com",
          tags: [CaseService.possibleIncidentTag]), by: .system)
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      var page = try await client.get("/staff/triage")
      #expect(page.status == .ok)
      #expect(page.html.contains(report.record.reference.description))
      let id = report.record.id.uuidString.lowercased()
      let refused = try await client.post("/staff/triage/\(id)", [("decision", "not_an_incident"), ("reason", "")])
      #expect(refused.status == .unprocessableEntity)
      #expect(refused.html.contains("Say why this is not an incident."))
      #expect(
        try await client.post("/staff/triage/\(id)", [("decision", "not_an_incident"), ("reason", "Test")]).status == .seeOther)
      page = try await client.get("/staff/triage")
      #expect(page.status == .ok)
      #expect(page.html.contains("No reports are waiting."), "\(page.html.suffix(800))")
    }
  }
}

@Suite("The triage queue is never cut short")
struct TriageQueuePagingTests {
  @Test("past 200 triaged reports the waiting ones are still listed, a page at a time", arguments: Engine.all)
  func notCutShort(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      func report(_ subject: String, tags: [String]) async throws -> Case {
        try await app.casework.cases.open(
          NewCaseInput(
            channel: .email, subject: subject, description: "Down.", requesterName: "P", requesterEmail: "p@example.com",
            tags: tags), by: .system
        ).record
      }
      for index in 0..<201 {
        _ = try await report("Already triaged \(index)", tags: [CaseService.possibleIncidentTag, CaseService.triagedTag])
      }
      let first = try await report("Waiting one", tags: [CaseService.possibleIncidentTag])
      let second = try await report("Waiting two", tags: [CaseService.possibleIncidentTag])

      let page = try await app.casework.cases.triageQueue(limit: 1)
      #expect(page.total == 2)
      #expect(page.reports.map(\.record.id) == [first.id])
      #expect(page.hasMore)
      #expect(try await app.casework.cases.triageQueue(limit: 1, offset: 1).reports.map(\.record.id) == [second.id])

      let client = try FormClient(app)
      try await client.signIn(staff.email)
      let html = try await client.get("/staff/triage").html
      #expect(html.contains(first.reference.description) && html.contains(second.reference.description))
      #expect(html.contains("Showing 1 to 2 of 2 waiting."))

      let (_, token) = try await app.makeToken()
      try await app.testing().test(.GET, "/api/v1/triage?limit=1", headers: ["Authorization": "Bearer \(token)"]) {
        response async in
        #expect(response.status == .ok)
        #expect(response.body.string.contains("\"total\":2"))
        #expect(response.body.string.contains("\"nextOffset\":1"))
        #expect(response.body.string.contains(first.reference.description))
      }
      try await app.testing().test(.GET, "/api/v1/triage?limit=0", headers: ["Authorization": "Bearer \(token)"]) {
        response async in
        #expect(response.status == .unprocessableEntity)
      }
    }
  }
}

@Suite("Triage that informs")
struct TriageInformsTests {
  @Test(
    "each report shows what was written and answered; levels have no default; the severity and its targets show before declaring")
  func informs() async throws {
    try await withApp(.sqlite) { app in
      let staff = try await app.makeStaff()
      let report = try await app.casework.cases.open(
        NewCaseInput(
          channel: .web, subject: "Incident report: repeat prescriptions",
          description: "Nothing sends since 9am. Patient 943 476 5919 missed a dose.\n\nPatient safety could be affected: yes",
          requesterName: "Dr Rao", requesterEmail: "rao@nhs.net", organisation: "Riverside Surgery",
          tags: [CaseService.possibleIncidentTag, "patient-safety", "personal-data"]), by: .requester)
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      let id = report.record.id.lowercaseString
      var page = try await client.get("/staff/triage").html
      #expect(page.contains("Nothing sends since 9am. Patient *** *** 5919 missed a dose."))
      #expect(!page.contains("943 476 5919"))
      #expect(page.contains("Dr Rao, Riverside Surgery"))
      #expect(page.contains("Patient safety could be affected"))
      #expect(page.contains("Personal data involved"))
      // Nothing chosen until someone chooses.
      #expect(page.contains("<option value=\"\" selected>Choose…</option>"))
      #expect(!page.contains("<option value=\"1\" selected>"))

      // A hurried Declare is refused in words, keeping what was chosen.
      let hurried = try await client.post(
        "/staff/triage/\(id)", [("decision", "declare"), ("subject", "Prescriptions down"), ("impact", ""), ("urgency", "")])
      #expect(hurried.status == .unprocessableEntity)
      #expect(hurried.html.contains("Choose the impact: how widely it affects people."))
      #expect(hurried.html.contains("href=\"#impact-\(id)\""))
      #expect(!hurried.html.contains("must be a level"))
      #expect(try await app.casework.cases.list(CaseQuery(kind: .incident, includeTotal: true)).total == 0)

      // Check the severity: the matrix's answer and the policy's targets, the choices kept.
      page = try await client.post(
        "/staff/triage/\(id)",
        [("decision", "declare"), ("subject", "Prescriptions down"), ("impact", "2"), ("urgency", "2"), ("check", "yes")]
      ).html
      #expect(page.contains("Severity 2: resolve within 8 hours round the clock; a public update every 2 hours round the clock."))
      #expect(page.contains("<option value=\"2\" selected>2:"))
      #expect(page.contains("value=\"declare\" checked"))
      #expect(try await app.casework.cases.list(CaseQuery(kind: .incident, includeTotal: true)).total == 0)

      let declared = try await client.post(
        "/staff/triage/\(id)", [("decision", "declare"), ("subject", "Prescriptions down"), ("impact", "2"), ("urgency", "2")])
      #expect(declared.status == .seeOther)
      let incident = try #require(try await app.casework.cases.list(CaseQuery(kind: .incident)).cases.first)
      #expect(try await app.casework.cases.incident(incident.id).incident.severity == 2)
    }
  }
}

@Suite("The incident page's working group form")
struct IncidentPageGroupTests {
  @Test("add a person and a whole staff role from the incident page")
  func addFromPage() async throws {
    try await withApp(.sqlite) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      _ = try await app.makeStaff("cso@casework.test", role: .clinicalSafetyOfficer)
      let incident = try await app.casework.cases.declareIncident(
        subject: "Outage", impact: .three, urgency: .three, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(manager.id))
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      let path = "/staff/cases/\(incident.record.id.uuidString.lowercased())/incident"
      #expect(try await client.get(path).html.contains("Nobody yet."))
      #expect(
        try await client.post("\(path)/members", [("person", manager.id.uuidString.lowercased()), ("role", "incident_lead")])
          .status
          == .seeOther)
      #expect(
        try await client.post("\(path)/members", [("person", "role:clinical_safety_officer"), ("role", "clinical_lead")]).status
          == .seeOther)
      let page = try await client.get(path).html
      #expect(page.contains("Ian, incident lead"))
      #expect(page.contains("Cso, clinical lead"))
      let empty = try await client.post("\(path)/members", [("person", "role:admin"), ("role", "engineer")])
      #expect(empty.status == .unprocessableEntity, "no active admins besides none created")
    }
  }
}

@Suite("The incident page's safety, breach and closing forms")
struct IncidentPageFormsTests {
  @Test(
    "flag patient safety, record the clinical review, flag and decide a breach, resolve and close with a review",
    arguments: Engine.all)
  func forms(engine: Engine) async throws {
    try await withApp(engine) { app in
      let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
      let cso = try await app.makeStaff("cso@casework.test", role: .clinicalSafetyOfficer)
      let incident = try await app.casework.cases.declareIncident(
        subject: "Results delayed", impact: .two, urgency: .three, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .staff(manager.id))
      let path = "/staff/cases/\(incident.record.id.uuidString.lowercased())/incident"
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      #expect(try await client.post("\(path)/patient-safety", []).status == .seeOther)
      #expect(try await client.get(path).html.contains("waiting for the clinical safety officer"))
      #expect(
        try await client.post("\(path)/clinical-review", [("hazard", "x"), ("likelihood", "low"), ("consequence", "major")])
          .status == .forbidden)
      let officer = try FormClient(app)
      try await officer.signIn(cso.email)
      #expect(
        try await officer.post(
          "\(path)/clinical-review",
          [("hazard", "Delayed results"), ("likelihood", "low"), ("consequence", "major"), ("hazard_log_updated", "yes")]
        ).status == .seeOther)
      #expect(try await client.get(path).html.contains("Delayed results: low likelihood, major consequence; hazard log updated"))

      #expect(
        try await client.post("\(path)/breach", [("aware_date", "2026-11-21"), ("aware_time", "09:30")]).status == .seeOther)
      let clock = try #require(
        try await app.casework.cases.deadlines(of: incident.record.id).first { $0.name == "breach_report" })
      #expect(clock.dueAt == LocalDate("2026-11-24")!.instant(hour: 9, minute: 30))
      let noReference = try await client.post("\(path)/breach-decision", [("decision", "reported"), ("reference", "")])
      #expect(noReference.status == .unprocessableEntity)
      #expect(
        try await client.post("\(path)/breach-decision", [("decision", "reported"), ("reference", "DSPT-123")]).status
          == .seeOther)
      #expect(try await client.get(path).html.contains("Reported to the ICO (DSPT DSPT-123)"))

      #expect(try await client.post("\(path)/resolve", [("summary", "Queue drained.")]).status == .seeOther)
      let incomplete = try await client.post("\(path)/close", [("what_happened", "x"), ("cause", ""), ("action_due", "")])
      #expect(incomplete.status == .unprocessableEntity)
      #expect(incomplete.html.contains("Say what caused it."))
      #expect(
        try await client.post(
          "\(path)/close",
          [
            ("what_happened", "Results queue stalled."), ("cause", "A full disk"), ("contributing_factors", ""),
            ("action_description", "Alert on disk"), ("action_owner", "Platform"), ("action_due", "2026-12-04"),
          ]
        ).status == .seeOther)
      #expect(try await app.casework.cases.find(incident.record.reference.description)?.status == .closed)
    }
  }
}
