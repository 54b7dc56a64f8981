import CaseworkCore
import Testing

@Suite("Incident severity (domain §6)")
struct SeverityMatrixTests {
  /// The table exactly as domain §6 prints it: rows are impact, columns urgency.
  static let expected: [[Int]] = [
    [1, 1, 2, 2, 3],
    [1, 2, 2, 3, 4],
    [2, 3, 3, 4, 4],
    [3, 3, 4, 4, 5],
    [4, 5, 5, 5, 5],
  ]

  @Test("every cell of the matrix", arguments: IncidentImpact.allCases, IncidentUrgency.allCases)
  func cell(impact: IncidentImpact, urgency: IncidentUrgency) {
    #expect(
      SeverityMatrix.severity(impact: impact, urgency: urgency) == Self.expected[impact.rawValue - 1][urgency.rawValue - 1])
  }

  @Test("greater impact or urgency never gives a lower severity")
  func monotone() {
    for impact in IncidentImpact.allCases {
      for urgency in IncidentUrgency.allCases {
        let here = SeverityMatrix.severity(impact: impact, urgency: urgency)
        if let worse = IncidentImpact(rawValue: impact.rawValue - 1) {
          #expect(SeverityMatrix.severity(impact: worse, urgency: urgency) <= here)
        }
        if let sooner = IncidentUrgency(rawValue: urgency.rawValue - 1) {
          #expect(SeverityMatrix.severity(impact: impact, urgency: sooner) <= here)
        }
      }
    }
  }

  @Test("a severity outside 1 to 5 is refused")
  func outside() throws {
    #expect(throws: CaseworkError.self) { try SeverityMatrix.validSeverity(0) }
    #expect(throws: CaseworkError.self) { try SeverityMatrix.validSeverity(6) }
    #expect(try SeverityMatrix.validSeverity(3) == 3)
  }
}
