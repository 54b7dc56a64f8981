import CaseworkCore
import CaseworkServer
import CaseworkTestSupport
import Foundation
import Testing
import Vapor

@Suite("Emergencies in the console")
struct EmergencyInboxTests {
  @Test("an emergency sits above the inbox until its first response, on both engines", arguments: Engine.all)
  func panel(engine: Engine) async throws {
    try await withApp(engine) { app in
      let staff = try await app.makeStaff()
      for index in 0..<3 { _ = try await app.openCase(subject: "Font size \(index)", description: "Small text") }
      let emergency = try await app.openCase(subject: "Help", description: "I have chest pain and the app will not open")
      #expect(emergency.record.priority == .urgent)
      #expect(try await app.casework.cases.emergenciesWaiting().cases.map(\.id) == [emergency.record.id])
      let client = try FormClient(app)
      try await client.signIn(staff.email)
      let inbox = try await client.get("/staff/cases?sort=oldest").html
      let panel = try #require(inbox.range(of: "id=\"emergencies\""))
      let listing = try #require(inbox.range(of: "id=\"result-count\""))
      #expect(panel.lowerBound < listing.lowerBound)
      #expect(try await client.get("/staff/notifications").html.contains("Emergency"))
      try await app.casework.cases.reply(to: emergency.record.id, body: "Please call 999.", by: .staff(staff.id))
      let deadlines = try await app.casework.cases.deadlines(of: emergency.record.id)
      #expect(deadlines.first { $0.name == "first_response" }?.metAt != nil, "\(deadlines)")
      #expect(try await app.casework.cases.emergenciesWaiting().cases.isEmpty)
      #expect(!(try await client.get("/staff/cases").html.contains("id=\"emergencies\"")))
    }
  }
}
