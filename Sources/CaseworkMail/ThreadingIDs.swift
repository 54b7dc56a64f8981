import CaseworkCore
import Foundation

/// Message-IDs for the mail Casework sends: `cw.<case>.<unique>.<signature>@<domain>`. A reply
/// names them in In-Reply-To or References; the signature proves the case part was written by
/// us, so a reply finds its case without trusting its subject.
public struct ThreadingIDs: Sendable {
  public let domain: String
  let signer: any MessageSigner

  public init(domain: String, signer: any MessageSigner) {
    self.domain = domain
    self.signer = signer
  }

  public func make(for caseID: CaseID, unique: String = SecretGenerator.token(bytes: 9)) -> String {
    let hex = String(caseID.lowercaseString.filter { $0 != "-" })
    let payload = "cw.\(hex).\(unique)"
    return "\(payload).\(signer.signature(payload))@\(domain)"
  }

  /// The case a Message-ID of ours names; nil for anyone else's id or a forged one.
  public func caseID(in messageID: String) -> CaseID? {
    guard let at = messageID.lastIndex(of: "@") else { return nil }
    let local = messageID[..<at]
    let parts = local.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "cw", parts[1].count == 32 else { return nil }
    let payload = "\(parts[0]).\(parts[1]).\(parts[2])"
    guard signer.signature(payload) == parts[3] else { return nil }
    let hex = Array(parts[1])
    let text =
      String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-" + String(hex[12..<16]) + "-" + String(hex[16..<20]) + "-"
      + String(hex[20..<32])
    return UUID(uuidString: text)
  }
}
