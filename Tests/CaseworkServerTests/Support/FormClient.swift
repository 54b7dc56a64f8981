import Foundation
import Testing
import Vapor
import VaporTesting

/// Drives HTML pages the way a browser without JavaScript does: keeps cookies, sends forms
/// URL-encoded with the CSRF token from its cookie.
final class FormClient: @unchecked Sendable {
  // @unchecked: used from one test task at a time.
  let tester: any TestingApplicationTester
  private(set) var cookies: [String: String] = [:]
  /// The CSRF token of the last page that had a form: signed-in staff pages carry a token
  /// bound to the session, which no cookie holds.
  private(set) var pageToken: String?
  /// The one-time key of the last public form shown, sent back with it as a browser does.
  private(set) var formKey: String?

  init(_ app: Application) throws {
    tester = try app.testing()
  }

  /// Sets a cookie as another site or person could have planted it.
  func setCookie(_ name: String, _ value: String) { cookies[name] = value }

  var csrfToken: String { pageToken ?? cookies["casework_csrf"] ?? "" }

  private func headers(_ extra: HTTPHeaders = [:]) -> HTTPHeaders {
    var headers = extra
    if !cookies.isEmpty {
      headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
    }
    return headers
  }

  private func remember(_ response: TestingHTTPResponse) {
    if let token = extract(response.body.string, after: "name=\"csrf_token\" value=\"", before: "\"") {
      pageToken = token
    }
    if let key = extract(response.body.string, after: "name=\"form_key\" value=\"", before: "\"") { formKey = key }
    for value in response.headers[.setCookie] {
      let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
      guard pair.count == 2 else { continue }
      let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
      let cookieValue = String(pair[1])
      if value.lowercased().contains("expires=thu, 01 jan 1970") || cookieValue.isEmpty {
        cookies[name] = nil
      } else {
        cookies[name] = cookieValue
      }
    }
  }

  @discardableResult
  func get(_ path: String) async throws -> TestingHTTPResponse {
    let response = try await tester.sendRequest(.GET, path, headers: headers())
    remember(response)
    return response
  }

  /// Posts a form; the CSRF token is added unless `csrf` is false or a value is given.
  @discardableResult
  func post(_ path: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> TestingHTTPResponse {
    var all = fields
    if csrf, !all.contains(where: { $0.0 == "csrf_token" }) { all.append(("csrf_token", csrfToken)) }
    if let formKey, !all.contains(where: { $0.0 == "form_key" }) { all.append(("form_key", formKey)) }
    let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    var extra = HTTPHeaders()
    extra.contentType = .urlEncodedForm
    let response = try await tester.sendRequest(.POST, path, headers: headers(extra), body: ByteBuffer(string: body))
    remember(response)
    return response
  }

  /// Posts a form and, as a browser does, follows its redirect (303) to the page it names.
  /// Returns the post's answer and the page.
  func submit(_ path: String, _ fields: [(String, String)]) async throws -> (
    posted: TestingHTTPResponse, page: TestingHTTPResponse
  ) {
    let posted = try await post(path, fields)
    guard posted.status == .seeOther, let location = posted.location else { return (posted, posted) }
    return (posted, try await get(location))
  }

  static func encode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
  }

  /// Signs a staff user in and returns the page the sign-in redirected to.
  @discardableResult
  func signIn(_ email: String, password: String = "correct horse battery") async throws -> TestingHTTPResponse {
    try await get("/staff/login")
    let response = try await post("/staff/login", [("email", email), ("password", password), ("next", "/staff/cases")])
    #expect(response.status == .seeOther)
    // As a browser does: the page signed in to holds the forms' new token.
    if response.status == .seeOther, let location = response.location, location.hasPrefix("/") { try await get(location) }
    return response
  }
}

extension TestingHTTPResponse {
  var html: String { body.string }
  var location: String? { headers.first(name: .location) }
}

/// The text between `start` and the next `end`, for reading one value out of a page.
func extract(_ html: String, after start: String, before end: String) -> String? {
  guard let from = html.range(of: start), let to = html.range(of: end, range: from.upperBound..<html.endIndex) else { return nil }
  return String(html[from.upperBound..<to.lowerBound])
}
