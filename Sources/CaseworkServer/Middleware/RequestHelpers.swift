import CaseworkCore
import CaseworkStore
import Vapor

extension Request {
  /// The case named by the `:id` path parameter, as an id or a reference (the API's form).
  func caseParameter() async throws -> Case {
    guard let key = parameters.get("id"), let record = try await casework.cases.find(key) else {
      throw CaseworkError.caseNotFound
    }
    return record
  }

  /// The case id in the `:id` path parameter (the console's links always carry the id).
  func caseIDParameter() throws -> CaseID {
    guard let id = parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw CaseworkError.caseNotFound }
    return id
  }

  /// A database handle for queries outside the repositories (reports).
  var databaseHandle: DatabaseHandle {
    application.databaseHandle(logger: logger)
  }
}

/// A CSV download (RFC 4180, UTF-8) with the file name to save it as.
func csvResponse(_ text: String, filename: String) -> Response {
  let response = Response(status: .ok, body: .init(string: text))
  response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
  response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
  return response
}
