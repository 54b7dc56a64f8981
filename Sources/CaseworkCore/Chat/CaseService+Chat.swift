import Foundation

extension CaseService {
  /// Queues a chat's transcript for the visitor, recorded on the case as a note so staff see
  /// that it went and where.
  public func emailChatTranscript(_ id: CaseID, to address: String, name: String, body: String, by actor: Actor) async throws {
    guard let current = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    let now = clock.now().wholeMilliseconds
    let note = CaseMessage(
      caseID: id, kind: .note, author: .system, body: "The chat transcript was emailed to the visitor at \(address).",
      createdAt: now)
    var updated = current
    updated.updatedAt = now
    var change = CaseChange(
      updated: updated, newMessages: [note],
      audit: [AuditEvent(caseID: id, actor: actor, at: now, field: "transcript", before: nil, after: "emailed to \(address)")])
    change.outgoing = [
      OutgoingEmail(
        caseID: id, caseMessageID: note.id, toName: name, toAddress: address,
        subject: "[\(current.reference)] Your live chat with the support team",
        body: withLink(to: id, "Here is the transcript of your live chat.\n\n\(body)\n\n\(safetyNet.notice)"),
        isAutomatic: false,
        createdAt: now)
    ]
    try await cases.save(change)
  }

  /// The text with the requester's private link after it, when links are made here.
  func withLink(to id: CaseID, _ body: String) -> String {
    caseLinks.map { RequesterEmailFooter.appending(link: $0.url(for: id), to: body) } ?? body
  }
}
