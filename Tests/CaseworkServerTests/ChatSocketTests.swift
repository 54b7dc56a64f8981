import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor

/// Runs the real server on a loopback port for WebSocket clients.
func withRunningApp<T>(
  _ engine: Engine, config: AppConfig = testConfig(), clock: any WallClock = SteppingWallClock(start: testStart),
  _ body: (Application, String) async throws -> T
) async throws -> T {
  try await withApp(engine, config: config, clock: clock) { app in
    try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    let port = try #require(app.http.server.shared.localAddress?.port)
    do {
      let result = try await body(app, "127.0.0.1:\(port)")
      await CaseworkApp.closeChatConnections(app)
      await app.server.shutdown()
      return result
    } catch {
      await CaseworkApp.closeChatConnections(app)
      await app.server.shutdown()
      throw error
    }
  }
}

/// The chat protocol over real WebSockets, on both engines.
@Suite("Live chat protocol")
struct ChatSocketTests {
  /// A visitor who has sent a first line, and the token and chat id they were given.
  struct Visitor {
    var client: ChatClient
    var token: String
    var chatID: String
  }

  func startChat(_ host: String, body: String = "The app will not load my appointments", email: String? = nil)
    async throws -> Visitor
  {
    let visitor = try await ChatClient.connect("ws://\(host)/chat/socket")
    try visitor.send(["type": "hello", "lastSeq": 0])
    try await visitor.next("welcome")
    var frame: [String: any Sendable] = ["type": "send", "clientId": "first", "body": body, "name": "Ann Example"]
    if let email { frame["email"] = email }
    try visitor.send(frame)
    let session = try await visitor.next("session")
    let received = try await visitor.next("received")
    #expect(received["seq"] as? Int == 1)
    #expect(received["clientId"] as? String == "first")
    return Visitor(
      client: visitor, token: try #require(session["token"] as? String), chatID: try #require(session["chatId"] as? String))
  }

  func agent(_ app: Application, _ host: String, email: String = "priya@casework.test") async throws -> (ChatClient, StaffUser) {
    let (user, token) = try await app.makeToken(email: email)
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    let client = try await ChatClient.connect("ws://\(host)/staff/chat/socket", headers: headers)
    try client.send(["type": "hello"])
    try await client.next("panel")
    return (client, user)
  }

  @Test(
    "a chat from first line to an agent's reply: stored, acknowledged, delivered both ways, notes kept from the visitor",
    arguments: Engine.all)
  func conversation(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let (agent, user) = try await agent(app, host)
      let visitor = try await startChat(host)
      // The agent sees the line and the reference the system gave, and the queue.
      let first = try await agent.next("message") { $0.line["author"] as? String == "visitor" }
      #expect(first.line["body"] as? String == "The app will not load my appointments")
      let greeting = try await visitor.client.next("message") { $0.line["author"] as? String == "system" }
      let greetingText = try #require(greeting.line["body"] as? String)
      #expect(greetingText.contains("Your reference is SR-2026-"))
      let panel = try await agent.next("panel") { (($0["queue"] as? [[String: Any]]) ?? []).contains { $0["reference"] != nil } }
      let entry = try #require((panel["queue"] as? [[String: Any]])?.first)
      #expect(entry["state"] as? String == "waiting")

      try agent.send(["type": "accept", "chatId": visitor.chatID])
      let joined = try await visitor.client.next("message") { ($0.line["body"] as? String ?? "").contains("has joined") }
      #expect(joined.line["body"] as? String == "Priya from the support team has joined the chat.")
      try await visitor.client.next("state") { $0["state"] as? String == "active" }

      try agent.send(["type": "note", "chatId": visitor.chatID, "clientId": "n1", "body": "Known issue on 4.2"])
      try await agent.next("received") { $0["clientId"] as? String == "n1" }
      try agent.send(["type": "reply", "chatId": visitor.chatID, "clientId": "r1", "body": "Please update to 4.3"])
      let reply = try await visitor.client.next("message") { $0.line["author"] as? String == "agent" }
      #expect(reply.line["body"] as? String == "Please update to 4.3")
      #expect(reply.line["name"] as? String == "Priya")
      // The note never reached the visitor.
      let visitorLines = try await visitor.client.collect("message", for: 0.3)
      #expect(!visitorLines.contains { $0.line["body"] as? String == "Known issue on 4.2" })

      // The case holds the transcript, and is the agent's.
      let chat = try #require(try await app.casework.chat.store.chat(id: UUID(uuidString: visitor.chatID)!))
      let caseID = try #require(chat.caseID)
      // Agents' lines reach the case just after they are delivered.
      var detail = try await app.casework.cases.detail(caseID)
      for _ in 0..<100 where !detail.messages.contains(where: { $0.body == "Please update to 4.3" }) {
        try await Task.sleep(for: .milliseconds(50))
        detail = try await app.casework.cases.detail(caseID)
      }
      #expect(detail.record.channel == .chat)
      #expect(detail.record.assigneeID == user.id)
      #expect(detail.record.status == .open)
      #expect(detail.messages.contains { $0.kind == .inbound && $0.body == "The app will not load my appointments" })
      #expect(detail.messages.contains { $0.kind == .outbound && $0.body == "Please update to 4.3" })
      #expect(detail.messages.contains { $0.kind == .note && $0.body == "Known issue on 4.2" })
      await visitor.client.close()
      await agent.close()
    }
  }

