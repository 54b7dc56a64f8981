import CaseworkCore
import Foundation
import Vapor

/// Every page and form address of the server, public and staff, and the API addresses we link
/// to: controllers register their routes from these patterns, and every link, in Swift and in
/// the templates (passed in by the page's view model), is built from them. `RouteTableTests`
/// checks that every route resolves to a registered handler and that no page is registered
/// outside this list.
enum SiteRoute: String, CaseIterable, Sendable {
  // Public pages
  case home = "/"
  case support = "/support"
  case received = "/received/:token"
  case requesterCase = "/my-case/:token"
  case requesterReply = "/my-case/:token/reply"
  case requesterEscalate = "/my-case/:token/escalate"
  case complaintForm = "/complaint"
  case reportIncident = "/report-incident"
  case status = "/status"
  case statusJSON = "/status.json"
  case statusAtom = "/status.atom"
  case chat = "/chat"
  case chatSocket = "/chat/socket"

  // Signing in
  case staffHome = "/staff"
  case login = "/staff/login"
  case loginCode = "/staff/login/code"
  case logout = "/staff/logout"
  case password = "/staff/password"
  case account = "/staff/account"
  case twoFactor = "/staff/account/two-factor"
  case twoFactorStart = "/staff/account/two-factor/start"
  case twoFactorConfirm = "/staff/account/two-factor/confirm"
  case twoFactorDisable = "/staff/account/two-factor/disable"

  // Cases
  case inbox = "/staff/cases"
  case staffCase = "/staff/cases/:id"
  case caseReply = "/staff/cases/:id/reply"
  case caseNote = "/staff/cases/:id/note"
  case caseStatus = "/staff/cases/:id/status"
  case caseAssign = "/staff/cases/:id/assign"
  case caseTags = "/staff/cases/:id/tags"
  case caseLinks = "/staff/cases/:id/links"
  case caseExtendDeadline = "/staff/cases/:id/deadlines/extend"
  case caseRaiseComplaint = "/staff/cases/:id/raise-complaint"
  case escalations = "/staff/escalations"
  case notifications = "/staff/notifications"
  case notificationsRead = "/staff/notifications/read"
  case staffChat = "/staff/chat"
  case staffChatSocket = "/staff/chat/socket"

  // Complaints
  case recordComplaint = "/staff/complaints/new"
  case complaint = "/staff/cases/:id/complaint"
  case complaintLetter = "/staff/cases/:id/complaint/letters/:kind"
  case complaintAcknowledge = "/staff/cases/:id/complaint/acknowledge"
  case complaintMove = "/staff/cases/:id/complaint/move"
  case complaintInvestigation = "/staff/cases/:id/complaint/investigation"
  case complaintActionDone = "/staff/cases/:id/complaint/actions/:action/done"
  case complaintRespond = "/staff/cases/:id/complaint/respond"
  case complaintOmbudsman = "/staff/cases/:id/complaint/ombudsman"
  case complaintTimeLimit = "/staff/cases/:id/complaint/time-limit"
  case complaintDelay = "/staff/cases/:id/complaint/delay"

  // Incidents and triage
  case triage = "/staff/triage"
  case triageDecision = "/staff/triage/:id"
  case incident = "/staff/cases/:id/incident"
  case incidentAssessment = "/staff/cases/:id/incident/assessment"
  case incidentUpdates = "/staff/cases/:id/incident/updates"
  case incidentMembers = "/staff/cases/:id/incident/members"
  case incidentPatientSafety = "/staff/cases/:id/incident/patient-safety"
  case incidentBreach = "/staff/cases/:id/incident/breach"
  case incidentBreachDecision = "/staff/cases/:id/incident/breach-decision"
  case incidentClinicalReview = "/staff/cases/:id/incident/clinical-review"
  case incidentResolve = "/staff/cases/:id/incident/resolve"
  case incidentClose = "/staff/cases/:id/incident/close"
  case incidentComponents = "/staff/cases/:id/incident/components"

