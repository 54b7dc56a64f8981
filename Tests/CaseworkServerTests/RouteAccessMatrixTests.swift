import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every registered route against every role and no one. The table below says which
/// permission each route needs; who holds a permission comes from Core's one table
/// (`Permission.isGranted(to:)`). A route missing here fails the test, so a new route
/// cannot arrive without a decision about who may use it.
@Suite("Route × role matrix")
struct RouteAccessMatrixTests {
  enum Access {
    /// Anyone, signed in or not (public pages, health, the requester's private link).
    case everyone
    /// A console page: a session whose user holds the permission.
    case console(Permission)
    /// Any signed-in member of staff, whatever their role (their own password, signing out).
    case signedIn
    /// The API: a bearer token whose user holds the permission.
    case api(Permission)
    /// Signed by a shared secret, not a person (social-media connectors).
    case signature
    /// The console's chat socket: a session or token whose user holds the permission.
    case staffSocket(Permission)
    /// Signing out: for anyone, and always back to the sign-in page.
    case signOut
    /// Signing in: for anyone; without an email and password, the form again (401).
    case signIn
    /// The code step of a two-factor sign-in: only after the password, else back to sign in.
    case secondStep
  }

  static let table: [String: Access] = [
    "GET /": .everyone, "GET /healthz": .everyone, "GET /readyz": .everyone, "GET /openapi.json": .everyone,
    "GET /support": .everyone, "POST /support": .everyone, "GET /complaint": .everyone, "POST /complaint": .everyone,
    "GET /report-incident": .everyone, "POST /report-incident": .everyone,
    "GET /my-case/:token": .everyone, "POST /my-case/:token/reply": .everyone, "POST /my-case/:token/escalate": .everyone,
    "GET /received/:token": .everyone, "GET /staff/escalations": .console(.readCases),
    "GET /status": .everyone, "GET /status.json": .everyone, "GET /status.atom": .everyone,
    "GET /chat": .everyone, "GET /chat/socket": .everyone,
    "GET /staff": .everyone, "GET /staff/login": .everyone, "POST /staff/login": .signIn,
    "POST /staff/logout": .signOut, "GET /staff/login/code": .secondStep, "POST /staff/login/code": .secondStep,
    "GET /staff/account": .signedIn, "POST /staff/account/two-factor/start": .signedIn,
    "GET /staff/account/two-factor": .signedIn, "POST /staff/account/two-factor/confirm": .signedIn,
    "POST /staff/account/two-factor/disable": .signedIn, "POST /staff/users/:id/two-factor": .console(.manageUsers),
    "GET /staff/password": .signedIn, "POST /staff/password": .signedIn,

    "GET /staff/cases": .console(.readCases), "GET /staff/cases/:id": .console(.readCases),
    "POST /staff/cases/:id/reply": .console(.workCases), "POST /staff/cases/:id/note": .console(.workCases),
    "POST /staff/cases/:id/status": .console(.workCases), "POST /staff/cases/:id/assign": .console(.workCases),
    "POST /staff/cases/:id/tags": .console(.workCases), "POST /staff/cases/:id/links": .console(.workCases),
    "POST /staff/cases/:id/deadlines/extend": .console(.extendDeadlines),
    "GET /staff/notifications": .console(.readCases), "POST /staff/notifications/read": .console(.readCases),
    "GET /staff/cases/:id/complaint": .console(.readCases),
    "GET /staff/cases/:id/complaint/letters/:kind": .console(.readCases),
    "POST /staff/cases/:id/complaint/acknowledge": .console(.workCases),
    "POST /staff/cases/:id/complaint/move": .console(.workCases),
    "POST /staff/cases/:id/complaint/investigation": .console(.workCases),
    "POST /staff/cases/:id/complaint/actions/:action/done": .console(.workCases),
    "POST /staff/cases/:id/complaint/respond": .console(.workCases),
    "POST /staff/cases/:id/complaint/ombudsman": .console(.workCases),
    "POST /staff/cases/:id/raise-complaint": .console(.workCases),
    "POST /staff/cases/:id/complaint/time-limit": .console(.decideComplaints),
    "POST /staff/cases/:id/complaint/delay": .console(.decideComplaints),
    "GET /staff/complaints/new": .console(.workCases), "POST /staff/complaints/new": .console(.workCases),
    "GET /staff/triage": .console(.readCases), "POST /staff/triage/:id": .console(.workCases),
    "GET /staff/cases/:id/incident": .console(.readCases),
    "POST /staff/cases/:id/incident/assessment": .console(.workCases),
    "POST /staff/cases/:id/incident/updates": .console(.workCases),
    "POST /staff/cases/:id/incident/members": .console(.workCases),
    "POST /staff/cases/:id/incident/patient-safety": .console(.workCases),
    "POST /staff/cases/:id/incident/breach": .console(.workCases),
    "POST /staff/cases/:id/incident/resolve": .console(.manageIncidents),
    "POST /staff/cases/:id/incident/close": .console(.manageIncidents),
    "POST /staff/cases/:id/incident/components": .console(.manageIncidents),
    "POST /staff/cases/:id/incident/breach-decision": .console(.decideBreaches),
    "POST /staff/cases/:id/incident/clinical-review": .console(.reviewClinicalSafety),
    "GET /staff/status": .console(.manageStatus), "POST /staff/status/components": .console(.manageStatus),
    "POST /staff/status/components/:component": .console(.manageStatus),
    "GET /staff/users": .console(.manageUsers), "POST /staff/users": .console(.manageUsers),
    "POST /staff/users/:id": .console(.manageUsers),
    "GET /staff/settings/intake": .console(.switchIntake), "POST /staff/settings/intake": .console(.switchIntake),
    "GET /staff/settings/letters": .console(.manageSettings), "GET /staff/settings/letters/:kind": .console(.manageSettings),
    "POST /staff/settings/letters/:kind": .console(.manageSettings),
    "GET /staff/reports/complaints": .console(.readCases), "GET /staff/reports/complaints.csv": .console(.readCases),
    "GET /staff/reports/incidents": .console(.readCases), "GET /staff/reports/incidents.csv": .console(.readCases),
    "GET /staff/chat": .console(.workCases), "GET /staff/chat/socket": .staffSocket(.workCases),

    "POST /api/v1/cases": .api(.workCases), "GET /api/v1/cases": .api(.readCases), "GET /api/v1/cases/:id": .api(.readCases),
    "PATCH /api/v1/cases/:id": .api(.workCases), "GET /api/v1/cases/:id/messages": .api(.readCases),
    "POST /api/v1/cases/:id/messages": .api(.workCases),
    "GET /api/v1/cases/:id/complaint": .api(.readCases), "GET /api/v1/cases/:id/complaint/letters/:kind": .api(.readCases),
    "POST /api/v1/cases/:id/complaint/transitions": .api(.workCases),
    "PUT /api/v1/cases/:id/complaint/investigation": .api(.workCases),
    "POST /api/v1/cases/:id/complaint/investigation/actions/:actionId/done": .api(.workCases),
    "POST /api/v1/cases/:id/complaint/ombudsman": .api(.workCases),
    "POST /api/v1/cases/:id/complaint/delays": .api(.decideComplaints),
    "POST /api/v1/cases/:id/complaint/time-limit": .api(.decideComplaints),
    "GET /api/v1/triage": .api(.readCases), "POST /api/v1/cases/:id/triage": .api(.workCases),
    "GET /api/v1/cases/:id/incident": .api(.readCases), "POST /api/v1/cases/:id/incident/assessment": .api(.workCases),
    "POST /api/v1/cases/:id/incident/updates": .api(.workCases),
    "POST /api/v1/cases/:id/incident/patient-safety": .api(.workCases),
    "POST /api/v1/cases/:id/incident/breach": .api(.workCases),
    "POST /api/v1/cases/:id/incident/members": .api(.workCases),
    "POST /api/v1/cases/:id/incident/resolve": .api(.manageIncidents),
    "POST /api/v1/cases/:id/incident/close": .api(.manageIncidents),
    "POST /api/v1/cases/:id/incident/breach-decision": .api(.decideBreaches),
    "POST /api/v1/cases/:id/incident/clinical-review": .api(.reviewClinicalSafety),
    "POST /api/v1/inbound/email": .api(.workCases), "POST /api/v1/inbound/social": .signature,
  ]

