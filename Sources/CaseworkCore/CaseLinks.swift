import Foundation

/// Links to a case: the requester's private page, written into every email to them (a way back
/// from every email), and the case in the staff console, written into staff emails.
public protocol CaseLinks: Sendable {
  /// The token in the link to a case's page.
  func token(for id: CaseID) -> String
  /// The case a token was made for, when the token is genuine.
  func caseID(fromToken token: String) -> CaseID?
  /// The page's full address.
  func url(token: String) -> String
  /// The case in the staff console.
  func consoleURL(for id: CaseID) -> String
}

extension CaseLinks {
  public func url(for id: CaseID) -> String { url(token: token(for: id)) }
}

/// Tokens derived from the case's id with a keyed MAC, so the link can be written again into
/// any later email while only its digest is stored. The key stays with the adapter: `mac` is
/// HMAC-SHA256 under the server's key. The paths come from the adapter's routes.
public struct MACCaseLinks: CaseLinks {
  public typealias MAC = @Sendable ([UInt8]) -> [UInt8]
  /// Where a requester's private link and a case's console page are, under the base URL.
  public struct Paths: Sendable {
    public var requesterCase: @Sendable (_ token: String) -> String
    public var staffCase: @Sendable (CaseID) -> String

    public init(
      requesterCase: @escaping @Sendable (_ token: String) -> String, staffCase: @escaping @Sendable (CaseID) -> String
    ) {
      self.requesterCase = requesterCase
      self.staffCase = staffCase
    }
  }

  let baseURL: String
  let paths: Paths
  let mac: MAC

  public init(baseURL: String, paths: Paths, mac: @escaping MAC) {
    self.baseURL = baseURL
    self.paths = paths
    self.mac = mac
  }

  /// 32 hex digits of the id, then 32 characters of MAC (24 bytes, base64url).
  public func token(for id: CaseID) -> String {
    let hex = id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return hex + signature(hex)
  }

  public func caseID(fromToken token: String) -> CaseID? {
    guard token.utf8.count == 64, token.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
    let hex = String(token.prefix(32))
    guard hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
      ConstantTime.equal(String(token.dropFirst(32)), signature(hex))
    else { return nil }
    var text = hex
    for offset in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: offset)) }
    return UUID(uuidString: text)
  }

  public func url(token: String) -> String { baseURL + paths.requesterCase(token) }

  public func consoleURL(for id: CaseID) -> String { baseURL + paths.staffCase(id) }

  private func signature(_ hex: String) -> String {
    Base64URL.encode(Array(mac(Array("my-case:\(hex)".utf8)).prefix(24)))
  }
}

/// What every email to a requester ends with: the way back to their case.
public enum RequesterEmailFooter {
  public static func appending(link: String, to body: String) -> String {
    body + "\n\n---\nSee your case, reply or ask for escalation online (keep this link private):\n" + link
  }
}
