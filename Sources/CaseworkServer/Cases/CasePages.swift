import CaseworkCore
import Foundation
import Vapor

/// One row of the inbox.
struct InboxRow: Encodable {
  var id: String
  var href: String
  var reference: String
  var subject: String
  var requester: String
  var status: String
  var assignee: String
  var received: String
  var urgent: Bool
  var clinical: Bool
  var deadline: String
  var breached: Bool
}

struct InboxPage: Encodable {
  struct Filters: Encodable {
    var q: String
    var tag: String
  }

  var layout: Layout
  var heading: String
  var filters: Filters
  var statusOptions: [Option]
  var kindOptions: [Option]
  var assigneeOptions: [Option]
  var sortOptions: [Option]
  var rows: [InboxRow]
  /// Emergencies waiting for a first response, shown above the listing.
  var emergencies: [InboxRow]
  var hasEmergencies: Bool
  var countText: String
  var pageText: String
  var previousLink: String?
  var nextLink: String?
}

struct StaffCasePage: Encodable {
  struct CaseView: Encodable {
    var id: String
    var reference: String
    var kindName: String
    var subject: String
    var statusName: String
    var priority: String
    var channel: String
    var requesterName: String
    var requesterEmail: String
    var nhsNumber: String?
    var received: String
    var assignee: String
    var tags: [String]
    var tagText: String
    var emergency: Bool
    var clinical: Bool
    /// A complaint links to its own page; a support request can raise one.
    var isComplaint = false
    var isIncident = false
    var isSupportRequest = false
  }

  struct MessageView: Encodable {
    var kind: String
    var kindName: String
    var author: String
    var when: String
    var body: String
  }

  struct AuditView: Encodable {
    var when: String
    var actor: String
    var field: String
    var before: String
    var after: String
  }

  struct LinkView: Encodable {
    var relation: String
    var id: String
    var href: String
    var reference: String
    var subject: String
  }

  /// "Your reply was sent": said once after a change.
  var confirmation: String?
  var layout: Layout
  var c: CaseView
  var paths: CasePaths
  /// The console's chat panel for a case opened by live chat.
  var chatLink: String?
  var chatID: String?
  /// The chat's last line when the page was drawn: later ones are added as they arrive.
  var chatLastSeq: Int?
  var messages: [MessageView]
  var audit: [AuditView]
  var links: [LinkView]
  var hasLinks: Bool
  var deadlines: [DeadlineView]
  var hasDeadlines: Bool
  /// Managers may set a new target, with a reason (domain §5's delay notice).
  var mayExtend: Bool
  var extendOptions: [Option]
  var statusOptions: [Option]
  var assigneeOptions: [Option]
  var relationOptions: [Option]
  var errors: [String: String]
  var errorList: [FormErrors.Item]
  var hasErrors: Bool

  static func describe(_ relation: CaseLinkRelation, outgoing: Bool) -> String {
    switch (relation, outgoing) {
    case (.related, _): "Related"
    case (.duplicateOf, true): "Duplicate of"
    case (.duplicateOf, false): "Has duplicate"
    case (.raisedFrom, true): "Raised from"
    case (.raisedFrom, false): "Raised as"
    case (.reportOf, true): "Report of"
    case (.reportOf, false): "Reported by"
    }
  }

  /// Relations staff choose by hand; others are made by workflows (raised from, report of).
  static let linkableRelations: [CaseLinkRelation] = [.related, .duplicateOf]

  init(_ request: Request, detail: CaseDetail, staff: [StaffUser], errors: FormErrors = FormErrors()) {
    self.init(
      PageContext(request), detail: detail, staff: staff, now: request.casework.clock.now(),
      text: request.casework.deadlineText, errors: errors)
  }

  /// Built from values only: testable without a request.
  init(
    _ context: PageContext, detail: CaseDetail, staff: [StaffUser], now: Date, text: DeadlineText,
    errors: FormErrors = FormErrors()
  ) {
    let dates = DisplayDates()
    let record = detail.record
    let names = Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    func actorName(_ actor: Actor) -> String {
      switch actor {
      case .staff(let id): names[id] ?? "Former staff member"
      case .requester: record.requester.name
      case .apiToken: "API integration"
      case .system: "Casework"
      }
    }
    layout = Layout(context, title: "\(record.reference) \(record.subject)")
    paths = CasePaths(record.id)
    c = CaseView(
      id: record.id.lowercaseString, reference: record.reference.description, kindName: record.kind.displayName,
      subject: NHSNumber.mask(in: record.subject), statusName: record.status.displayName,
      priority: record.priority == .urgent ? "Urgent" : "Normal", channel: record.channel.displayName,
      requesterName: record.requester.name, requesterEmail: record.requester.email,
      nhsNumber: record.requester.nhsNumber?.description, received: dates.string(record.receivedAt),
      assignee: record.assigneeID.map { names[$0] ?? "Former staff member" } ?? "Unassigned", tags: record.tags,
      tagText: record.tags.joined(separator: ", "), emergency: record.emergencyFlag, clinical: record.clinicalFlag,
      isComplaint: record.kind == .complaint, isIncident: record.kind == .incident,
      isSupportRequest: record.kind == .supportRequest)
    messages = detail.messages.map { message in
      MessageView(
        kind: message.kind.rawValue,
        kindName: message.kind == .note ? "Internal note" : message.kind == .inbound ? "From requester" : "To requester",
        author: actorName(message.author), when: dates.string(message.createdAt), body: NHSNumber.mask(in: message.body))
    }
    audit = detail.audit.reversed().map { event in
      func show(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "–" }
        if event.field == "assignee", let id = UUID(uuidString: value) { return names[id] ?? value }
        if event.field == "status", let status = CaseStatus(rawValue: value) { return status.displayName }
        return value
      }
      return AuditView(
        when: dates.string(event.at), actor: actorName(event.actor), field: event.field.replacingOccurrences(of: "_", with: " "),
        before: show(event.before), after: show(event.after))
    }
    links = detail.links.map {
      LinkView(
        relation: Self.describe($0.relation, outgoing: $0.outgoing), id: $0.id.lowercaseString,
        href: SiteRoute.staffCase.path($0.id),
        reference: $0.reference.description, subject: $0.subject)
    }
    hasLinks = !links.isEmpty
    deadlines = detail.deadlines.map { DeadlineView($0, text: text, now: now, dates: dates) }
    hasDeadlines = !deadlines.isEmpty
    mayExtend = context.staff?.can(.extendDeadlines) == true
    extendOptions = zip(detail.deadlines, deadlines).filter { deadline, view in
      view.canExtend && DeadlineExtensionRule.refusal(kind: record.kind, deadline: deadline.name) == nil
    }.map { Option(value: $1.id, label: $1.title, selected: false) }
    if extendOptions.isEmpty { mayExtend = false }
    statusOptions = CaseStatus.allCases.filter { record.status.canMove(to: $0) }.map {
      Option(value: $0.rawValue, label: $0.displayName, selected: $0 == record.status)
    }
    assigneeOptions =
      [Option(value: "", label: "Unassigned", selected: record.assigneeID == nil)]
      + staff.filter(\.active).map {
        Option(
          value: $0.id.lowercaseString, label: "\($0.name) (\($0.role.displayName))", selected: $0.id == record.assigneeID
        )
      }
    relationOptions = Self.linkableRelations.map {
      Option(value: $0.rawValue, label: $0 == .related ? "Related to" : "Duplicate of", selected: $0 == .related)
    }
    self.errors = errors.byField
    errorList = errors.list
    hasErrors = !errors.isEmpty
  }
}