  @Test(
    "a reconnect resumes after the last line seen: nothing missed, nothing twice, a resent line stored once",
    arguments: Engine.all)
  func resume(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let (agent, _) = try await agent(app, host)
      let visitor = try await startChat(host)
      try await visitor.client.next("message") { $0.line["author"] as? String == "system" }
      try agent.send(["type": "accept", "chatId": visitor.chatID])
      let seen = try await visitor.client.next("message") { ($0.line["body"] as? String ?? "").contains("has joined") }
      let lastSeen = try #require(seen.line["seq"] as? Int)
      await visitor.client.close()

      for (index, text) in ["Are you still there?", "Try signing out and in again"].enumerated() {
        try agent.send(["type": "reply", "chatId": visitor.chatID, "clientId": "r\(index)", "body": text])
        try await agent.next("received") { $0["clientId"] as? String == "r\(index)" }
      }
      let back = try await ChatClient.connect("ws://\(host)/chat/socket")
      try back.send(["type": "hello", "token": visitor.token, "lastSeq": lastSeen])
      let welcome = try await back.next("welcome")
      #expect(welcome["chatId"] as? String == visitor.chatID)
      #expect(welcome["reset"] == nil)
      let missed = [try await back.next("message"), try await back.next("message")]
      #expect(missed.map { $0.line["body"] as? String } == ["Are you still there?", "Try signing out and in again"])
      #expect(try await back.collect("message", for: 0.3).isEmpty, "nothing else was missed")

      // The visitor's page sends a line whose "received" it never got: stored once.
      try back.send(["type": "send", "clientId": "again", "body": "Signed out and in: works now"])
      let firstTime = try await back.next("received")
      try back.send(["type": "send", "clientId": "again", "body": "Signed out and in: works now"])
      let secondTime = try await back.next("received")
      #expect(firstTime["seq"] as? Int == secondTime["seq"] as? Int)
      let lines = try await app.casework.chat.store.messages(of: UUID(uuidString: visitor.chatID)!, after: 0, limit: 100)
      #expect(lines.filter { $0.body == "Signed out and in: works now" }.count == 1)
      #expect(lines.map(\.seq) == Array(1...lines.count), "sequence numbers have no gaps")
      await back.close()
      await agent.close()
    }
  }

  @Test("bad input: empty, too long, a flood, HTML, a forged sequence number, a forged token", arguments: Engine.all)
  func badInput(engine: Engine) async throws {
    try await withRunningApp(engine) { app, host in
      let visitor = try await startChat(host)
      let client = visitor.client
      try client.send(["type": "send", "clientId": "e", "body": "   \n "])
      #expect(try await client.next("error")["code"] as? String == "empty")
      try client.send(["type": "send", "clientId": "l", "body": String(repeating: "x", count: ChatRules.maxMessage + 1)])
      let long = try await client.next("error")
      #expect(long["code"] as? String == "too_long")
      #expect(long["clientId"] as? String == "l")
      try client.send(["type": "send", "clientId": "h", "body": "<script>alert(1)</script>"])
      try await client.next("received") { $0["clientId"] as? String == "h" }
      // A flood: told to slow down, with how long to wait.
      for index in 0..<20 { try client.send(["type": "send", "clientId": "f\(index)", "body": "again \(index)"]) }
      let slow = try await client.next("error") { $0["code"] as? String == "too_fast" }
      #expect((slow["retryAfter"] as? Int ?? 0) >= 1)
      #expect((slow["message"] as? String ?? "").contains("slow down"))
      // Reconnecting does not give a flooder a fresh allowance.
      await client.close()
      try await Task.sleep(for: .milliseconds(200))
      let reconnected = try await ChatClient.connect("ws://\(host)/chat/socket")
      try reconnected.send(["type": "hello", "token": visitor.token, "lastSeq": 0])
      try await reconnected.next("welcome")
      try reconnected.send(["type": "send", "clientId": "after-reconnect", "body": "and again"])
      #expect(try await reconnected.next("error")["code"] as? String == "too_fast")
      await reconnected.close()
      let chatID = UUID(uuidString: visitor.chatID)!
      let stored = try await app.casework.chat.store.messages(of: chatID, after: 0, limit: 100)
      #expect(!stored.contains { $0.body.isEmpty || $0.body.count > ChatRules.maxMessage })
      #expect(stored.filter { $0.body.hasPrefix("again") }.count < 20)
      #expect(stored.contains { $0.body == "<script>alert(1)</script>" }, "kept as written; pages show it as text")

      // A forged sequence number: refused, and the whole conversation sent again.
      let latest = try #require(try await app.casework.chat.store.chat(id: chatID)).lastSeq
      let forged = try await ChatClient.connect("ws://\(host)/chat/socket")
      try forged.send(["type": "hello", "token": visitor.token, "lastSeq": latest + 50])
      #expect(try await forged.next("error")["code"] as? String == "bad_sequence")
      #expect(try await forged.next("welcome")["reset"] as? Bool == true)
      #expect(try await forged.next("message").line["seq"] as? Int == 1)
      await forged.close()

      // Another visitor cannot read this chat: a made-up token opens nothing and the socket closes.
      let other = try await startChat(host, body: "My own question")
      let intruder = try await ChatClient.connect("ws://\(host)/chat/socket")
      try intruder.send(["type": "hello", "token": String(visitor.token.reversed()), "lastSeq": 0])
      #expect(try await intruder.next("error")["code"] as? String == "forbidden")
      #expect(try await intruder.collect("message", for: 0.3).isEmpty)
      // The other visitor's own token shows only their own chat.
      let otherAgain = try await ChatClient.connect("ws://\(host)/chat/socket")
      try otherAgain.send(["type": "hello", "token": other.token, "lastSeq": 0])
      let theirs = [try await otherAgain.next("message")] + (try await otherAgain.collect("message", for: 0.3))
      #expect(theirs.allSatisfy { $0["chatId"] as? String == other.chatID })
      #expect(!theirs.contains { ($0.line["body"] as? String ?? "").contains("appointments") })
      for connection in [client, intruder, otherAgain, other.client] { await connection.close() }
    }
  }

  @Test("sockets refused: a page of another site, and the console's socket without a sign-in")
  func refusedSockets() async throws {
    try await withRunningApp(.sqlite) { _, host in
      var crossSite = HTTPHeaders()
      crossSite.add(name: .origin, value: "https://evil.example")
      await #expect(throws: (any Error).self) {
        _ = try await ChatClient.connect("ws://\(host)/chat/socket", headers: crossSite)
      }
      await #expect(throws: (any Error).self) {
        _ = try await ChatClient.connect("ws://\(host)/staff/chat/socket")
      }
      var badToken = HTTPHeaders()
      badToken.bearerAuthorization = BearerAuthorization(token: "not-a-token-not-a-token")
      await #expect(throws: (any Error).self) {
        _ = try await ChatClient.connect("ws://\(host)/staff/chat/socket", headers: badToken)
      }
    }
  }
}
