import CaseworkCore
import Foundation
import NIOConcurrencyHelpers

/// Group commit (see `GroupCommit`) for case creation, on the dedicated writers' connections
/// when there are any; everything else passes straight through.
///
/// SQLite has one writer. PostgreSQL has several, each with its own batches, so that while
/// one connection's backend works through a batch another's can: with one, the chain of
/// statements between the writer and its backend was the limit. Their references are
/// reserved in a statement of their own before the batch's transaction, so that the counter's
/// row is locked for that statement only and not for the whole batch; a batch that then
/// fails leaves a gap in the numbers, never a number used twice.
public struct BatchingCaseRepository: CaseRepository {
  let base: SQLCaseRepository
  let batchers: [GroupCommit<CaseDraft, Case>]
  private let next = TurnCounter()

  public init(base: SQLCaseRepository, writers: [DedicatedWriter] = [], maxBatch: Int = 256) {
    self.base = base
    guard !writers.isEmpty else {
      batchers = [GroupCommit(maxBatch: maxBatch) { drafts in try await base.create(drafts) }]
      return
    }
    batchers = writers.map { writer in
      GroupCommit(maxBatch: maxBatch, executor: writer.taskExecutor) { drafts in
        guard writers.count > 1 else {
          return try await writer.transaction { db in try await SQLCaseRepository.insert(drafts, on: db) }
        }
        let references = try await writer.autocommit { db in
          try await SQLCaseRepository.reserveReferences(for: drafts, on: db)
        }
        return try await writer.transaction { db in
          try await SQLCaseRepository.insert(drafts, references: references, on: db)
        }
      }
    }
  }

  /// Each request goes to the next writer in turn.
  public func create(_ drafts: [CaseDraft]) async throws -> [Case] {
    try await batchers[next.increment() % batchers.count].submit(drafts)
  }
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

/// A counter shared by copies of a value.
final class TurnCounter: Sendable {
  private let value = NIOLockedValueBox(0)

  /// The value before this call; never negative.
  func increment() -> Int {
    value.withLockedValue { count in
      defer { count = count == Int.max ? 0 : count + 1 }
      return count
    }
  }
}
