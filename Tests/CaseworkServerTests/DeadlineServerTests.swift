import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Deadlines in the server: API, monitor, recomputation and console")
struct DeadlineServerTests {
  func local(_ date: String, _ hour: Int = 0, _ minute: Int = 0) -> Date {
    LocalDate(date)!.instant(hour: hour, minute: minute)
  }

  @Test(
    "the API shows deadlines with London offsets; receivedAt starts the clock; a passed target reads as breached",
    arguments: Engine.all)
  func api(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      let body: [String: Any] = [
        "kind": "complaint", "subject": "Rude reply", "description": "I was spoken to rudely",
        "receivedAt": "2026-10-20T09:00:00Z",
        "requester": ["name": "Ann Example", "email": "ann@example.com"],
      ]
      var id = ""
      try await app.testing().test(.POST, "/api/v1/cases", headers: .bearer(token), body: try jsonBody(body)) { response in
        #expect(response.status == .created)
        let object = try json(response)
        id = object["id"] as? String ?? ""
        let deadlines = try #require(object["deadlines"] as? [[String: Any]])
        #expect(deadlines.count == 1)
        let acknowledge = deadlines[0]
        #expect(acknowledge["name"] as? String == "acknowledge")
        #expect(acknowledge["clock"] as? String == "working_days")
        #expect(acknowledge["length"] as? String == "3 working days")
        #expect(acknowledge["startAt"] as? String == "2026-10-20T10:00:00+01:00")
        #expect(acknowledge["dueAt"] as? String == "2026-10-23T23:59:59+01:00")
        #expect(acknowledge["state"] as? String == "breached")
        #expect(acknowledge["pausedFor"] as? String == "PT0S")
        #expect((acknowledge["timeLeft"] as? String)?.hasPrefix("breached 28 days ago") == true)
        #expect(acknowledge["extensions"] as? [Any] != nil)
      }
      let list = try json(try await app.testing().sendRequest(.GET, "/api/v1/cases", headers: .bearer(token)))
      let listed = try #require((list["data"] as? [[String: Any]])?.first)
      #expect((listed["deadlines"] as? [[String: Any]])?.first?["name"] as? String == "acknowledge")
      let shown = try json(try await app.testing().sendRequest(.GET, "/api/v1/cases/\(id)", headers: .bearer(token)))
      #expect((shown["deadlines"] as? [[String: Any]])?.first?["dueAt"] as? String == "2026-10-23T23:59:59+01:00")
    }
  }

  @Test("the monitor warns at 75% and reports the breach once each, however many sweeps run at once", arguments: Engine.all)
  func monitor(engine: Engine) async throws {
    let clock = SteppingWallClock(start: testStart)  // Saturday 21 Nov 2026 10:00
    try await withApp(engine, clock: clock) { app in
      let agent = try await app.makeStaff()
      let manager = try await app.makeStaff("grace@casework.test", role: .supportManager)
      let opened = try await app.openCase()
      try await app.casework.cases.update(opened.record.id, with: CaseUpdate(assignee: .some(agent.id)), by: .system)
      let monitor = app.casework.deadlines
      let notifications = app.casework.notifications

      #expect(try await monitor.sweep() == 0)
      // first_response: 2 working days from Saturday, so Mon and Tue; warned at 75% (Tue 12:00).
      clock.advance(by: local("2026-11-24", 13).timeIntervalSince(testStart))
      async let first = monitor.sweep()
      async let second = monitor.sweep()
      #expect(try await first + second == 1)
      #expect(try await notifications.unreadCount(for: agent.id) == 1)
      #expect(try await notifications.unreadCount(for: manager.id) == 1)
      let warning = try #require(try await notifications.notifications(for: agent.id, limit: 10).first)
      #expect(warning.kind == .deadlineWarning)
      #expect(warning.message.contains("SR-2026-000001"))
      #expect(warning.message.contains("first response"))

      clock.advance(by: 86_400)  // Wednesday 13:00: the target (Tuesday 23:59:59) has passed.
      async let third = monitor.sweep()
      async let fourth = monitor.sweep()
      #expect(try await third + fourth == 1)
      #expect(try await monitor.sweep() == 0)
      let all = try await notifications.notifications(for: agent.id, limit: 10)
      #expect(all.map(\.kind) == [.deadlineBreach, .deadlineWarning])
      #expect(all[0].message.contains("missed"))
      let stored = try await app.casework.cases.deadlines(of: opened.record.id)
      #expect(stored.first?.state == .breached)
      let audit = try await app.casework.cases.auditTrail(of: opened.record.id)
      #expect(audit.contains { $0.field == "deadline.first_response" && $0.after == "breached" })
      // The same announcements went to the outbox as email, one per person per announcement.
      let outbox = SQLOutbox(
        handle: DatabaseHandle(databases: app.databases, eventLoopGroup: app.eventLoopGroup, logger: app.logger))
      let emails = try await outbox.entries(of: opened.record.id).map(\.subject)
      #expect(emails.filter { $0 == "Deadline close: SR-2026-000001" }.count == 2)
      #expect(emails.filter { $0 == "Deadline missed: SR-2026-000001" }.count == 2)
      try await notifications.markAllRead(for: agent.id, at: clock.now())
      #expect(try await notifications.unreadCount(for: agent.id) == 0)
      #expect(try await notifications.unreadCount(for: manager.id) == 2)
    }
  }

  @Test("a policy change and a calendar import recompute open deadlines from the same start", arguments: Engine.all)
  func recompute(engine: Engine) async throws {
    try await withApp(engine) { app in
      let (_, token) = try await app.makeToken()
      _ = token
      let opened = try await app.casework.cases.open(
        NewCaseInput(
          kind: .complaint, channel: .post, subject: "Letter", description: "A complaint by post", requesterName: "Bea",
          requesterEmail: "bea@example.com", receivedAt: local("2026-11-20", 9)),
        by: .system)
      let repository = app.casework.cases
      let before = try #require(try await repository.deadlines(of: opened.record.id).first)
      #expect(before.dueAt == LocalDate("2026-11-25")!.endOfDay)
      let monitor = app.casework.deadlines

      // The policy now gives 5 working days.
      var rules = DeadlinePolicy.standard.rules
      rules[rules.firstIndex { $0.name == "acknowledge" }!].length = DeadlineLength(5, .workingDays)
      let calendars = app.casework.deadlineEngine.value.calendars
      app.casework.deadlineEngine.replace(
        with: DeadlineEngine(policy: DeadlinePolicy(rules: rules), calendars: calendars), basis: "test")
      #expect(try await monitor.recomputeAll() == 1)
      var after = try #require(try await repository.deadlines(of: opened.record.id).first)
      #expect(after.startAt == before.startAt)
      #expect(after.dueAt == LocalDate("2026-11-27")!.endOfDay)
      #expect(try await repository.find(id: opened.record.id)?.nextDueAt == after.dueAt)

      // A GOV.UK file adding a holiday on Monday 23 Nov 2026 (and keeping other years).
      let file = """
        {"england-and-wales": {"division": "england-and-wales", "events": [
          {"title": "Extra day", "date": "2026-11-23", "notes": "", "bunting": true},
          {"title": "Christmas Day", "date": "2026-12-25", "notes": "", "bunting": true}]}}
        """
      let merged = try await monitor.importHolidays(try BankHolidayFile.parse(Data(file.utf8)))
      #expect(merged.isHoliday(LocalDate("2026-11-23")!))
      #expect(merged.isHoliday(LocalDate("2025-12-25")!))
      #expect(!merged.usesFallback(year: 2027))
      app.casework.deadlineEngine.replace(
        with: DeadlineEngine(policy: DeadlinePolicy(rules: rules), calendars: calendars), basis: "test")
      // refresh rebuilds the engine from the configured policy (the shipped one) and the new calendar.
      #expect(try await monitor.refresh() == 1)
      after = try #require(try await repository.deadlines(of: opened.record.id).first)
      #expect(after.dueAt == LocalDate("2026-11-26")!.endOfDay)
      #expect(try await monitor.refresh() == 0)
    }
  }

  @Test("the console shows deadlines, sorts by urgency, and lets a manager set a new target with a reason", arguments: Engine.all)
  func console(engine: Engine) async throws {
    try await withApp(engine) { app in
      let agent = try await app.makeStaff()
      let manager = try await app.makeStaff("grace@casework.test", role: .supportManager)
      let later = try await app.openCase(subject: "Later case")
      let earlier = try await app.casework.cases.open(
        NewCaseInput(
          channel: .phone, subject: "Phoned in", description: "Called on Tuesday", requesterName: "Cal",
          requesterEmail: "cal@example.com", receivedAt: local("2026-11-17", 11)),
        by: .system)
      let client = try FormClient(app)
      try await client.signIn(agent.email)
      let inbox = try await client.get("/staff/cases?sort=deadline").html
      #expect(inbox.contains("Most urgent deadline"))
      let first = try #require(inbox.range(of: earlier.record.reference.description))
      let second = try #require(inbox.range(of: later.record.reference.description))
      #expect(first.lowerBound < second.lowerBound)
      #expect(inbox.contains("First response: breached"))
      #expect(inbox.contains("First response: 2 working days left"))

      let id = later.record.id.uuidString.lowercased()
      let page = try await client.get("/staff/cases/\(id)").html
      #expect(page.contains("id=\"deadlines-heading\""))
      #expect(page.contains("2 working days left"))
      #expect(!page.contains("Set a new target"))
      let deadline = try #require(try await app.casework.cases.deadlines(of: later.record.id).first)
      let fields = [
        ("deadline", deadline.id.uuidString.lowercased()), ("date", "2026-12-04"), ("time", "17:00"),
        ("reason", "Waiting for the supplier"),
      ]
      #expect(try await client.post("/staff/cases/\(id)/deadlines/extend", fields).status == .forbidden)

      let managerClient = try FormClient(app)
      try await managerClient.signIn(manager.email)
      #expect(try await managerClient.get("/staff/cases/\(id)").html.contains("Set a new target"))
      let missingReason = try await managerClient.post(
        "/staff/cases/\(id)/deadlines/extend", Array(fields.dropLast()) + [("reason", "")])
      #expect(missingReason.status == .unprocessableEntity)
      #expect(missingReason.html.contains("Give the reason"))
      #expect(try await managerClient.post("/staff/cases/\(id)/deadlines/extend", fields).status == .seeOther)
      let after = try await managerClient.get("/staff/cases/\(id)").html
      #expect(after.contains("Waiting for the supplier"))
      #expect(after.contains("Grace"))
      let stored = try #require(try await app.casework.cases.deadlines(of: later.record.id).first)
      #expect(stored.dueAt == local("2026-12-04", 17))
    }
  }

  @Test("notifications appear in the console with an unread count, and can be marked read")
  func notificationsPage() async throws {
    let clock = SteppingWallClock(start: testStart)
    try await withApp(.sqlite, clock: clock) { app in
      let manager = try await app.makeStaff("grace@casework.test", role: .supportManager)
      _ = try await app.openCase(subject: "Slow login")
      let client = try FormClient(app)
      try await client.signIn(manager.email)
      #expect(try await client.get("/staff/notifications").html.contains("No notifications yet"))
      clock.advance(by: 5 * 86_400)
      try await app.casework.deadlines.sweep()
      try await client.signIn(manager.email)  // the earlier sign-in has expired
      let page = try await client.get("/staff/notifications").html
      #expect(page.contains("Notifications (1 unread)"))
      #expect(page.contains("SR-2026-000001: first response was missed"))
      #expect(try await client.post("/staff/notifications/read", []).status == .seeOther)
      let read = try await client.get("/staff/notifications").html
      #expect(!read.contains("unread)"))
      #expect(read.contains("SR-2026-000001"))
    }
  }
}

