import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor

/// What happens to a chat around the conversation: hours, intake, screening, staff actions,
/// the transcript, and a restart.
@Suite("Live chat lifecycle")
struct ChatLifecycleTests {
  let protocolTests = ChatSocketTests()

  @Test("out of hours: the message is kept, the visitor told when we open, and the chat queued first", arguments: Engine.all)
  func outOfHours(engine: Engine) async throws {
    // Friday 20 November 2026, 20:30 in London: closed until Saturday 09:00.
    let clock = SteppingWallClock(start: LocalDate("2026-11-20")!.instant(hour: 20, minute: 30))
    try await withRunningApp(engine, clock: clock) { app, host in
      let early = try await protocolTests.startChat(host, body: "Sent on Friday night")
      let closed = try await early.client.next("message") {
        ($0.line["body"] as? String ?? "").contains("We open again")
      }
      #expect(
        closed.line["body"] as? String
          == "Live chat is closed at the moment. We open again at 09:00 on Saturday. Your message is saved and we will answer it then."
      )
      // Saturday 09:05: open, and a new chat joins the queue behind Friday's.
      clock.advance(by: 12 * 3600 + 35 * 60)
      let later = try await protocolTests.startChat(host, body: "Sent on Saturday morning")
      try await later.client.next("message") { $0.line["author"] as? String == "system" }
      let queue = try await app.casework.chat.store.openChats()
      #expect(queue.map { $0.id.uuidString } == [early.chatID, later.chatID].map { $0.uppercased() })
      #expect(queue.map(\.outOfHours) == [true, false])
      let earlyCaseID = try #require(queue[0].caseID)
      let earlyCase = try #require(try await app.casework.cases.find(id: earlyCaseID))
      #expect(earlyCase.tags.contains(ChatService.outOfHoursTag))
      #expect(earlyCase.receivedAt == queue[0].createdAt)
      let laterLines = try await later.client.collect("message", for: 0.3)
      #expect(!laterLines.contains { ($0.line["body"] as? String ?? "").contains("We open again") })
      await early.client.close()
      await later.client.close()
    }
  }

  @Test("while intake is stopped the chat says so and no new chat is opened", arguments: Engine.all)
  func intakeStopped(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      try await app.casework.intake.set(
        IntakeState(isOpen: false, message: "We are not taking new tickets during an outage.", changedAt: Date()))
      let visitor = try await ChatClient.connect("ws://\(host)/chat/socket")
      try visitor.send(["type": "hello"])
      let welcome = try await visitor.next("welcome")
      let intake = try #require(welcome["intake"] as? [String: Any])
      #expect(intake["open"] as? Bool == false)
      #expect(intake["message"] as? String == "We are not taking new tickets during an outage.")
      try visitor.send(["type": "send", "clientId": "x", "body": "Is the app down?"])
      let refused = try await visitor.next("error")
      #expect(refused["code"] as? String == "intake_stopped")
      #expect(refused["clientId"] as? String == "x")
      #expect(try await app.casework.chat.store.openChats().isEmpty)
      await visitor.close()
    }
  }

  @Test("screening on every line: emergency wording gets 999 first in the chat and makes the case urgent", arguments: Engine.all)
  func screening(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let visitor = try await protocolTests.startChat(host)
      try await visitor.client.next("message") { $0.line["author"] as? String == "system" }
      try visitor.client.send(["type": "send", "clientId": "2", "body": "Also my dad has chest pain right now"])
      let signposting = try await visitor.client.next("message") {
        $0.line["author"] as? String == "system" && ($0.line["body"] as? String ?? "").contains("999")
      }
      #expect((signposting.line["body"] as? String ?? "").hasPrefix("If you or someone else needs urgent help, call 999 now."))
      let chat = try #require(try await app.casework.chat.store.chat(id: UUID(uuidString: visitor.chatID)!))
      let caseID = try #require(chat.caseID)
      let record = try #require(try await app.casework.cases.find(id: caseID))
      #expect(record.emergencyFlag)
      #expect(record.priority == .urgent)
      await visitor.client.close()
    }
  }

  @Test(
    "staff actions: transfer, mark as an incident report for triage, end; the visitor's transcript by email; a complaint raised from the chat",
    arguments: Engine.all)
  func staffActions(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let (agent, _) = try await protocolTests.agent(app, host)
      let colleague = try await app.makeStaff("sam@casework.test")
      let visitor = try await protocolTests.startChat(host, email: "ann@example.com")
      try await visitor.client.next("message") { $0.line["author"] as? String == "system" }
      let chatID = UUID(uuidString: visitor.chatID)!
      try agent.send(["type": "accept", "chatId": visitor.chatID])
      try await visitor.client.next("state") { $0["state"] as? String == "active" }

      try agent.send(["type": "transfer", "chatId": visitor.chatID, "to": colleague.id.uuidString])
      let handed = try await visitor.client.next("message") { ($0.line["body"] as? String ?? "").contains("now talking") }
      #expect(handed.line["body"] as? String == "You are now talking to Sam.")
      let caseID = try #require(try await app.casework.chat.store.chat(id: chatID)?.caseID)
      #expect(try await app.casework.cases.find(id: caseID)?.assigneeID == colleague.id)

      try agent.send(["type": "incident", "chatId": visitor.chatID])
      try await agent.next("message") { ($0.line["body"] as? String ?? "").contains("possible incident") }
      var triage = CaseQuery()
      triage.tag = CaseService.possibleIncidentTag
      #expect(try await app.casework.cases.list(triage).cases.map(\.id) == [caseID])

      try visitor.client.send(["type": "transcript"])
      #expect(try await visitor.client.next("transcript")["email"] as? String == "ann@example.com")
      let outbox = try await (app.db as! any SQLDatabase).raw("SELECT to_address, body FROM outbox").all()
      let transcript = try #require(outbox.first { (try? $0.decode(column: "to_address", as: String.self)) == "ann@example.com" })
      let body = try transcript.decode(column: "body", as: String.self)
      #expect(body.contains("The app will not load my appointments"))
      #expect(body.contains("You are now talking to Sam."))
      #expect(!body.contains("possible incident"), "staff notes stay out of the transcript")

      try agent.send(["type": "end", "chatId": visitor.chatID])
      try await visitor.client.next("state") { $0["state"] as? String == "ended" }
      try visitor.client.send(["type": "send", "clientId": "late", "body": "One more thing"])
      #expect(try await visitor.client.next("error")["code"] as? String == "ended")

      // The case page links back to the chat in the console.
      let console = try FormClient(app)
      _ = try await console.signIn("sam@casework.test")
      let casePage = try await console.get("/staff/cases/\(caseID.uuidString.lowercased())")
      #expect(casePage.html.contains("href=\"/staff/chat?chat=\(chatID.uuidString)\" id=\"chat-link\""))

      let complaint = try await app.casework.cases.raiseComplaint(
        from: caseID, complaint: ComplaintInput(incidentDate: LocalDate(testStart)), by: .staff(colleague.id))
      #expect(complaint.record.kind == .complaint)
      #expect(try await app.casework.cases.links(of: caseID).contains { $0.id == complaint.record.id })
      await visitor.client.close()
      await agent.close()
    }
  }

  @Test("a restart loses nothing: the visitor reconnects to the new process and the conversation continues")
  func restart() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casework-chat-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = StoreConfiguration.sqliteFile(path: directory.appendingPathComponent("casework.sqlite").path)
    func run<T>(_ body: (Application, String) async throws -> T) async throws -> T {
      let app = try await Application.make(.testing)
      do {
        try await CaseworkApp.configure(app, config: testConfig(), store: store, clock: SteppingWallClock(start: testStart))
        try await app.autoMigrate()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let result = try await body(app, "127.0.0.1:\(port)")
        await CaseworkApp.closeChatConnections(app)
        await app.server.shutdown()
        try await app.asyncShutdown()
        return result
      } catch {
        await CaseworkApp.closeChatConnections(app)
        await app.server.shutdown()
        try? await app.asyncShutdown()
        throw error
      }
    }
    let (token, lastSeq) = try await run { _, host in
      let visitor = try await protocolTests.startChat(host)
      let greeting = try await visitor.client.next("message") { $0.line["author"] as? String == "system" }
      await visitor.client.close()
      return (visitor.token, try #require(greeting.line["seq"] as? Int))
    }
    try await run { app, host in
      let back = try await ChatClient.connect("ws://\(host)/chat/socket")
      try back.send(["type": "hello", "token": token, "lastSeq": 0])
      let welcome = try await back.next("welcome")
      #expect(welcome["lastSeq"] as? Int == lastSeq)
      #expect(try await back.next("message").line["body"] as? String == "The app will not load my appointments")
      try back.send(["type": "send", "clientId": "after-restart", "body": "Still here"])
      #expect(try await back.next("received")["seq"] as? Int == lastSeq + 1)
      await back.close()
    }
  }
}