  /// A request made as one role (nil: no one), and what came back.
  struct Outcome {
    var status: HTTPStatus
    var location: String?

    /// Turned away for want of a sign-in or a permission.
    var refused: Bool {
      status == .unauthorized || status == .forbidden || (status == .seeOther && location?.hasPrefix("/staff/login") == true)
    }
  }

  @Test("every route admits exactly the roles the permission table gives it, and no one where it needs a sign-in")
  func matrix() async throws {
    try await withApp(.sqlite, config: testConfig { $0.socialWebhookSecret = String(repeating: "k", count: 32) }) { app in
      let routes = app.routes.all.map { route in
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
      }
      let missing = routes.filter { Self.table[$0] == nil }
      #expect(missing.isEmpty, "routes with no entry in the access table: \(missing)")
      let stale = Self.table.keys.filter { !routes.contains($0) }
      #expect(stale.isEmpty, "entries for routes that do not exist: \(stale)")

      var users: [StaffRole: (email: String, token: String)] = [:]
      for role in StaffRole.allCases {
        let (user, token) = try await app.makeToken(role: role, email: "\(role.rawValue)@casework.test")
        users[role] = (user.email, token)
      }
      let incident = try await app.casework.cases.declareIncident(
        subject: "Outage", impact: .two, urgency: .two, reporter: Requester(name: "Ops", email: "ops@example.com"),
        by: .system)
      let opened = try await app.openCase()
      func concrete(_ route: String) -> (HTTPMethod, String) {
        let parts = route.split(separator: " ", maxSplits: 1)
        let path = String(parts[1])
          .replacingOccurrences(of: ":id", with: incident.record.id.lowercaseString)
          .replacingOccurrences(of: ":token", with: opened.accessToken)
          .replacingOccurrences(of: ":kind", with: "acknowledgement")
          .replacingOccurrences(of: ":component", with: UUID().lowercaseString)
          .replacingOccurrences(of: ":action", with: UUID().lowercaseString)
        return (HTTPMethod(rawValue: String(parts[0])), path)
      }

      for route in routes.sorted() {
        guard let access = Self.table[route] else { continue }
        let (method, path) = concrete(route)
        for role in [nil] + StaffRole.allCases.map(Optional.some) {
          let outcome = try await request(app, method, path, access: access, as: role.flatMap { users[$0] })
          let allowed: Bool
          switch access {
          case .everyone, .signature, .signOut, .signIn, .secondStep: allowed = true
          case .signedIn: allowed = role != nil
          case .console(let permission), .api(let permission), .staffSocket(let permission):
            allowed = role.map { permission.isGranted(to: $0) } ?? false
          }
          if case .secondStep = access {
            #expect(outcome.status == .seeOther && outcome.location == "/staff/login", "\(route) without a password first")
            continue
          }
          if case .signIn = access {
            #expect(outcome.status == .unauthorized, "\(route) with no credentials")
            continue
          }
          if case .signOut = access {
            #expect(outcome.status == .seeOther && outcome.location == "/staff/login", "\(route)")
            continue
          }
          if case .signature = access {
            #expect(outcome.status.code >= 400 && outcome.status != .internalServerError, "\(route) unsigned: \(outcome.status)")
            continue
          }
          #expect(
            outcome.refused != allowed,
            "\(route) as \(role?.rawValue ?? "no one"): \(outcome.status.code) \(outcome.location ?? "")")
        }
      }
    }
  }

  func request(
    _ app: Application, _ method: HTTPMethod, _ path: String, access: Access, as user: (email: String, token: String)?
  ) async throws -> Outcome {
    switch access {
    case .api, .signature:
      var headers = HTTPHeaders()
      if let user { headers.bearerAuthorization = BearerAuthorization(token: user.token) }
      headers.contentType = .json
      let response = try await app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(string: "{}"))
      return Outcome(status: response.status, location: response.location)
    case .staffSocket:
      var headers = HTTPHeaders()
      if let user { headers.bearerAuthorization = BearerAuthorization(token: user.token) }
      let response = try await app.testing().sendRequest(method, path, headers: headers)
      return Outcome(status: response.status, location: response.location)
    case .everyone, .console, .signedIn, .signOut, .signIn, .secondStep:
      let client = try FormClient(app)
      if let user {
        try await client.signIn(user.email)
      } else {
        try await client.get("/staff/login")
      }
      // Public forms carry the double-submit token of the cookie, as their own pages do.
      let fields = path.hasPrefix("/staff") ? [] : [("csrf_token", client.cookies["casework_csrf"] ?? "")]
      let response = method == .GET ? try await client.get(path) : try await client.post(path, fields)
      return Outcome(status: response.status, location: response.location)
    }
  }
}
