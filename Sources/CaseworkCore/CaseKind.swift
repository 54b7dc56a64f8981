import Foundation

/// The three kinds of case the desk handles (domain §1); each has its own reference prefix.
public enum CaseKind: String, Sendable, Codable, CaseIterable, Hashable {
  case supportRequest = "support_request"
  case complaint
  case incident

  public var referencePrefix: String {
    switch self {
    case .supportRequest: "SR"
    case .complaint: "CMP"
    case .incident: "INC"
    }
  }

  public var displayName: String {
    switch self {
    case .supportRequest: "Support request"
    case .complaint: "Complaint"
    case .incident: "Incident"
    }
  }

  /// The kind whose reference prefix these bytes spell, in either case. Bytes, not a string:
  /// every listed case reads its reference back.
  public init?(referencePrefix bytes: some Collection<UInt8>) {
    guard
      let kind = Self.allCases.first(where: { kind in
        let expected = kind.referencePrefix.utf8
        return expected.count == bytes.count && zip(expected, bytes).allSatisfy { $0 == $1 & 0xDF }
      })
    else { return nil }
    self = kind
  }
}

/// How a case reached us.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
  case web, email, chat, social, api, phone, post, staff

  public var displayName: String {
    switch self {
    case .web: "Web form"
    case .email: "Email"
    case .chat: "Live chat"
    case .social: "Social media"
    case .api: "API"
    case .phone: "Phone"
    case .post: "Post"
    case .staff: "Staff"
    }
  }
}

public enum CasePriority: String, Sendable, Codable, CaseIterable, Hashable {
  case normal, urgent
}