  // Service status and settings
  case staffStatus = "/staff/status"
  case statusComponents = "/staff/status/components"
  case statusComponent = "/staff/status/components/:component"
  case intake = "/staff/settings/intake"
  case letters = "/staff/settings/letters"
  case letterTemplate = "/staff/settings/letters/:kind"
  case users = "/staff/users"
  case user = "/staff/users/:id"
  case userTwoFactor = "/staff/users/:id/two-factor"

  // Reports
  case complaintReport = "/staff/reports/complaints"
  case complaintReportCSV = "/staff/reports/complaints.csv"
  case incidentReport = "/staff/reports/incidents"
  case incidentReportCSV = "/staff/reports/incidents.csv"

  // The API's addresses we link to
  case apiCase = "/api/v1/cases/:id"

  /// The pattern's segments as Vapor registers them.
  var components: [PathComponent] { rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) } }

  /// The number of `:parameter` segments a path must fill.
  var parameterCount: Int { rawValue.split(separator: "/").filter { $0.hasPrefix(":") }.count }

  /// The path with each `:parameter` filled, in order, with `values` (percent-encoded as a path
  /// segment), and `query` appended.
  func path(_ values: String..., query: [(String, String)] = []) -> String { path(values: values, query: query) }

  func path(values: [String], query: [(String, String)] = []) -> String {
    // One pass over the pattern's bytes: this runs for every link of every page and response.
    var path: [UInt8] = []
    path.reserveCapacity(rawValue.utf8.count + values.reduce(0) { $0 + $1.utf8.count })
    var remaining = values.makeIterator()
    var filled = 0
    var inParameter = false
    for byte in rawValue.utf8 {
      if byte == UInt8(ascii: "/") {
        inParameter = false
      } else if inParameter {
        continue
      } else if byte == UInt8(ascii: ":"), path.last == UInt8(ascii: "/") {
        inParameter = true
        filled += 1
        Self.appendEncoded(remaining.next() ?? "", to: &path)
        continue
      }
      path.append(byte)
    }
    precondition(filled == values.count, "\(rawValue) takes \(filled) values, not \(values.count)")
    if path.isEmpty { path = [UInt8(ascii: "/")] }
    for (index, (name, value)) in query.enumerated() {
      path.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
      Self.appendEncoded(name, to: &path)
      path.append(UInt8(ascii: "="))
      Self.appendEncoded(value, to: &path)
    }
    return String(decoding: path, as: UTF8.self)
  }

  /// RFC 3986's unreserved characters stay; every other byte of the UTF-8 is percent-encoded.
  /// (Foundation's `addingPercentEncoding` took 3% of creating a case, for its Location header.)
  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  private static func appendEncoded(_ text: String, to path: inout [UInt8]) {
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        path.append(byte)
      default:
        path.append(UInt8(ascii: "%"))
        path.append(hexDigits[Int(byte >> 4)])
        path.append(hexDigits[Int(byte & 0x0F)])
      }
    }
  }

  /// The path of a case's page (or one of its forms): ids are written in lower case.
  func path(_ id: UUID, query: [(String, String)] = []) -> String { path(id.lowercaseString, query: query) }
}

extension RoutesBuilder {
  @discardableResult
  func get<Result: AsyncResponseEncodable>(
    _ route: SiteRoute, use closure: @Sendable @escaping (Request) async throws -> Result
  ) -> Vapor.Route {
    on(.GET, route.components, use: closure)
  }

  @discardableResult
  func post<Result: AsyncResponseEncodable>(
    _ route: SiteRoute, use closure: @Sendable @escaping (Request) async throws -> Result
  ) -> Vapor.Route {
    on(.POST, route.components, use: closure)
  }
}

extension Request {
  /// A redirect, followed with GET, to `route` with its parameters filled by `values`.
  func redirect(to route: SiteRoute, _ values: String..., query: [(String, String)] = []) -> Response {
    redirect(to: route.path(values: values, query: query), redirectType: .normal)
  }

  /// A redirect to a case's page or one of its forms.
  func redirect(to route: SiteRoute, _ id: UUID, query: [(String, String)] = []) -> Response {
    redirect(to: route.path(id, query: query), redirectType: .normal)
  }
}
