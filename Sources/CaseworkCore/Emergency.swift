import Foundation

/// Emergencies first (issue 20): what screening finds as an emergency is urgent, answered
/// within the policy's urgent first response, shown above everything else, and the people
/// who can act hear of it at once.
extension CaseService {
  /// The tag an emergency carries, so that the console finds the few among many at once.
  public static let emergencyTag = "emergency"

  /// Who hears of an emergency: every active support specialist and manager in the console,
  /// and the managers by email too (administrators when there is nobody in either role).
  public func emergencyRecipients() async throws -> (console: [StaffUser], email: [StaffUser]) {
    let active = try await people.active()
    var console = active.filter { $0.role == .supportSpecialist || $0.role == .supportManager }
    if console.isEmpty { console = active.filter { $0.role == .admin } }
    return (console, try await people.managersOrAdministrators())
  }

  /// The notifications and emails that tell staff of an emergency on a case. No personal
  /// data: the reference and where to look.
  func emergencyAlerts(for record: Case, at now: Date) async throws -> ([StaffNotification], [OutgoingEmail]) {
    let (console, email) = try await emergencyRecipients()
    let text =
      "\(record.reference): screening found an emergency in what the requester wrote. They have been told to call 999; answer within the hour."
    let notifications = console.map {
      StaffNotification(recipientID: $0.id, caseID: record.id, kind: .emergency, message: text, createdAt: now)
    }
    let emails = email.map { person in
      OutgoingEmail(
        caseID: record.id, caseMessageID: notifications.first { $0.recipientID == person.id }?.id ?? UUID(),
        toName: person.name, toAddress: person.email, subject: "Emergency: \(record.reference)",
        body: text + (caseLinks.map { "\n\nOpen the case: " + $0.consoleURL(for: record.id) } ?? ""), isAutomatic: false,
        createdAt: now)
    }
    return (notifications, emails)
  }

  /// After an emergency case is stored: staff are told, in its own change.
  func alertEmergency(_ record: Case) async throws {
    let now = clock.now().wholeMilliseconds
    let (notifications, emails) = try await emergencyAlerts(for: record, at: now)
    guard !notifications.isEmpty || !emails.isEmpty else { return }
    var change = CaseChange(
      updated: record,
      audit: [
        AuditEvent(
          caseID: record.id, actor: .system, at: now, field: "emergency", before: nil,
          after: "\(notifications.count) staff alerted")
      ])
    change.notifications = notifications
    change.outgoing = emails
    try await cases.save(change)
  }
}

extension CaseService {
  /// Emergencies still waiting for their first response, the earliest due first: shown above
  /// every inbox listing. Few by nature; found through their tag.
  public func emergenciesWaiting(limit: Int = 50) async throws -> CaseList {
    var query = CaseQuery(
      statuses: CaseStatus.allCases.filter(\.isActive), tag: Self.emergencyTag, sort: .deadline, limit: limit * 4)
    query.includeDeadlines = true
    var list = try await cases.list(query)
    list.cases = Array(
      list.cases.filter { record in
        list.deadlines[record.id]?.contains { $0.name == "first_response" && $0.metAt == nil } == true
      }.prefix(limit))
    return list
  }
}
