import Foundation

/// The lifecycle of a case: new → open → pending requester → resolved → closed.
/// A requester's reply reopens a case that is waiting on them, resolved or closed.
public enum CaseStatus: String, Sendable, Codable, CaseIterable, Hashable {
  case new
  case open
  case pendingRequester = "pending_requester"
  case resolved
  case closed

  public var displayName: String {
    switch self {
    case .new: "New"
    case .open: "Open"
    case .pendingRequester: "Pending requester"
    case .resolved: "Resolved"
    case .closed: "Closed"
    }
  }

  /// Statuses staff may move a case to from this one.
  public var allowedNext: Set<CaseStatus> {
    switch self {
    case .new: [.open, .pendingRequester, .resolved, .closed]
    case .open: [.pendingRequester, .resolved, .closed]
    case .pendingRequester: [.open, .resolved, .closed]
    case .resolved: [.open, .closed]
    case .closed: [.open]
    }
  }

  public func canMove(to next: CaseStatus) -> Bool {
    next == self || allowedNext.contains(next)
  }

  /// The status after the requester writes to us: anything waiting on them or finished reopens.
  public var afterRequesterReply: CaseStatus {
    switch self {
    case .new: .new
    case .open, .pendingRequester, .resolved, .closed: .open
    }
  }

  /// Whether the case still needs work from staff (used by the inbox's default filter).
  public var isActive: Bool { self != .resolved && self != .closed }
}
