import CaseworkCore
import Foundation

/// A deadline as the case page shows it: in words, with its history of pauses and extensions.
struct DeadlineView: Encodable {
  struct ExtensionView: Encodable {
    var when: String
    var by: String
    var reason: String
    var from: String
    var to: String
  }

  var id: String
  var title: String
  var clock: String
  var length: String
  var started: String
  var due: String
  var stateName: String
  var stateClass: String
  var timeLeft: String
  var pausedFor: String?
  var met: String?
  var extensions: [ExtensionView]
  var hasExtensions: Bool
  var canExtend: Bool

  init(_ deadline: Deadline, text: DeadlineText, now: Date, dates: DisplayDates) {
    id = deadline.id.lowercaseString
    title = Self.title(deadline.name)
    clock = Self.clockName(deadline.clock)
    length = deadline.length.description
    started = dates.string(deadline.startAt)
    due = deadline.dueAt.map(dates.string) ?? "not set while paused"
    stateName = deadline.state.rawValue.capitalized
    stateClass = deadline.state.rawValue
    timeLeft = text.timeLeft(deadline, now: now)
    let paused = Int(deadline.pausedSeconds(now: now))
    pausedFor = paused > 0 ? DeadlineText.hoursAndMinutes(milliseconds: Int64(paused) * 1000) : nil
    met = deadline.metAt.map(dates.string)
    extensions = deadline.extensions.map {
      ExtensionView(
        when: dates.string($0.at), by: $0.by, reason: $0.reason, from: $0.previousDueAt.map(dates.string) ?? "–",
        to: dates.string($0.newDueAt))
    }
    hasExtensions = !extensions.isEmpty
    canExtend = deadline.metAt == nil && deadline.state != .met
  }

  /// `first_response` → "First response".
  static func title(_ name: String) -> String {
    let words = name.replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }

  static func clockName(_ clock: DeadlineClock) -> String {
    switch clock.kind {
    case .workingDays: "working days"
    case .realTime: "real time (24x7)"
    case .calendarDays: "calendar days"
    case .businessHours: (clock.timetable ?? "business").replacingOccurrences(of: "_", with: " ")
    }
  }

  /// The inbox's one line: the most urgent deadline not yet met, or nil.
  static func mostUrgent(_ deadlines: [Deadline], text: DeadlineText, now: Date) -> String? {
    let open = deadlines.filter { $0.metAt == nil && $0.state != .met }
    let urgent = open.filter { $0.dueAt != nil }.min { $0.dueAt! < $1.dueAt! } ?? open.first
    return urgent.map { "\(title($0.name)): \(text.timeLeft($0, now: now))" }
  }
}

/// The notifications page.
struct NotificationsPage: Encodable {
  struct Item: Encodable {
    var message: String
    var when: String
    var unread: Bool
    var kindName: String
    var caseLink: String?
  }

  var layout: Layout
  var items: [Item]
  var hasItems: Bool
  var hasUnread: Bool
}
