import CaseworkCore
import Foundation
import Vapor

/// What the layout template needs on every page.
struct Layout: Encodable {
  /// A link of the staff navigation; `current` marks the page being shown (`aria-current`).
  struct NavLink: Encodable {
    var href: String
    var label: String
    var current: Bool
  }

  struct StaffNav: Encodable {
    var links: [NavLink]
    var name: String
    var roleName: String
    var isAdmin: Bool
    var canManageStatus: Bool
    var unread: Int
    var notificationsLabel: String
    var notificationsCurrent: Bool
  }

  var title: String
  /// After the title and as the brand: the supplier's name in public, the product's for staff.
  var siteName: String
  var csrf: String
  /// The one-time key of a public form on this page (`PublicSubmission`): the one sent with
  /// it when the form is shown again, a new one otherwise.
  var formKey: String
  var notice: String
  var staff: StaffNav?
  /// The public banner while any component is not operational (domain §8).
  var statusBanner: String?
  /// Every fixed address a template links to.
  var paths = SitePaths.shared

  init(_ request: Request, title: String) { self.init(PageContext(request), title: title) }

  /// Built from values only, so a page's model can be made and checked without a request.
  init(_ context: PageContext, title: String) {
    statusBanner = context.serviceDisrupted ? ServiceStatus.bannerText : nil
    // Titles reach browser history, tabs and screen sharing: no NHS numbers there.
    self.title = NHSNumber.mask(in: title)
    csrf = context.csrf
    siteName = context.staff == nil ? context.organisation : "Casework"
    formKey = context.formKey
    notice = context.safetyNotice
    let unread = context.unread
    staff = context.staff.map {
      StaffNav(
        links: Self.staffLinks(for: $0, path: context.path, query: context.query), name: $0.name,
        roleName: $0.role.displayName, isAdmin: $0.role == .admin, canManageStatus: $0.can(.manageStatus),
        unread: unread,
        notificationsLabel: unread == 0 ? "Notifications" : "Notifications (\(unread) unread)",
        notificationsCurrent: context.path == SiteRoute.notifications.path())
    }
  }

}

/// What a page's layout needs from its request, read once.
struct PageContext {
  var csrf: String
  /// The one-time key of a public form (`PublicSubmission`): the one sent, or a new one.
  var formKey: String
  var staff: StaffUser?
  var path: String
  var query: String?
  var unread: Int
  var serviceDisrupted: Bool
  var organisation: String
  var safetyNotice: String

  init(
    csrf: String, formKey: String, staff: StaffUser?, path: String, query: String? = nil, unread: Int = 0,
    serviceDisrupted: Bool = false, organisation: String, safetyNotice: String
  ) {
    self.csrf = csrf
    self.formKey = formKey
    self.staff = staff
    self.path = path
    self.query = query
    self.unread = unread
    self.serviceDisrupted = serviceDisrupted
    self.organisation = organisation
    self.safetyNotice = safetyNotice
  }

  init(_ request: Request) {
    self.init(
      csrf: request.csrfToken, formKey: request.storage[FormKeyStorage.self] ?? SecretGenerator.token(),
      staff: request.staffUser, path: request.url.path, query: request.url.query,
      unread: request.storage[UnreadNotificationsKey.self] ?? 0,
      serviceDisrupted: request.storage[ServiceDisruptedKey.self] == true,
      organisation: request.casework.config.organisation, safetyNotice: request.casework.cases.safetyNet.notice)
  }
}

extension Layout {
  /// The console's navigation, as the person's permissions allow. The inbox is current on
  /// every case page; "My cases" only on its own filter.
  static func staffLinks(for user: StaffUser, path: String, query: String?) -> [NavLink] {
    func under(_ route: SiteRoute) -> Bool { path == route.path() || path.hasPrefix(route.path() + "/") }
    let mine = path == SiteRoute.inbox.path() && (query ?? "").contains("assignee=me")
    var links: [(String, String, Bool)] = [
      (SiteRoute.inbox.path(), "Inbox", under(.inbox) && !mine),
      (SiteRoute.inbox.path(query: [("assignee", "me")]), "My cases", mine),
      (SiteRoute.escalations.path(), "Escalations", path == SiteRoute.escalations.path()),
      (SiteRoute.staffChat.path(), "Live chat", under(.staffChat)),
      (SiteRoute.triage.path(), "Triage", path == SiteRoute.triage.path()),
      (SiteRoute.recordComplaint.path(), "Record a complaint", path == SiteRoute.recordComplaint.path()),
      (SiteRoute.complaintReport.path(), "Complaint reports", path == SiteRoute.complaintReport.path()),
      (SiteRoute.incidentReport.path(), "Incident reports", path == SiteRoute.incidentReport.path()),
    ]
    if user.can(.manageStatus) {
      links.append((SiteRoute.staffStatus.path(), "Service status", path == SiteRoute.staffStatus.path()))
    }
    if user.can(.switchIntake) { links.append((SiteRoute.intake.path(), "New tickets", under(.intake))) }
    if user.role == .admin {
      links += [(SiteRoute.users.path(), "Users", under(.users)), (SiteRoute.letters.path(), "Letters", under(.letters))]
    }
    return links.map { NavLink(href: $0.0, label: $0.1, current: $0.2) }
  }
}

