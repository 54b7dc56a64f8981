import CaseworkCore
import CaseworkPolicy
import Foundation
import Testing

@Suite("The deadline policy file")
struct PolicyFileTests {
  @Test("the shipped file is valid and is exactly the domain rules")
  func shipped() throws {
    let policy = try PolicyFile.parse(PolicyFile.shippedText())
    #expect(policy.rules == DeadlinePolicy.standard.rules)
    #expect(Set(policy.timetables.map(\.name)) == ["live_chat", "supported_hours"])
    #expect(policy.timetables.first { $0.name == "live_chat" } == Timetable.liveChat)
    #expect(policy.timetables.first { $0.name == "supported_hours" } == Timetable.supportedHours)
    #expect(policy.rule(named: "resolve", kind: .incident, severity: 3)?.length == DeadlineLength(40, .hours))
    #expect(policy.rule(named: "resolve", kind: .incident, severity: 3)?.clock == .businessHours("supported_hours"))
  }

  func problems(_ text: String) -> [PolicyFile.Problem] {
    do {
      _ = try PolicyFile.parse(text)
      return []
    } catch {
      return error.problems
    }
  }

  /// The shipped file with one line replaced.
  func shippedReplacing(_ old: String, with new: String) -> String {
    let text = PolicyFile.shippedText()
    precondition(text.contains(old))
    return text.replacingOccurrences(of: old, with: new)
  }

  /// The line holding `text`; a leading `~` asks for its last occurrence.
  func line(of text: String, in file: String) -> Int {
    let lines = file.components(separatedBy: "\n")
    if text.hasPrefix("~") { return (lines.lastIndex { $0.contains(text.dropFirst()) } ?? -1) + 1 }
    return (lines.firstIndex { $0.contains(text) } ?? -1) + 1
  }

  @Test("the status page's history is a policy figure: 90 days shipped, another accepted, nonsense refused by line")
  func statusHistory() throws {
    #expect(try PolicyFile.parse(PolicyFile.shippedText()).statusHistoryDays == 90)
    #expect(try PolicyFile.parse(shippedReplacing("  history_days: 90", with: "  history_days: 30")).statusHistoryDays == 30)
    let refused = problems(shippedReplacing("  history_days: 90", with: "  history_days: 0"))
    #expect(refused.map(\.field) == ["status_page.history_days"])
    #expect(refused.first?.line ?? 0 > 0)
    #expect(
      problems(shippedReplacing("  history_days: 90", with: "  history_day: 90")).map(\.field) == ["status_page.history_day"])
  }

  @Test("each kind of error names its line and field")
  func eachError() throws {
    let cases: [(String, String, String, String)] = [
      (
        "    clock: working_days\n    duration: 2 working days", "    clock: workday\n    duration: 2 working days",
        "deadlines.first_response.clock", "clock: workday"
      ),
      ("    duration: 3 working days", "    duration: three days", "deadlines.acknowledge.duration", "three days"),
      ("    duration: 72 hours", "    duration: 3 working days", "deadlines.breach_report.duration", "~duration: 3 working days"),
      (
        "    starts: breach_aware", "    starts: breach_aware\n    pause_while_waiting: true",
        "deadlines.breach_report.pause_while_waiting", "~pause_while_waiting: true"
      ),
      ("    starts: acknowledgement_sent", "    starts: acknowledged", "deadlines.investigate.starts", "starts: acknowledged"),
      (
        "      3: { clock: business_hours, timetable: supported_hours, duration: 40 hours }",
        "      3: { clock: business_hours, timetable: office, duration: 40 hours }", "deadlines.resolve.by_severity.3.timetable",
        "timetable: office"
      ),
      (
        "      4: { clock: business_hours, timetable: supported_hours, duration: 120 hours }",
        "      4: { clock: business_hours, duration: 120 hours }", "deadlines.resolve.by_severity.4.timetable",
        "      4: { clock: business_hours, duration"
      ),
      (
        "    saturday: closed\n    sunday: closed\n    bank_holidays: closed",
        "    saturday: \"18:00-09:00\"\n    sunday: closed\n    bank_holidays: closed", "timetables.supported_hours.saturday",
        "18:00-09:00"
      ),
      ("warn_at_percent: 75", "warn_at_percent: 150", "warn_at_percent", "warn_at_percent: 150"),
      (
        "    pause_while_waiting: true", "    pause_while_waiting: true\n    colour: red", "deadlines.first_response.colour",
        "colour: red"
      ),
    ]
    for (old, new, field, marker) in cases {
      let file = shippedReplacing(old, with: new)
      let found = problems(file)
      #expect(found.count == 1, "\(field): \(found)")
      #expect(found.first?.field == field)
      #expect(found.first?.line == line(of: marker.components(separatedBy: "\n")[0], in: file), "\(field)")
      #expect(found.first?.message.isEmpty == false)
    }
  }

  @Test("a missing required deadline, broken YAML, and several errors at once")
  func wholeFile() {
    let missing = problems(shippedReplacing("  follow_up:\n", with: "  follow_up_later:\n"))
    #expect(missing.contains { $0.field == "deadlines.follow_up" && $0.message.contains("Missing") })
    let broken = problems("version: 1\ndeadlines:\n  acknowledge: [unclosed\n")
    #expect(broken.count == 1)
    #expect(broken.first?.field == "syntax")
    #expect(broken.first.map { $0.line >= 3 } == true)
    let several = problems(
      shippedReplacing("    duration: 10 working days", with: "    duration: 10 fortnights").replacingOccurrences(
        of: "version: 1", with: "version: 2"))
    #expect(several.map(\.field).sorted() == ["deadlines.investigate.duration", "version"])
    #expect(problems("- a\n- b\n").first?.field == "file")
  }
}
