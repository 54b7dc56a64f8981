import CaseworkCore
import Testing

@testable import CaseworkStore

@Suite("The listing's statement")
struct ListingStatementTests {
  @Test("a listing reads every column a case is made from, and never the requester's link hash; on PostgreSQL as one value a row")
  func columns() {
    for (postgres, records) in [(false, false), (true, true), (true, false)] {
      for includeDeadlines in [false, true] {
        var query = CaseQuery(limit: 50)
        query.includeDeadlines = includeDeadlines
        let statement = CaseListStatement.page(query, limit: 50, postgres: postgres, records: records)
        let sql = statement.sql
        #expect(!sql.contains("access_token_hash"), "\(sql)")
        for column in CaseRow.columns where column != "access_token_hash" {
          #expect(sql.contains(column), "\(column) in \(sql)")
        }
        // Read through the driver, PostgreSQL sends each row as one composite value, whose
        // fields it does not name; through SQLKit, plain columns.
        if records {
          #expect(sql.hasPrefix("SELECT ROW("), "\(sql)")
          let expected = CaseRow.listedColumns + (includeDeadlines ? DeadlineRow.joinedColumns : [])
          #expect(statement.recordFields == expected)
          let select = sql[..<(sql.range(of: ") FROM")?.lowerBound ?? sql.endIndex)]
          #expect(select.split(separator: ",").count == expected.count, "\(select)")
        } else {
          #expect(statement.recordFields == nil)
        }
      }
    }
    #expect(CaseRow.listedColumns.count == CaseRow.columns.count - 1)
  }
}
