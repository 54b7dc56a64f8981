import Foundation

extension CaseService {
  /// Staff raise a formal complaint from a support request (domain §5): the requester, subject
  /// and first message carry over, the complaint is received when the request was, and the
  /// two cases are linked both ways (`raised_from` on the complaint, shown as its inverse on
  /// the request).
  public func raiseComplaint(from id: CaseID, complaint input: ComplaintInput, by actor: Actor) async throws -> OpenedCase {
    guard let source = try await cases.find(id: id) else { throw CaseworkError.caseNotFound }
    guard source.kind == .supportRequest else {
      throw CaseworkError.conflict(
        "A complaint is raised from a support request; \(source.reference) is a \(source.kind.displayName.lowercased()).")
    }
    let first = try await cases.messages(of: id).first { $0.kind == .inbound }
    var complaint = input
    complaint.raisedFrom = id
    let opened = try await open(
      NewCaseInput(
        kind: .complaint, channel: .staff, subject: source.subject,
        description: "Raised from \(source.reference).\n\n\(first?.body ?? source.subject)", requesterName: source.requester.name,
        requesterEmail: source.requester.email, requesterPhone: source.requester.phone,
        organisation: source.requester.organisation, nhsNumber: source.requester.nhsNumber?.digits,
        complaint: complaint),
      by: actor)
    _ = try await link(opened.record.id, to: source.reference.description, relation: .raisedFrom, by: actor)
    return opened
  }
}
