import CaseworkCore
import CaseworkServer
import Foundation
import Testing
import Vapor

extension BrowserJourneys {
  /// Issue 20's incident seams in Chromium: triage that informs, and a status page that follows
  /// the incident from publication to resolution.
  @Suite("Incidents kept in step with the public, in the browser", .serialized)
  struct IncidentPromiseBrowserTests {
    @Test(
      "a practice reports; triage shows the report and refuses a hurried declare; the status page follows the incident to its resolution"
    )
    func reportToResolution() async throws {
      try await withApp(.sqlite) { app in
        let manager = try await app.makeStaff("ian@casework.test", role: .incidentManager)
        _ = try await app.casework.status.addComponent(name: "Prescriptions", at: Date())
        _ = try await app.casework.status.addComponent(name: "Appointments", at: Date())
        try await withBrowser(app) { browser, site in
          // A practice manager reports on a laptop.
          try await browser.setWindowSize(width: 1280, height: 900)
          try await browser.open("\(site)/report-incident")
          try await browser.type("#affected", "Repeat prescriptions")
          try await browser.click("#patient_safety_yes")
          try await browser.click("input[name=personal_data][value=no]")
          try await browser.type("#description", "Nothing has sent since 09:00; patients will miss doses.")
          try await browser.type("#name", "Dr Rao")
          try await browser.type("#organisation", "Riverside Surgery")
          try await browser.type("#email", "rao@nhs.net")
          try await browser.click("#submit")
          #expect(try await browser.text("#reference") == "SR-2026-000001")

          // The incident manager triages it with everything the reporter said in front of them.
          try await browser.open("\(site)/staff/login")
          try await browser.type("#email", manager.email)
          try await browser.type("#password", "correct horse battery")
          try await browser.click("form[action='/staff/login'] button[type=submit]")
          _ = try await browser.waitFor("Sign out")
          try await browser.open("\(site)/staff/triage")
          let card = try await browser.text(".triage-item")
          #expect(card.contains("Nothing has sent since 09:00; patients will miss doses."))
          #expect(card.contains("Patient safety could be affected"))
          #expect(card.contains("Dr Rao, Riverside Surgery"))
          try await browser.click(".triage-item input[value=declare]")
          try await browser.click(".triage-item button.button:not(.secondary)")
          #expect(try await browser.text(".error-summary").contains("Choose the impact"))
          #expect(try await app.casework.cases.list(CaseQuery(kind: .incident, includeTotal: true)).total == 0)
          try await browser.click(".triage-item select[name=impact] option[value='2']")
          try await browser.click(".triage-item select[name=urgency] option[value='2']")
          try await browser.click(".triage-item button[name=check]")
          #expect(try await browser.text(".triage-item [role=status]").hasPrefix("Severity 2: resolve within 8 hours"))
          try await browser.click(".triage-item button.button:not(.secondary)")
          _ = try await browser.waitFor("Severity")
          #expect(try await browser.text("#severity") == "2")

          // Publishing with the part affected: every public page says so, and nothing contradicts it.
          try await browser.click("form[action$='/incident/components'] input[type=checkbox]")
          try await browser.click("form[action$='/incident/components'] button[type=submit]")
          try await browser.type("#update_text", "Repeat prescriptions are not being sent. We are working on it.")
          try await browser.click("input[name=public]")
          try await browser.click("input[name=publish]")
          try await browser.click("form[action$='/incident/updates'] button[type=submit]")
          _ = try await browser.waitFor("Repeat prescriptions are not being sent.")
          let incidentPage = try await browser.execute("return location.pathname") as? String ?? ""
          try await Task.sleep(for: .seconds(3.2))
          try await browser.open("\(site)/support")
          #expect(try await browser.text("#status-banner").contains("There is currently an issue with the service"))
          try await browser.open("\(site)/status")
          #expect(try await browser.text("#overall-status") == "Partial outage")
          let status = try await browser.pageText()
          #expect(status.contains("Repeat prescriptions are not being sent."))
          #expect(!status.contains("There are no current incidents."))
          try await browser.screenshot(to: NSTemporaryDirectory() + "casework-status-incident.png")

          // Resolved: the resolution is published, the parts restored, the banner gone.
          try await browser.open(site + incidentPage)
          try await browser.type("#summary", "A stuck queue was cleared; prescriptions are sending again.")
          try await browser.click("form[action$='/incident/resolve'] button[type=submit]")
          _ = try await browser.waitFor("A stuck queue was cleared")
          try await Task.sleep(for: .seconds(3.2))
          try await browser.open("\(site)/status")
          #expect(try await browser.text("#overall-status") == "All systems operational")
          #expect(try await browser.pageText().contains("Resolved: A stuck queue was cleared; prescriptions are sending again."))
          #expect(!(try await browser.pageText().contains("There is currently an issue with the service")))
        }
      }
    }
  }
}