/// The form key a public form was sent with, kept when the form is shown again.
struct FormKeyStorage: StorageKey {
  typealias Value = String
}

/// An `<option>` of a select.
struct Option: Encodable {
  var value: String
  var label: String
  var selected: Bool
}

/// Field errors for a form: inline messages keyed by input id, and the summary list linking
/// to each input.
struct FormErrors: Encodable {
  struct Item: Encodable {
    var href: String
    var message: String
  }

  var byField: [String: String] = [:]
  var list: [Item] = []

  /// `inputIDs` maps a Core field name (`requester.email`) to the form's input id (`email`);
  /// `order` lists the input ids as the form shows them, so the summary follows the page.
  init(_ errors: [FieldError] = [], inputIDs: [String: String] = [:], order: [String] = []) {
    let position = { (error: FieldError) in order.firstIndex(of: inputIDs[error.field] ?? error.field) ?? order.count }
    let sorted = errors.enumerated().sorted { a, b in
      let (x, y) = (position(a.element), position(b.element))
      return x != y ? x < y : a.offset < b.offset
    }.map(\.element)
    for error in sorted {
      let id = inputIDs[error.field] ?? error.field
      if byField[id] == nil { byField[id] = error.message }
      list.append(Item(href: "#\(id)", message: error.message))
    }
  }

  var isEmpty: Bool { list.isEmpty }
}

/// Dates as people in the UK read them, in Europe/London.
struct DisplayDates {
  private let formatter: DateFormatter

  init() {
    formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_GB")
    formatter.timeZone = LondonTime.timeZone
    formatter.dateFormat = "d MMM yyyy, HH:mm"
  }

  func string(_ date: Date) -> String { formatter.string(from: date) }

  /// "15:42" in London, for a time later today.
  static func time(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_GB")
    formatter.timeZone = LondonTime.timeZone
    formatter.dateFormat = "HH:mm"
    return formatter.string(from: date)
  }
}

enum Pages {
  /// Renders a template to an HTML response with the given status.
  static func render(_ request: Request, _ template: String, _ context: some Encodable, status: HTTPStatus = .ok) async throws
    -> Response
  {
    let view = try await request.view.render(template, context)
    let response = Response(status: status, body: .init(buffer: view.data))
    response.headers.contentType = .html
    return response
  }

  struct ErrorPage: Encodable {
    var layout: Layout
    var heading: String
    var message: String
    var action: String?
    var homeLink: String
  }

  /// The HTML answer to an error. Falls back to plain text if even the template fails.
  static func error(_ request: Request, problem: ProblemDetails, retryAfter: Int?) async -> Response {
    let isStaff = request.url.path.hasPrefix(SiteRoute.staffHome.path())
    var heading = problem.title
    var message = problem.detail
    var action: String?
    switch problem.status {
    case 403 where problem.detail == "csrf":
      heading = "This form has expired"
      message = "For your security, forms only work for a while and only from this site."
      action = "Go back, reload the page, and send the form again. Nothing has been saved yet."
    case 404:
      heading = "Page not found"
      message =
        isStaff
        ? "There is no case or page at this address."
        : "There is nothing at this address. If you followed a private link, check that you copied all of it."
    case 429:
      heading = "Too many requests"
      action = retryAfter.map { "Please try again in \(WaitWords.minutes($0))." }
    default:
      break
    }
    let page = ErrorPage(
      layout: Layout(request, title: heading), heading: heading, message: message, action: action,
      homeLink: isStaff ? SiteRoute.inbox.path() : SiteRoute.home.path())
    let response: Response
    do {
      response = try await render(request, "error", page, status: HTTPResponseStatus(statusCode: problem.status))
    } catch {
      response = Response(
        status: HTTPResponseStatus(statusCode: problem.status), body: .init(string: "\(heading)\n\n\(message)\n"))
      response.headers.contentType = .plainText
    }
    if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
    return response
  }
}

/// How long someone must wait, in the words a page uses: whole minutes, rounded up.
enum WaitWords {
  /// 30 → "1 minute", 61 → "2 minutes".
  static func minutes(_ seconds: Int) -> String {
    let minutes = max(1, (seconds + 59) / 60)
    return "\(minutes) minute\(minutes == 1 ? "" : "s")"
  }
}
