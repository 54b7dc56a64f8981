/// Group commit: requests that arrive while a transaction is being written wait and go into the
/// next one together. A lone request is written at once; under load one transaction carries
/// many requests, which is what makes SQLite fast (a commit costs far more than a row). If a
/// batch fails, each request is retried on its own so that one bad row cannot fail its
/// neighbours.
actor GroupCommit<Input: Sendable, Output: Sendable> {
  private struct Pending {
    var inputs: [Input]
    var continuation: CheckedContinuation<[Output], any Error>
  }

  /// Writes the inputs in one transaction and returns one output per input, in order.
  private let write: @Sendable ([Input]) async throws -> [Output]
  private let maxBatch: Int
  /// Where the batching runs, if somewhere in particular (the dedicated writer's thread).
  private let executor: (any TaskExecutor)?
  private var queue: [Pending] = []
  private var writing = false

  init(maxBatch: Int, executor: (any TaskExecutor)? = nil, write: @escaping @Sendable ([Input]) async throws -> [Output]) {
    self.maxBatch = maxBatch
    self.executor = executor
    self.write = write
  }

  func submit(_ inputs: [Input]) async throws -> [Output] {
    try await withCheckedThrowingContinuation { continuation in
      queue.append(Pending(inputs: inputs, continuation: continuation))
      if !writing {
        writing = true
        // With the writer's executor preferred, the batching runs where the batches are written:
        // between two batches the writer does not wait for a busy event loop to pick the next.
        Task(executorPreference: executor) { await self.drain() }
      }
    }
  }

  func submit(_ input: Input) async throws -> Output {
    let outputs = try await submit([input])
    return outputs[0]
  }

  private func drain() async {
    while !queue.isEmpty {
      var batch: [Pending] = []
      var count = 0
      while let next = queue.first, batch.isEmpty || count + next.inputs.count <= maxBatch {
        batch.append(queue.removeFirst())
        count += next.inputs.count
      }
      do {
        let outputs = try await write(batch.flatMap(\.inputs))
        var offset = 0
        for pending in batch {
          pending.continuation.resume(returning: Array(outputs[offset..<offset + pending.inputs.count]))
          offset += pending.inputs.count
        }
      } catch {
        if batch.count == 1 {
          batch[0].continuation.resume(throwing: error)
        } else {
          for pending in batch {
            do {
              pending.continuation.resume(returning: try await write(pending.inputs))
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
