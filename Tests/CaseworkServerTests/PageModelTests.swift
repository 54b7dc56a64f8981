import CaseworkCore
import CaseworkTestSupport
import Foundation
import Testing

@testable import CaseworkServer

/// Page view models are built from Core values: a page can be checked without a request.
@Suite("Page models from values")
struct PageModelTests {
  static let now = Date(timeIntervalSince1970: 1_795_000_000)

  static func context(_ user: StaffUser?, path: String) -> PageContext {
    PageContext(
      csrf: "token", formKey: "key", staff: user, path: path, organisation: "Example Health",
      safetyNotice: "Call 999 in an emergency.")
  }

  @Test("the case page: its forms' addresses, masked subject, and deadline extension only for managers")
  func casePage() async throws {
    let service = CaseService(
      cases: InMemoryCaseRepository(), clock: SteppingWallClock(start: Self.now), hasher: ReversingHasher())
    let opened = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Login fails for 943 476 5919", description: "The app will not open",
        requesterName: "Ann Example", requesterEmail: "ann@example.com"),
      by: .requester, autoReply: false)
    let detail = try await service.detail(opened.record.id)
    let specialist = StaffUser(
      email: "sam@example.com", name: "Sam", role: .supportSpecialist, passwordHash: "", createdAt: Self.now)
    let manager = StaffUser(email: "mo@example.com", name: "Mo", role: .supportManager, passwordHash: "", createdAt: Self.now)
    let text = DeadlineText(calendars: Calendars(holidays: BankHolidays(events: [])))
    let id = opened.record.id.lowercaseString

    let page = StaffCasePage(
      Self.context(specialist, path: "/staff/cases/\(id)"), detail: detail, staff: [specialist, manager], now: Self.now,
      text: text)
    #expect(page.paths.reply == "/staff/cases/\(id)/reply")
    #expect(page.paths.extendDeadline == "/staff/cases/\(id)/deadlines/extend")
    #expect(page.c.subject == NHSNumber.mask(in: "Login fails for 943 476 5919"))
    #expect(!page.c.subject.contains("943 476 5919"))
    #expect(!page.layout.title.contains("943 476 5919"))
    #expect(page.hasDeadlines)
    #expect(!page.mayExtend)
    #expect(page.layout.staff?.links.first { $0.current }?.label == "Inbox")
    #expect(page.assigneeOptions.map(\.label).contains("Mo (Support team manager)"))

    let managers = StaffCasePage(
      Self.context(manager, path: "/staff/cases/\(id)"), detail: detail, staff: [specialist, manager], now: Self.now,
      text: text)
    #expect(managers.mayExtend)
  }

  @Test("the layout: public pages carry the organisation's name; staff pages the console's navigation")
  func layout() {
    let publicPage = Layout(Self.context(nil, path: "/support"), title: "Contact us")
    #expect(publicPage.siteName == "Example Health")
    #expect(publicPage.staff == nil)
    #expect(publicPage.paths.support == "/support")
    let admin = StaffUser(email: "ad@example.com", name: "Ad", role: .admin, passwordHash: "", createdAt: Self.now)
    let staffPage = Layout(Self.context(admin, path: "/staff/users"), title: "Users")
    #expect(staffPage.siteName == "Casework")
    #expect(staffPage.staff?.links.first { $0.current }?.href == "/staff/users")
  }

  @Test("a report's year links and the support form, from values")
  func reportLinksAndSupportForm() {
    let links = YearLinks(page: .complaintReport, csv: .complaintReportCSV, year: 2026)
    #expect(links.previous == "/staff/reports/complaints?year=2025")
    #expect(links.next == "/staff/reports/complaints?year=2027")
    #expect(links.csv == "/staff/reports/complaints.csv?year=2026")
    let form = SupportFormPage(Self.context(nil, path: "/support"))
    #expect(form.layout.title == "Contact technical support")
    #expect(form.layout.formKey == "key")
  }

  @Test("the users page and the requester's page, from values: their forms' addresses")
  func usersAndRequesterPages() async throws {
    let admin = StaffUser(email: "ad@example.com", name: "Ad", role: .admin, passwordHash: "", createdAt: Self.now)
    let sam = StaffUser(email: "sam@example.com", name: "Sam", role: .supportSpecialist, passwordHash: "", createdAt: Self.now)
    let users = UsersPage(Self.context(admin, path: "/staff/users"), users: [admin, sam], twoFactorForEveryone: false)
    let samView = try #require(users.users.first { $0.email == "sam@example.com" })
    #expect(samView.updateAction == "/staff/users/\(sam.id.lowercaseString)")
    #expect(samView.twoFactorAction == "/staff/users/\(sam.id.lowercaseString)/two-factor")

    let service = CaseService(
      cases: InMemoryCaseRepository(), clock: SteppingWallClock(start: Self.now), hasher: ReversingHasher())
    let opened = try await service.open(
      NewCaseInput(
        channel: .web, subject: "Cannot log in", description: "The app will not open", requesterName: "Ann Example",
        requesterEmail: "ann@example.com"),
      by: .requester, autoReply: false)
    let page = RequesterCasePage(
      Self.context(nil, path: "/my-case/token"), record: opened.record, messages: [], deadlines: [], token: "abc-_123")
    #expect(page.replyAction == "/my-case/abc-_123/reply")
    #expect(page.escalateAction == "/my-case/abc-_123/escalate")
    #expect(page.layout.staff == nil)
  }

  @Test("the complaint forms, from values: the time limit of the preset in force, and the dates as typed")
  func complaintForms() {
    let source = ComplaintFormPage(Self.context(nil, path: "/complaints/new"), preset: .sourcePolicy)
    let nhs = ComplaintFormPage(Self.context(nil, path: "/complaints/new"), preset: .nhsEngland)
    #expect(source.timeLimit.contains("within 6 months"))
    #expect(nhs.timeLimit.contains("within 12 months"))
    #expect(source.timeLimit != nhs.timeLimit)

    let manager = StaffUser(email: "mo@example.com", name: "Mo", role: .supportManager, passwordHash: "", createdAt: Self.now)
    let typed = DateFields(day: "3", month: "11", year: "2026", whole: nil)
    let recorded = RecordComplaintPage(
      Self.context(manager, path: "/staff/complaints/new"),
      form: StaffRecordComplaintController.Submission(channel: "post", email: StaffRecordComplaintController.noEmail),
      dates: ["received_date": typed], errors: FormErrors([FieldError(field: "subject", message: "Enter a subject.")]))
    #expect(recorded.layout.title.hasPrefix("Error: "))
    #expect(recorded.postChecked && !recorded.phoneChecked)
    #expect(recorded.form.email == nil)
    #expect(recorded.dates["received_date"]?.day == "3")
    #expect(recorded.dates["incident_date"]?.day == "")
    #expect(recorded.errors["subject"] == "Enter a subject.")
  }
}
