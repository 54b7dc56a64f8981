import CaseworkCore
import CaseworkServer
import CaseworkStore
import CaseworkTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

/// The listing statement leaves its rows' order to the store's own sort; these check that sort
/// against one written here, with ties on time broken by id as each engine orders ids.
@Suite("Listing order on SQLite and PostgreSQL")
struct ListingOrderTests {
  @Test(
    "every sort lists cases as sorting them here does, and each case's deadlines by start then name",
    arguments: Engine.withSQLiteFile)
  func everySort(engine: Engine) async throws {
    // A clock that stands still unless moved, so that several cases share each instant.
    let clock = SteppingWallClock(start: testStart, step: 0)
    try await withApp(engine, clock: clock) { app in
      let staff = try await app.makeStaff()
      let service = app.casework.cases
      var ids: [CaseID] = []
      for group in 0..<4 {
        for index in 0..<4 {
          ids.append(try await app.openCase(subject: "Case \(group)-\(index)", email: "p\(group)\(index)@example.com").record.id)
        }
        let complaint = try await service.open(
          NewCaseInput(
            kind: .complaint, channel: .web, subject: "Complaint \(group)", description: "It went wrong.",
            requesterName: "Bea", requesterEmail: "bea\(group)@example.com"),
          by: .system)
        ids.append(complaint.record.id)
        clock.advance(by: 3600)
      }
      // Later changes: different update times, and resolved cases with no open deadline.
      for (step, id) in [ids[2], ids[7], ids[11], ids[0]].enumerated() {
        clock.advance(by: Double(step + 1) * 60)
        _ = try await service.update(id, with: CaseUpdate(status: .resolved, tags: ["done"]), by: .staff(staff.id))
      }
      clock.advance(by: 60)
      _ = try await service.update(ids[5], with: CaseUpdate(tags: ["later"]), by: .staff(staff.id))

      // Extra deadlines on two cases: one starting earlier, two starting together (named apart).
      let db = app.db as! any SQLDatabase
      for (id, name, offset) in [(ids[1], "zz_later", 0.0), (ids[1], "aa_same_start", 0.0), (ids[6], "earlier", -600.0)] {
        let original = try #require(try await service.deadlines(of: id).first)
        try await db.raw(
          """
          INSERT INTO deadlines (id, case_id, name, clock, length, warn_fraction, pausable, start_at, due_at, warn_at, state,
            met_at, warned_at, breach_notified_at, pauses, extensions)
          SELECT \(bind: UUID()), case_id, \(bind: name), clock, length, warn_fraction, pausable, \(bind: original.startAt.addingTimeInterval(offset)),
            due_at, warn_at, state, met_at, warned_at, breach_notified_at, pauses, extensions
          FROM deadlines WHERE id = \(bind: original.id)
          """
        ).run()
      }

      var all: [Case] = []
      for id in ids { all.append(try #require(try await service.find(id: id))) }
      #expect(Set(all.map(\.createdAt)).count == 4)

      for sort in CaseSort.allCases {
        let expected = all.sorted { Self.precedes($0, $1, sort) }.map(\.id)
        for includeDeadlines in [false, true] {
          var query = CaseQuery(sort: sort, limit: 200)
          query.includeDeadlines = includeDeadlines
          let listed = try await service.list(query)
          #expect(listed.cases.map(\.id) == expected, "\(sort), deadlines \(includeDeadlines)")
          // Every listed case reads back whole, as it does by itself.
          #expect(listed.cases == all.sorted { Self.precedes($0, $1, sort) }, "\(sort), deadlines \(includeDeadlines)")
          // Pages of four, by offset, make the same list.
          var paged: [CaseID] = []
          for offset in stride(from: 0, to: ids.count, by: 4) {
            query.limit = 4
            query.offset = offset
            paged += try await service.list(query).cases.map(\.id)
          }
          #expect(paged == expected, "\(sort) in pages, deadlines \(includeDeadlines)")
          guard includeDeadlines else { continue }
          for id in ids {
            let stored = try await service.deadlines(of: id)
              .sorted { $0.startAt != $1.startAt ? $0.startAt < $1.startAt : $0.name < $1.name }
            #expect(listed.deadlines[id] ?? [] == stored)
          }
        }
      }
      var withDeadlines = CaseQuery(limit: 200)
      withDeadlines.includeDeadlines = true
      let page = try await service.list(withDeadlines)
      #expect(page.deadlines[ids[1]]?.map(\.name) == ["aa_same_start", "first_response", "zz_later"])
      #expect(page.deadlines[ids[6]]?.map(\.name) == ["earlier", "first_response"])
    }
  }

  /// The order each sort promises, written out independently of the store's.
  static func precedes(_ a: Case, _ b: Case, _ sort: CaseSort) -> Bool {
    // Both engines order ids as their 16 bytes, which is the order of the upper-case text.
    let (x, y) = (a.id.uuidString, b.id.uuidString)
    switch sort {
    case .newest: return (a.createdAt, x) > (b.createdAt, y)
    case .oldest: return (a.createdAt, x) < (b.createdAt, y)
    case .updated: return (a.updatedAt, x) > (b.updatedAt, y)
    case .deadline:
      let farFuture = Date.distantFuture
      return (a.nextDueAt == nil ? 1 : 0, a.nextDueAt ?? farFuture, a.createdAt, x)
        < (b.nextDueAt == nil ? 1 : 0, b.nextDueAt ?? farFuture, b.createdAt, y)
    }
  }
}
