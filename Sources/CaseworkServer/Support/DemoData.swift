import CaseworkCore
import Foundation
import Vapor

/// Realistic staff and cases for trying Casework out: `casework demo`.
enum DemoData {
  struct Person {
    var name: String
    var email: String
  }

  static let staff: [(String, String, StaffRole)] = [
    ("Priya Shah", "priya.shah@casework.local", .supportSpecialist),
    ("Tom Evans", "tom.evans@casework.local", .supportSpecialist),
    ("Grace Okafor", "grace.okafor@casework.local", .supportManager),
    ("Dan Hughes", "dan.hughes@casework.local", .incidentManager),
    ("Dr Helen Moss", "helen.moss@casework.local", .clinicalSafetyOfficer),
  ]

  static let problems: [(String, String)] = [
    (
      "Cannot log in after updating the app",
      "Since updating to the latest version the app says my password is wrong, but it works on the website."
    ),
    (
      "Appointment booking page is blank",
      "When I press Book an appointment the screen goes white and nothing loads. I am on an Android phone."
    ),
    ("Not receiving verification codes", "I have asked for the text message code five times and nothing arrives."),
    ("Repeat prescription request stuck", "My repeat prescription request has said Sending for two days. Is the app working?"),
    ("Messages from my practice not showing", "My practice says they sent me a message but the inbox in the app is empty."),
    ("App crashes when opening", "The app closes immediately when I open it on my iPad."),
    ("Wrong practice linked to my account", "The app shows my old GP practice. I moved last month."),
    ("Cannot upload a photo", "When I attach a photo to my message the upload fails at 90 percent."),
    ("Two-factor authentication lost phone", "I have a new phone number and cannot get past the security code screen."),
    ("Notifications stopped working", "I no longer get notifications when my practice replies."),
  ]

  static let people: [Person] = [
    Person(name: "Amelia Clarke", email: "amelia.clarke@example.com"),
    Person(name: "Oliver Bennett", email: "oliver.b@example.org"),
    Person(name: "Fatima Hussain", email: "fatima.h@example.net"),
    Person(name: "George Williams", email: "gwilliams@example.com"),
    Person(name: "Isla Murphy", email: "isla.murphy@example.co.uk"), Person(name: "Noah Patel", email: "noah.patel@example.com"),
    Person(name: "Sophie Turner", email: "s.turner@example.org"), Person(name: "Harry Jones", email: "harry.jones@example.net"),
  ]

  /// Creates the demo staff (skipping any that exist) and `count` cases. Returns lines to print.
  static func load(_ app: Application, cases count: Int = 40) async throws -> [String] {
    let services = app.casework
    var lines: [String] = []
    var staffIDs: [StaffID] = []
    for (name, email, role) in staff {
      if let existing = try await services.staff.find(email: email) {
        staffIDs.append(existing.id)
        continue
      }
      let (user, password) = try await services.staffAccounts.create(email: email, name: name, role: role.rawValue, password: nil)
      staffIDs.append(user.id)
      lines.append("\(role.displayName): \(email)  one-time password: \(password ?? "")")
    }
    for index in 0..<count {
      let (subject, description) = problems[index % problems.count]
      let person = people[index % people.count]
      let channel: CaseworkCore.Channel = [.web, .email, .api, .chat][index % 4]
      let opened = try await services.cases.open(
        NewCaseInput(
          channel: channel, subject: subject, description: description, requesterName: person.name,
          requesterEmail: person.email, tags: index % 3 == 0 ? ["login"] : []),
        by: .requester)
      let id = opened.record.id
      let agent = Actor.staff(staffIDs[index % 2])
      switch index % 5 {
      case 0:
        break
      case 1:
        try await services.cases.update(id, with: CaseUpdate(assignee: .some(staffIDs[index % 2])), by: agent)
        try await services.cases.reply(
          to: id, body: "Thank you. Could you tell us which version of the app you have? It is under Settings, About.", by: agent)
        try await services.cases.update(id, with: CaseUpdate(status: .pendingRequester), by: agent)
      case 2:
        try await services.cases.update(id, with: CaseUpdate(assignee: .some(staffIDs[index % 2])), by: agent)
        try await services.cases.addNote(
          to: id, body: "Looks like the known issue with version 4.2; linked to the release ticket.", by: agent)
        try await services.cases.reply(to: id, body: "We are looking into this and will update you shortly.", by: agent)
      case 3:
        try await services.cases.reply(to: id, body: "This should now be fixed. Please update the app and try again.", by: agent)
        try await services.cases.update(id, with: CaseUpdate(status: .resolved), by: agent)
      default:
        try await services.cases.reply(to: id, body: "Glad it is working again. We have closed this request.", by: agent)
        try await services.cases.update(id, with: CaseUpdate(status: .closed), by: agent)
      }
    }
    lines.append("Created \(count) demo cases.")
    return lines
  }
}
