import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Live chat against abuse (issue #21): transcripts only to the chat's own visitor, within
/// limits; a staff console closed once its user's sign-in ends.
@Suite("Live chat security")
struct ChatSecurityTests {
  let protocolTests = ChatSocketTests()

  func transcriptsTo(_ app: Application, _ address: String) async throws -> Int {
    try await (app.db as! any SQLDatabase).raw("SELECT to_address FROM outbox").all().filter {
      (try? $0.decode(column: "to_address", as: String.self)) == address
    }.count
  }

  @Test(
    "a transcript goes only to the address given in that chat, at most 3 a chat, recorded with the address", arguments: Engine.all
  )
  func transcriptsToTheVisitorOnly(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let visitor = try await protocolTests.startChat(host, email: "ann@example.com")
      try visitor.client.send(["type": "transcript", "email": "victim@example.org"])
      let refused = try await visitor.client.next("error")
      #expect((refused["message"] as? String ?? "").contains("only go to the address given in this chat"))
      #expect(try await transcriptsTo(app, "victim@example.org") == 0)

      for _ in 0..<3 {
        try visitor.client.send(["type": "transcript", "email": "ANN@example.com"])
        #expect(try await visitor.client.next("transcript")["email"] as? String == "ANN@example.com")
      }
      try visitor.client.send(["type": "transcript"])
      #expect((try await visitor.client.next("error")["message"] as? String ?? "").contains("3 times"))
      #expect(try await transcriptsTo(app, "ANN@example.com") == 3)

      // A chat begun without an address takes the first one asked for, and only that one.
      let anonymous = try await protocolTests.startChat(host)
      try anonymous.client.send(["type": "transcript", "email": "bob@example.com"])
      #expect(try await anonymous.client.next("transcript")["email"] as? String == "bob@example.com")
      try anonymous.client.send(["type": "transcript", "email": "victim@example.org"])
      #expect(try await anonymous.client.next("error")["code"] as? String == "invalid")
      #expect(try await transcriptsTo(app, "victim@example.org") == 0)

      let chatID = try #require(UUID(uuidString: anonymous.chatID))
      let caseID = try #require(try await app.casework.chat.store.chat(id: chatID)?.caseID)
      let audit = try await app.casework.cases.auditTrail(of: caseID)
      #expect(audit.contains { $0.field == "transcript" && $0.after == "emailed to bob@example.com" })
    }
  }

  @Test("an address receives at most 10 transcripts a day, across chats")
  func transcriptsPerAddress() async throws {
    try await withRunningApp(.sqlite) { app, host in
      for chat in 0..<4 {
        let visitor = try await protocolTests.startChat(host, body: "Chat \(chat)", email: "ann@example.com")
        for attempt in 0..<3 {
          try visitor.client.send(["type": "transcript"])
          if chat * 3 + attempt < TranscriptLimits.perAddressPerDay {
            #expect(try await visitor.client.next("transcript")["email"] as? String == "ann@example.com")
          } else {
            #expect((try await visitor.client.next("error")["message"] as? String ?? "").contains("today"))
          }
        }
      }
      #expect(try await transcriptsTo(app, "ann@example.com") == TranscriptLimits.perAddressPerDay)
    }
  }

  @Test("a deactivated user's open chat console is closed within seconds and can send nothing", arguments: Engine.all)
  func deactivatedConsoleCloses(engine: Engine) async throws {
    let config = testConfig { $0.staffSocketRecheckSeconds = 0.2 }
    try await withRunningApp(engine, config: config) { app, host in
      let (agent, user) = try await protocolTests.agent(app, host)
      let visitor = try await protocolTests.startChat(host)
      var deactivated = user
      deactivated.active = false
      try await app.casework.staff.update(deactivated)
      try agent.send(["type": "accept", "chatId": visitor.chatID])
      let deadline = ContinuousClock.now + .seconds(10)
      while !agent.isClosed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
      #expect(agent.isClosed)
      let chatID = try #require(UUID(uuidString: visitor.chatID))
      #expect(try await app.casework.chat.store.chat(id: chatID)?.state == .waiting)
    }
  }
}
