import CaseworkCore
import Foundation

/// Group commit (see `GroupCommit`) for case creation, on the dedicated writer's connection
/// when there is one; everything else passes straight through.
public struct BatchingCaseRepository: CaseRepository {
  let base: SQLCaseRepository
  let batcher: GroupCommit<CaseDraft, Case>

  public init(base: SQLCaseRepository, writer: DedicatedWriter? = nil, maxBatch: Int = 256) {
    self.base = base
    self.batcher = GroupCommit(maxBatch: maxBatch, executor: writer?.taskExecutor) { drafts in
      guard let writer else { return try await base.create(drafts) }
      if !writer.takesAllTransactions {
        // PostgreSQL: the references' reservation, then the rows in one statement, each whole
        // by itself; without BEGIN and COMMIT, two round trips to the server instead of four.
        // A batch that fails after reserving leaves a gap in the numbers, as a rolled-back
        // transaction does.
        return try await writer.autocommit { db in
          try await SQLCaseRepository.insert(drafts, on: db, inTransaction: false)
        }
      }
      return try await writer.transaction { db in try await SQLCaseRepository.insert(drafts, on: db) }
    }
  }

  public func create(_ drafts: [CaseDraft]) async throws -> [Case] { try await batcher.submit(drafts) }
  public func find(id: CaseID) async throws -> Case? { try await base.find(id: id) }
  public func find(reference: CaseReference) async throws -> Case? { try await base.find(reference: reference) }
  public func find(accessTokenHash: String) async throws -> Case? { try await base.find(accessTokenHash: accessTokenHash) }
  public func messages(of caseID: CaseID) async throws -> [CaseMessage] { try await base.messages(of: caseID) }
  public func auditTrail(of caseID: CaseID) async throws -> [AuditEvent] { try await base.auditTrail(of: caseID) }
  public func links(of caseID: CaseID) async throws -> [LinkedCase] { try await base.links(of: caseID) }
  public func complaint(of caseID: CaseID) async throws -> Complaint? { try await base.complaint(of: caseID) }
  public func incident(of caseID: CaseID) async throws -> Incident? { try await base.incident(of: caseID) }
  public func list(_ query: CaseQuery) async throws -> CaseList { try await base.list(query) }
  public func save(_ change: CaseChange) async throws { try await base.save(change) }
  public func deadlines(of caseID: CaseID) async throws -> [Deadline] { try await base.deadlines(of: caseID) }
  public func deadlines(ofCases ids: [CaseID]) async throws -> [CaseID: [Deadline]] { try await base.deadlines(ofCases: ids) }
}
