import CaseworkCore
import Foundation

/// Group commit for case creation: drafts that arrive while a transaction is being written wait
/// and go into the next one together. A lone request is written at once; under load, one
/// transaction carries many cases, which is what makes SQLite fast here. Everything else
/// passes straight through.
public struct BatchingCaseRepository: CaseRepository {
  let base: SQLCaseRepository
  let batcher: CreationBatcher

  public init(base: SQLCaseRepository, maxBatch: Int = 256) {
    self.base = base
    self.batcher = CreationBatcher(base: base, maxBatch: maxBatch)
  }

  public func create(_ drafts: [CaseDraft]) async throws -> [Case] { try await batcher.submit(drafts) }
  public func find(id: CaseID) async throws -> Case? { try await base.find(id: id) }
  public func find(reference: CaseReference) async throws -> Case? { try await base.find(reference: reference) }
  public func find(accessTokenHash: String) async throws -> Case? { try await base.find(accessTokenHash: accessTokenHash) }
  public func messages(of caseID: CaseID) async throws -> [CaseMessage] { try await base.messages(of: caseID) }
  public func auditTrail(of caseID: CaseID) async throws -> [AuditEvent] { try await base.auditTrail(of: caseID) }
  public func links(of caseID: CaseID) async throws -> [LinkedCase] { try await base.links(of: caseID) }
  public func list(_ query: CaseQuery) async throws -> CaseList { try await base.list(query) }
  public func save(_ change: CaseChange) async throws { try await base.save(change) }
  public func deadlines(of caseID: CaseID) async throws -> [Deadline] { try await base.deadlines(of: caseID) }
  public func deadlines(ofCases ids: [CaseID]) async throws -> [CaseID: [Deadline]] { try await base.deadlines(ofCases: ids) }
}

actor CreationBatcher {
  private struct Pending {
    var drafts: [CaseDraft]
    var continuation: CheckedContinuation<[Case], any Error>
  }

  private let base: SQLCaseRepository
  private let maxBatch: Int
  private var queue: [Pending] = []
  private var writing = false

  init(base: SQLCaseRepository, maxBatch: Int) {
    self.base = base
    self.maxBatch = maxBatch
  }

  func submit(_ drafts: [CaseDraft]) async throws -> [Case] {
    try await withCheckedThrowingContinuation { continuation in
      queue.append(Pending(drafts: drafts, continuation: continuation))
      if !writing {
        writing = true
        Task { await self.drain() }
      }
    }
  }

  private func drain() async {
    while !queue.isEmpty {
      var batch: [Pending] = []
      var count = 0
      while let next = queue.first, batch.isEmpty || count + next.drafts.count <= maxBatch {
        batch.append(queue.removeFirst())
        count += next.drafts.count
      }
      do {
        let created = try await base.create(batch.flatMap(\.drafts))
        var offset = 0
        for pending in batch {
          pending.continuation.resume(returning: Array(created[offset..<offset + pending.drafts.count]))
          offset += pending.drafts.count
        }
      } catch {
        // One bad draft must not fail its neighbours: retry each request on its own.
        if batch.count == 1 {
          batch[0].continuation.resume(throwing: error)
        } else {
          for pending in batch {
            do {
              pending.continuation.resume(returning: try await base.create(pending.drafts))
            } catch {
              pending.continuation.resume(throwing: error)
            }
          }
        }
      }
    }
    writing = false
  }
}
