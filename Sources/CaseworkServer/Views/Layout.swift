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

  init(_ request: Request, title: String) {
    statusBanner = request.storage[ServiceDisruptedKey.self] == true ? ServiceStatus.bannerText : nil
    // Titles reach browser history, tabs and screen sharing: no NHS numbers there.
    self.title = NHSNumber.mask(in: title)
    csrf = request.csrfToken
    siteName = request.staffUser == nil ? request.casework.config.organisation : "Casework"
    formKey = request.storage[FormKeyStorage.self] ?? SecretGenerator.token()
    notice = request.casework.cases.safetyNet.notice
    let unread = request.storage[UnreadNotificationsKey.self] ?? 0
    staff = request.staffUser.map {
      StaffNav(
        links: Self.staffLinks(for: $0, path: request.url.path, query: request.url.query), name: $0.name,
        roleName: $0.role.displayName, isAdmin: $0.role == .admin, canManageStatus: $0.can(.manageStatus),
        unread: unread,
        notificationsLabel: unread == 0 ? "Notifications" : "Notifications (\(unread) unread)",
        notificationsCurrent: request.url.path == "/staff/notifications")
    }
  }
}

extension Layout {
  /// The console's navigation, as the person's permissions allow. The inbox is current on
  /// every case page; "My cases" only on its own filter.
  static func staffLinks(for user: StaffUser, path: String, query: String?) -> [NavLink] {
    let mine = path == "/staff/cases" && (query ?? "").contains("assignee=me")
    var links: [(String, String, Bool)] = [
      ("/staff/cases", "Inbox", path.hasPrefix("/staff/cases") && !mine),
      ("/staff/cases?assignee=me", "My cases", mine),
      ("/staff/escalations", "Escalations", path == "/staff/escalations"),
      ("/staff/chat", "Live chat", path.hasPrefix("/staff/chat")),
      ("/staff/triage", "Triage", path == "/staff/triage"),
      ("/staff/complaints/new", "Record a complaint", path == "/staff/complaints/new"),
      ("/staff/reports/complaints", "Complaint reports", path == "/staff/reports/complaints"),
      ("/staff/reports/incidents", "Incident reports", path == "/staff/reports/incidents"),
    ]
    if user.can(.manageStatus) { links.append(("/staff/status", "Service status", path == "/staff/status")) }
    if user.can(.switchIntake) {
      links.append(("/staff/settings/intake", "New tickets", path.hasPrefix("/staff/settings/intake")))
    }
    if user.role == .admin {
      links += [
        ("/staff/users", "Users", path.hasPrefix("/staff/users")),
        ("/staff/settings/letters", "Letters", path.hasPrefix("/staff/settings/letters")),
      ]
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
    let isStaff = request.url.path.hasPrefix("/staff")
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
      homeLink: isStaff ? "/staff/cases" : "/")
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
