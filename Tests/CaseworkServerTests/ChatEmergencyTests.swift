import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

extension ChatSocketTests {
  @Test("an emergency in a chat: its lines are marked for the agent and the visitor, and it goes to the top of the queue")
  func emergencyFirst() async throws {
    try await withRunningApp(.sqlite) { app, host in
      let (agent, _) = try await agent(app, host)
      let ordinary = try await startChat(host, body: "The app will not load my appointments")
      _ = try await agent.next("panel") { (($0["queue"] as? [[String: Any]]) ?? []).count == 1 }
      let urgent = try await startChat(host, body: "My dad has chest pain and I can't get the app to open")
      // The agent: the visitor's words marked, and the chat first in the queue though it came second.
      let line = try await agent.next("message") {
        $0.line["author"] as? String == "visitor" && ($0.line["body"] as? String)?.contains("chest pain") == true
      }
      #expect(line.line["emergency"] as? Bool == true)
      let panel = try await agent.next("panel") {
        (($0["queue"] as? [[String: Any]]) ?? []).count == 2
          && (($0["queue"] as? [[String: Any]]) ?? []).allSatisfy {
            $0["reference"] != nil
          }
      }
      let queue = try #require(panel["queue"] as? [[String: Any]])
      #expect(
        queue.first?["chatId"] as? String == urgent.chatID.lowercased() || queue.first?["chatId"] as? String == urgent.chatID)
      #expect(queue.first?["emergency"] as? Bool == true)
      #expect(queue.last?["emergency"] == nil)
      // The visitor: the 999 line stands apart from ordinary system lines.
      let said = try await urgent.client.next("message") { $0.line["author"] as? String == "system" }
      #expect((said.line["body"] as? String)?.contains("call 999 now") == true)
      #expect(said.line["emergency"] as? Bool == true)
      let plain = try await ordinary.client.next("message") { $0.line["author"] as? String == "system" }
      #expect(plain.line["emergency"] == nil)
      await agent.close()
      await urgent.client.close()
      await ordinary.client.close()
    }
  }
}