@Suite("Recomputing incident deadlines")
struct IncidentRecomputeTests {
  @Test("a policy change recomputes an incident's resolve target under its own severity", arguments: Engine.all)
  func incidentRecompute(engine: Engine) async throws {
    try await withApp(engine) { app in
      let incident = try await app.casework.cases.declareIncident(
        subject: "Slow pages", impact: .three, urgency: .three, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .system)
      let repository = app.casework.cases
      let before = try #require(try await repository.deadlines(of: incident.record.id).first { $0.name == "resolve" })
      #expect(before.length.description == "40 hours")
      // The contract now gives severity 3 only 20 supported hours.
      var rules = DeadlinePolicy.standard.rules
      let index = try #require(rules.firstIndex { $0.name == "resolve" && $0.severity == 3 })
      rules[index].length = try #require(DeadlineLength("20 hours"))
      let calendars = app.casework.deadlineEngine.value.calendars
      app.casework.deadlineEngine.replace(
        with: DeadlineEngine(policy: DeadlinePolicy(rules: rules), calendars: calendars), basis: "test")
      _ = try await app.casework.deadlines.recomputeAll()
      let after = try #require(try await repository.deadlines(of: incident.record.id).first { $0.name == "resolve" })
      #expect(after.length.description == "20 hours")
      #expect(after.startAt == before.startAt)
      #expect(try #require(after.dueAt) < (try #require(before.dueAt)))
    }
  }
}
