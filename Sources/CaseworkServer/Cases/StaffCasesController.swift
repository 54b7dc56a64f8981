import CaseworkCore
import Foundation
import Vapor

/// The staff console: inbox and case page, with reply, note, status, assignment and tags.
struct StaffCasesController {
  static let pageSize = 25

  func boot(_ routes: any RoutesBuilder) {
    routes.get(.staffHome) { request in request.redirect(to: SiteRoute.inbox.path()) }
    let reading = routes.grouped(StaffAuthentication(permission: .readCases))
    reading.get(.inbox, use: inbox)
    reading.get(.staffCase, use: show)
    let working = routes.grouped(StaffAuthentication(permission: .workCases))
    working.post(.caseReply, use: reply)
    working.post(.caseNote, use: note)
    working.post(.caseStatus, use: status)
    working.post(.caseAssign, use: assign)
    working.post(.caseTags, use: tags)
    working.post(.caseLinks, use: link)
    routes.grouped(StaffAuthentication(permission: .extendDeadlines))
      .post(.caseExtendDeadline, use: extendDeadline)
  }

  struct InboxQuery: Content {
    var q: String?
    var status: String?
    var kind: String?
    var assignee: String?
    var tag: String?
    var sort: String?
    var page: Int?
  }

  func inbox(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let params = (try? request.query.decode(InboxQuery.self)) ?? InboxQuery()
    let page = max(1, min(params.page ?? 1, 100_000))
    var query = CaseQuery(limit: Self.pageSize, offset: (page - 1) * Self.pageSize, includeTotal: true)
    let statusFilter = params.status ?? "active"
    switch statusFilter {
    case "active": query.statuses = CaseStatus.allCases.filter(\.isActive)
    case "all": break
    default: query.statuses = CaseStatus(rawValue: statusFilter).map { [$0] } ?? []
    }
    query.kind = params.kind.flatMap(CaseKind.init(rawValue:))
    switch params.assignee ?? "" {
    case "": break
    case "me": query.assignee = .user(user.id)
    case "none": query.assignee = .unassigned
    case let value: query.assignee = UUID(uuidString: value).map { .user($0) } ?? .anyone
    }
    query.tag = params.tag.flatMap(InputRules.normaliseTag)
    query.text = params.q.flatMap { InputRules.clean($0) }.map { String($0.prefix(200)) }
    query.sort = params.sort.flatMap(CaseSort.init(rawValue:)) ?? .newest
    query.includeDeadlines = true
    let services = request.casework
    let list = try await services.cases.list(query)
    let staff = try await services.staff.all()
    let names = Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    let dates = DisplayDates()
    let deadlines = list.deadlines
    let text = services.deadlineText
    let now = services.clock.now()
    // Emergencies waiting for their first response come first, above any listing.
    let emergencies = page == 1 ? try await services.cases.emergenciesWaiting() : CaseList(cases: [], total: 0, nextCursor: nil)
    func row(_ record: Case, deadlines: [CaseID: [Deadline]]) -> InboxRow {
      InboxRow(
        id: record.id.lowercaseString, href: SiteRoute.staffCase.path(record.id), reference: record.reference.description,
        subject: NHSNumber.mask(in: record.subject), requester: record.requester.name, status: record.status.displayName,
        assignee: record.assigneeID.map { names[$0] ?? "Former staff member" } ?? "Unassigned",
        received: dates.string(record.receivedAt), urgent: record.priority == .urgent, clinical: record.clinicalFlag,
        deadline: DeadlineView.mostUrgent(deadlines[record.id] ?? [], text: text, now: now) ?? "–",
        breached: record.nextDueAt.map { $0 < now } ?? false)
    }
    let rows = list.cases.map { row($0, deadlines: deadlines) }
    let emergencyRows = emergencies.cases.map { row($0, deadlines: emergencies.deadlines) }
    let pages = max(1, (list.total + Self.pageSize - 1) / Self.pageSize)
    func link(page: Int) -> String {
      var items: [URLQueryItem] = []
      for (name, value) in [
        ("q", params.q), ("status", params.status), ("kind", params.kind), ("assignee", params.assignee),
        ("tag", params.tag), ("sort", params.sort),
      ] {
        if let value, !value.isEmpty { items.append(URLQueryItem(name: name, value: value)) }
      }
      items.append(URLQueryItem(name: "page", value: String(page)))
      var components = URLComponents()
      components.path = SiteRoute.inbox.path()
      components.queryItems = items
      return components.string ?? SiteRoute.inbox.path()
    }
    let assigneeValue = params.assignee ?? ""
    let inboxPage = InboxPage(
      layout: Layout(request, title: "Inbox"),
      heading: assigneeValue == "me" ? "My cases" : "Inbox",
      filters: .init(q: params.q ?? "", tag: params.tag ?? ""),
      statusOptions: [Option(value: "active", label: "Needs work", selected: statusFilter == "active")]
        + CaseStatus.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: statusFilter == $0.rawValue) }
        + [Option(value: "all", label: "All", selected: statusFilter == "all")],
      kindOptions: [Option(value: "", label: "All kinds", selected: query.kind == nil)]
        + CaseKind.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: $0 == query.kind) },
      assigneeOptions: [
        Option(value: "", label: "Anyone", selected: assigneeValue.isEmpty),
        Option(value: "me", label: "Me", selected: assigneeValue == "me"),
        Option(value: "none", label: "Unassigned", selected: assigneeValue == "none"),
      ]
        + staff.filter(\.active).map {
          let id = $0.id.lowercaseString
          return Option(value: id, label: $0.name, selected: assigneeValue.lowercased() == id)
        },
      sortOptions: [
        Option(value: "newest", label: "Newest first", selected: query.sort == .newest),
        Option(value: "oldest", label: "Oldest first", selected: query.sort == .oldest),
        Option(value: "updated", label: "Recently updated", selected: query.sort == .updated),
        Option(value: "deadline", label: "Most urgent deadline", selected: query.sort == .deadline),
      ],
      rows: rows, emergencies: emergencyRows, hasEmergencies: !emergencyRows.isEmpty,
      countText: list.total == 1 ? "1 case" : "\(list.total) cases",
      pageText: "Page \(min(page, pages)) of \(pages)",
      previousLink: page > 1 ? link(page: page - 1) : nil,
      nextLink: page < pages ? link(page: page + 1) : nil)
    return try await Pages.render(request, "staff-inbox", inboxPage)
  }

  func show(_ request: Request) async throws -> Response {
    try await renderCase(request, id: try request.caseIDParameter())
  }

  private func renderCase(_ request: Request, id: CaseID, errors: FormErrors = FormErrors(), status: HTTPStatus = .ok)
    async throws -> Response
  {
    let detail = try await request.casework.cases.detail(id)
    let staff = try await request.casework.staff.all()
    var page = StaffCasePage(request, detail: detail, staff: staff, errors: errors)
    // After a change, the page says it was done (post, redirect, get keeps a refresh harmless).
    if errors.isEmpty, let done = request.query[String.self, at: "done"] { page.confirmation = Self.confirmations[done] }
    if detail.record.channel == .chat, let chat = try await request.casework.chat.store.chat(caseID: id) {
      page.chatLink = SiteRoute.staffChat.path(query: [("chat", chat.id.uuidString)])
      page.chatID = chat.id.uuidString
      page.chatLastSeq = chat.lastSeq
    }
    return try await Pages.render(request, "staff-case", page, status: status)
  }

  /// Runs a change and returns to the case page; a field error shows the page again with it.
  private func act(_ request: Request, field: String, _ change: (CaseID) async throws -> Void) async throws -> Response {
    let id = try request.caseIDParameter()
    let inputIDs = [
      "body": field, "tags": "tags", "reference": "link_reference", "dueAt": "extend_date", "reason": "extend_reason",
      "deadline": "extend_deadline", "assigneeId": "assignee",
    ]
    let done = SiteRoute.staffCase.path(id, query: [("done", field)])
    return try await request.act(on: id, done: done, inputIDs: inputIDs, change) { refusal in
      try await renderCase(request, id: id, errors: refusal.errors, status: refusal.status)
    }
  }

  static let confirmations = [
    "reply": "Your reply was sent to the requester.", "note": "Your internal note was added.",
    "status": "The status was changed.", "assign": "The assignment was saved.", "tags": "The tags were saved.",
    "links": "The link was added.", "recorded": "The complaint was recorded.",
  ]

  struct BodyForm: Content {
    var body: String?
  }

  func reply(_ request: Request) async throws -> Response {
    let body = try request.content.decode(BodyForm.self).body ?? ""
    return try await act(request, field: "reply") { id in
      try await request.casework.cases.reply(to: id, body: body, by: request.actor, role: request.staffUser?.role)
    }
  }

  func note(_ request: Request) async throws -> Response {
    let body = try request.content.decode(BodyForm.self).body ?? ""
    return try await act(request, field: "note") { id in
      try await request.casework.cases.addNote(to: id, body: body, by: request.actor)
    }
  }

  struct StatusForm: Content {
    var status: String?
  }

  func status(_ request: Request) async throws -> Response {
    let text = try request.content.decode(StatusForm.self).status ?? ""
    return try await act(request, field: "status") { id in
      guard let status = CaseStatus(rawValue: text) else {
        throw CaseworkError.invalid([FieldError(field: "status", message: "Choose a status.")])
      }
      try await request.casework.cases.update(id, with: CaseUpdate(status: status), by: request.actor)
    }
  }

  struct AssignForm: Content {
    var assignee: String?
  }

  func assign(_ request: Request) async throws -> Response {
    let text = try request.content.decode(AssignForm.self).assignee ?? ""
    return try await act(request, field: "assignee") { id in
      var assignee: StaffID?
      if !text.isEmpty {
        guard let staffID = UUID(uuidString: text) else {
          throw CaseworkError.invalid([FieldError(field: "assigneeId", message: "Choose an active member of staff.")])
        }
        assignee = staffID
      }
      try await request.casework.cases.update(id, with: CaseUpdate(assignee: .some(assignee)), by: request.actor)
    }
  }

  struct TagsForm: Content {
    var tags: String?
  }

  func tags(_ request: Request) async throws -> Response {
    let text = try request.content.decode(TagsForm.self).tags ?? ""
    let tags = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return try await act(request, field: "tags") { id in
      try await request.casework.cases.update(id, with: CaseUpdate(tags: tags), by: request.actor)
    }
  }

  struct ExtendForm: Content {
    var deadline: String?
    var date: String?
    var time: String?
    var reason: String?
  }

  func extendDeadline(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let form = try request.content.decode(ExtendForm.self)
    return try await act(request, field: "extend") { id in
      guard let deadlineID = form.deadline.flatMap(UUID.init(uuidString:)) else {
        throw CaseworkError.invalid([FieldError(field: "deadline", message: "Choose the deadline to extend.")])
      }
      let timeParts = (form.time?.isEmpty == false ? form.time! : "23:59").split(separator: ":").compactMap { Int($0) }
      var errors: [FieldError] = []
      let day = request.dateFields("date").date(field: "dueAt", label: "of the new target", errors: &errors)
      guard errors.isEmpty, let day, timeParts.count == 2, (0...23).contains(timeParts[0]), (0...59).contains(timeParts[1])
      else {
        throw CaseworkError.invalid(
          errors.isEmpty
            ? [FieldError(field: "dueAt", message: "Enter the new date, for example 27 3 2026, and a time.")] : errors)
      }
      let second = timeParts == [23, 59] ? 59 : 0
      let newDue = day.instant(hour: timeParts[0], minute: timeParts[1], second: second)
      try await request.casework.cases.extendDeadline(
        deadlineID, of: id, to: newDue, reason: form.reason ?? "", by: request.actor, name: user.name)
    }
  }

  struct LinkForm: Content {
    var reference: String?
    var relation: String?
  }

  func link(_ request: Request) async throws -> Response {
    let form = try request.content.decode(LinkForm.self)
    return try await act(request, field: "link") { id in
      guard let relation = CaseLinkRelation(rawValue: form.relation ?? "related"),
        StaffCasePage.linkableRelations.contains(relation)
      else {
        throw CaseworkError.invalid([FieldError(field: "reference", message: "Choose how the cases are related.")])
      }
      try await request.casework.cases.link(id, to: form.reference ?? "", relation: relation, by: request.actor)
    }
  }
}
