import CaseworkCore
import Testing

private func day(_ text: String) -> LocalDate { LocalDate(text)! }

private func decide(
  _ preset: EligibilityPreset, received: String, incident: String?, discovered: String? = nil
) -> EligibilityDecision {
  ComplaintEligibility.decide(
    ComplaintDates(received: day(received), incident: incident.map(day), discovered: discovered.map(day)), preset: preset)
}

@Suite("Complaint eligibility (domain §5)")
struct ComplaintEligibilityTests {
  @Test(
    "months are added to the same day, or the last day of a shorter month",
    arguments: [
      ("2025-08-31", 6, "2026-02-28"), ("2023-08-31", 6, "2024-02-29"), ("2024-02-29", 12, "2025-02-28"),
      ("2024-02-29", 48, "2028-02-29"), ("2026-01-31", 1, "2026-02-28"), ("2026-03-31", 1, "2026-04-30"),
      ("2026-07-15", 6, "2027-01-15"), ("2025-12-31", 12, "2026-12-31"), ("2026-05-31", -3, "2026-02-28"),
    ])
  func addingMonths(start: String, months: Int, expected: String) {
    #expect(day(start).adding(months: months) == day(expected))
  }

  @Test("the source policy: the day before, on, and after 6 months from the incident")
  func sixMonthsFromIncident() {
    #expect(decide(.sourcePolicy, received: "2026-03-14", incident: "2025-09-15").eligible == true)
    #expect(decide(.sourcePolicy, received: "2026-03-15", incident: "2025-09-15").eligible == true)
    let late = decide(.sourcePolicy, received: "2026-03-16", incident: "2025-09-15", discovered: "2025-09-15")
    #expect(late.eligible == false)
    #expect(late.rule == "more than 6 months after the incident")
    #expect(late.reason == "Received 6 months and 1 day after the incident, which is more than 6 months.")
  }

  @Test("the source policy at month ends: 31 August to 28 February, and to 29 February in a leap year")
  func monthEnds() {
    #expect(decide(.sourcePolicy, received: "2026-02-28", incident: "2025-08-31").eligible == true)
    #expect(decide(.sourcePolicy, received: "2026-03-01", incident: "2025-08-31", discovered: "2025-08-31").eligible == false)
    #expect(decide(.sourcePolicy, received: "2024-02-29", incident: "2023-08-31").eligible == true)
    #expect(decide(.sourcePolicy, received: "2024-03-01", incident: "2023-08-31", discovered: "2023-08-31").eligible == false)
  }

