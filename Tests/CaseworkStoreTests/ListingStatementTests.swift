import CaseworkCore
import Testing

@testable import CaseworkStore

@Suite("The listing's statement")
struct ListingStatementTests {
  @Test("a listing reads every column a case is made from, and never the requester's link hash")
  func columns() {
    for postgres in [false, true] {
      for includeDeadlines in [false, true] {
        var query = CaseQuery(limit: 50)
        query.includeDeadlines = includeDeadlines
        let sql = CaseListStatement.page(query, limit: 50, postgres: postgres).sql
        #expect(!sql.contains("access_token_hash"), "\(sql)")
        for column in CaseRow.columns where column != "access_token_hash" {
          #expect(sql.contains(column), "\(column) in \(sql)")
        }
      }
    }
    #expect(CaseRow.listedColumns.count == CaseRow.columns.count - 1)
  }
}
