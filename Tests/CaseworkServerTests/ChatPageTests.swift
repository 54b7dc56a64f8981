import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Live chat pages")
struct ChatPageTests {
  @Test("the chat page puts the safety net and the hours first, works without JavaScript by pointing to the form")
  func visitorPage() async throws {
    try await withApp(.sqlite) { app in
      let page = try await (try FormClient(app)).get("/chat")
      #expect(page.status == .ok)
      let html = page.html
      let notice = try #require(html.range(of: "call 999 in an emergency only"))
      let hours = try #require(html.range(of: "Open now until 17:00."))
      let form = try #require(html.range(of: "<form id=\"chat-form\""))
      #expect(notice.lowerBound < hours.lowerBound && hours.lowerBound < form.lowerBound)
      #expect(html.contains("Sunday and bank holidays: 09:00 to 13:00"))
      #expect(html.contains("<noscript>"))
      #expect(html.contains("href=\"/support\""))
      #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
    }
  }

  @Test("the hours listed are the policy's: a live_chat that opens at 07:30 is listed so")
  func hoursFromPolicy() async throws {
    var config = testConfig()
    let early = Timetable(
      name: Timetable.liveChat.name,
      weekdays: Array(repeating: [Timetable.Period("07:30", "20:00")], count: 5) + [[Timetable.Period("09:00", "17:00")], []],
      bankHolidays: [])
    config.policy.timetables = config.policy.timetables.filter { $0.name != early.name } + [early]
    try await withApp(.sqlite, config: config) { app in
      let html = try await (try FormClient(app)).get("/chat").html
      #expect(html.contains("Monday to Friday: 07:30 to 20:00"))
      #expect(html.contains("Saturday: 09:00 to 17:00"))
      #expect(html.contains("Sunday and bank holidays: closed"))
      #expect(!html.contains("08:00 to 20:00"))
    }
  }

  @Test("only the embedded chat page may be framed, only by the listed sites, and the widget script is served")
  func widget() async throws {
    try await withApp(.sqlite) { app in
      let embedded = try await (try FormClient(app)).get("/chat?embed=true")
      #expect(embedded.headers.first(name: "X-Frame-Options") == nil)
      let policy = embedded.headers.first(name: "Content-Security-Policy") ?? ""
      #expect(policy.contains("frame-ancestors http://127.0.0.1:8080"), "by default only the service's own origin")
      #expect(!policy.contains("frame-ancestors *"))
      let other = try await (try FormClient(app)).get("/support")
      #expect(other.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
      try await app.testing().test(.GET, "/static/chat-widget.js") { response async in
        #expect(response.status == .ok)
        #expect(response.body.string.contains("/chat?embed=true"))
      }
    }
    let listed = try AppConfig.load(from: [
      "CASEWORK_CHAT_EMBED_ORIGINS": "https://www.example.nhs.uk, https://app.example.com:8443"
    ])
    try await withApp(.sqlite, config: testConfig { $0.chatEmbedOrigins = listed.chatEmbedOrigins }) { app in
      let embedded = try await (try FormClient(app)).get("/chat?embed=true")
      #expect(
        embedded.headers.first(name: "Content-Security-Policy")?.hasSuffix(
          "frame-ancestors https://www.example.nhs.uk https://app.example.com:8443") == true)
    }
    #expect(throws: AppConfig.Problem.self) { try AppConfig.load(from: ["CASEWORK_CHAT_EMBED_ORIGINS": "*"]) }
    #expect(throws: AppConfig.Problem.self) {
      try AppConfig.load(from: ["CASEWORK_CHAT_EMBED_ORIGINS": "https://x.example/page"])
    }
  }

  @Test("the console's chat panel needs a signed-in member of staff")
  func staffPage() async throws {
    try await withApp(.sqlite) { app in
      try await app.makeStaff("priya@casework.test")
      let client = try FormClient(app)
      let anonymous = try await client.get("/staff/chat")
      #expect(anonymous.status == .seeOther || anonymous.status == .found)
      _ = try await client.signIn("priya@casework.test")
      let page = try await client.get("/staff/chat")
      #expect(page.status == .ok)
      #expect(page.html.contains("id=\"chat-queue\""))
      #expect(page.html.contains("/static/staff-chat.js"))
    }
  }
}