  @Test("the source policy: 6 months from discovery counts only within 12 months of the incident")
  func discovery() {
    // Found out 1 March; 6 months from then is 1 September; 12 months from the incident is 10 January 2027.
    let inTime = decide(.sourcePolicy, received: "2026-09-01", incident: "2026-01-10", discovered: "2026-03-01")
    #expect(inTime.eligible == true)
    #expect(inTime.rule == "within 6 months of discovery and 12 months of the incident")
    #expect(
      inTime.reason
        == "Received 7 months and 22 days after the incident and 6 months after you found out: within 6 months of finding out and within 12 months of the incident."
    )
    let afterDiscoveryLimit = decide(.sourcePolicy, received: "2026-09-02", incident: "2026-01-10", discovered: "2026-03-01")
    #expect(afterDiscoveryLimit.eligible == false)
    #expect(afterDiscoveryLimit.rule == "more than 6 months after discovery")
    // Found out late: the 12-month cap from the incident decides, the day before, on and after.
    #expect(decide(.sourcePolicy, received: "2027-01-09", incident: "2026-01-10", discovered: "2026-12-01").eligible == true)
    #expect(decide(.sourcePolicy, received: "2027-01-10", incident: "2026-01-10", discovered: "2026-12-01").eligible == true)
    let capped = decide(.sourcePolicy, received: "2027-01-11", incident: "2026-01-10", discovered: "2026-12-01")
    #expect(capped.eligible == false)
    #expect(capped.rule == "more than 12 months after the incident")
    #expect(
      capped.reason.hasPrefix("Received 12 months and 1 day after the incident and 1 month and 10 days after you found out."))
  }

  @Test("the NHS England preset: 12 months from the event or, if later, from discovery")
  func nhsEngland() {
    #expect(decide(.nhsEngland, received: "2026-09-14", incident: "2025-09-15").eligible == true)
    #expect(decide(.nhsEngland, received: "2026-09-15", incident: "2025-09-15").eligible == true)
    let late = decide(.nhsEngland, received: "2026-09-16", incident: "2025-09-15", discovered: "2025-09-15")
    #expect(late.eligible == false)
    #expect(late.reason == "Received 12 months and 1 day after the event, which is more than 12 months.")
    let discovered = decide(.nhsEngland, received: "2027-02-28", incident: "2025-09-15", discovered: "2026-02-28")
    #expect(discovered.eligible == true)
    #expect(discovered.rule == "within 12 months of discovery")
    #expect(decide(.nhsEngland, received: "2027-03-01", incident: "2025-09-15", discovered: "2026-02-28").eligible == false)
    // Leap day: 12 months from 29 February 2024 is 28 February 2025.
    #expect(decide(.nhsEngland, received: "2025-02-28", incident: "2024-02-29").eligible == true)
    #expect(decide(.nhsEngland, received: "2025-03-01", incident: "2024-02-29", discovered: "2024-02-29").eligible == false)
  }

  @Test("missing dates: eligibility says what it could not decide and asks staff")
  func missingDates() {
    let noIncident = decide(.sourcePolicy, received: "2026-11-21", incident: nil, discovered: "2026-11-01")
    #expect(noIncident.eligible == nil)
    #expect(noIncident.reason.contains("do not know when the problem happened"))
    let noDiscovery = decide(.sourcePolicy, received: "2026-11-21", incident: "2026-01-01")
    #expect(noDiscovery.eligible == nil)
    #expect(noDiscovery.reason.contains("please ask them when they found out"))
    // Within 6 months of the incident, discovery does not matter.
    #expect(decide(.sourcePolicy, received: "2026-11-21", incident: "2026-10-01").eligible == true)
    #expect(decide(.nhsEngland, received: "2026-11-21", incident: nil).eligible == nil)
    #expect(decide(.nhsEngland, received: "2026-11-21", incident: nil, discovered: "2026-01-01").eligible == true)
    #expect(decide(.nhsEngland, received: "2026-11-21", incident: "2024-01-01").eligible == nil)
  }

  @Test("dates that cannot be right are refused with a reason")
  func badDates() {
    let today = day("2026-11-21")
    func fields(_ dates: ComplaintDates) -> [String] { dates.problems(today: today).map(\.field) }
    #expect(fields(ComplaintDates(received: today, incident: day("2026-11-22"), discovered: nil)) == ["incidentDate"])
    #expect(fields(ComplaintDates(received: today, incident: day("1899-12-31"), discovered: nil)) == ["incidentDate"])
    #expect(
      fields(ComplaintDates(received: today, incident: day("2026-06-01"), discovered: day("2026-05-01"))) == ["discoveredDate"])
    #expect(fields(ComplaintDates(received: day("2026-11-22"), incident: nil, discovered: nil)) == ["receivedAt"])
    #expect(fields(ComplaintDates(received: today, incident: day("2026-06-01"), discovered: day("2026-07-01"))).isEmpty)
    let message = ComplaintDates(received: today, incident: day("2026-06-01"), discovered: day("2026-05-01")).problems(
      today: today)[0].message
    #expect(message == "The date you found out cannot be before the date it happened.")
  }

  @Test("elapsed time is whole months and the days after them")
  func elapsed() {
    #expect(day("2025-08-31").elapsed(to: day("2026-02-28")) == (6, 0))
    #expect(day("2025-08-31").elapsed(to: day("2026-03-01")) == (6, 1))
    #expect(day("2026-01-10").elapsed(to: day("2026-01-25")) == (0, 15))
    #expect(day("2026-01-10").elapsed(to: day("2026-01-10")) == (0, 0))
  }
}
