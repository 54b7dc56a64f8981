import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Statements each PostgreSQL connection prepares once and then only binds and runs. PostgresNIO
/// otherwise sends every query as an unnamed statement, which the server parses and plans
/// afresh: for the listing of 50 cases with their deadlines that was 0.30 of 0.80 ms of the
/// server's time per statement (pgbench, one client), and preparing is worth about a fifth of
/// the listing's rate (performance.md).
///
/// PostgresNIO's prepared statements are types whose name and text are static properties
/// (`PostgresPreparedStatement`), and it prepares each name once per connection. Our texts are
/// made at run time, so each distinct text is given one of the process's 256 slot types
/// for the life of the process (`StatementSlot`): a slot's name and text never change once
/// given, whenever PostgresNIO reads them. The texts that recur (a polling integration's, the
/// inbox's first page) come first; once every slot is given, other texts run unnamed.
public final class PostgresStatements: Sendable {
  public init() {}

  /// Runs `sql` on a connection of `database`'s pool as `read(_:bindings:on:logger:as:)` does,
  /// as a task on the connection's own event loop, where its answers arrive: each row and the
  /// statement's end resume the read without changing thread. From the global executor this
  /// cost more CPU than the unnamed statement it replaces.
  func read<T: Sendable>(
    _ sql: String, bindings: PostgresBindings, on database: any PostgresDatabase, logger: Logger,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard StatementSlots.shared.slot(for: sql) != nil else { return nil }
    return try await database.withConnection { connection in
      let promise = connection.eventLoop.makePromise(of: [T]?.self)
      Task(executorPreference: EventLoopTaskExecutor(connection.eventLoop)) {
        do {
          promise.succeed(
            try await self.read(
              sql, bindings: bindings, on: connection, logger: logger, recordFields: recordFields, as: decode))
        } catch { promise.fail(error) }
      }
      return promise.futureResult
    }.get()
  }

  /// Runs `sql` (placeholders `$n`) with `bindings` on `connection` as a prepared statement,
  /// decoding each row as it arrives; nil, having run nothing, when every slot is given to
  /// another text. With `recordFields`, each row is one composite value with those fields.
  func read<T: Sendable>(
    _ sql: String, bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger,
    recordFields: [String]? = nil, as decode: @escaping @Sendable (any ColumnReader) throws -> T
  ) async throws -> [T]? {
    guard let slot = StatementSlots.shared.slot(for: sql) else { return nil }
    let run = SlotRun(
      connection: connection, logger: logger, bindings: bindings, names: PostgresColumnNames(recordFields: recordFields),
      decode: decode)
    return try await StatementSlots.visit(slot, run)
  }
}

/// Statement texts, each with the slot it was given, for good: `shared` is the process's.
final class StatementSlots: Sendable {
  /// The process's: 256 slots, as many as `StatementSlot`'s four digits of four values name.
  static let shared = StatementSlots(capacity: 256)

  let capacity: Int
  private let texts = NIOLockedValueBox<(bySlot: [String], byText: [String: Int])>(([], [:]))

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// The slot of `sql`, given now if it is new; nil when every slot is taken.
  func slot(for sql: String) -> Int? {
    texts.withLockedValue { texts in
      if let slot = texts.byText[sql] { return slot }
      guard texts.bySlot.count < capacity else { return nil }
      texts.bySlot.append(sql)
      texts.byText[sql] = texts.bySlot.count - 1
      return texts.bySlot.count - 1
    }
  }

  /// The text of `slot`, given before its type is ever used.
  func text(of slot: Int) -> String { texts.withLockedValue { slot < $0.bySlot.count ? $0.bySlot[slot] : "" } }

  /// How many slots are given.
  var given: Int { texts.withLockedValue { $0.bySlot.count } }

  /// Calls `visitor` with the slot type for `slot` (0..<capacity), chosen one digit at a time.
  static func visit<V: SlotVisitor>(_ slot: Int, _ visitor: V) async throws -> V.Result {
    func digit(_ position: Int) -> Int { slot >> (2 * position) & 3 }
    switch digit(3) {
    case 0: return try await visit(slot, D0.self, visitor)
    case 1: return try await visit(slot, D1.self, visitor)
    case 2: return try await visit(slot, D2.self, visitor)
    default: return try await visit(slot, D3.self, visitor)
    }
  }

  private static func visit<A: SlotDigit, V: SlotVisitor>(_ slot: Int, _ a: A.Type, _ visitor: V) async throws -> V.Result {
    switch slot >> 4 & 3 {
    case 0: return try await visit(slot, a, D0.self, visitor)
    case 1: return try await visit(slot, a, D1.self, visitor)
    case 2: return try await visit(slot, a, D2.self, visitor)
    default: return try await visit(slot, a, D3.self, visitor)
    }
  }

  private static func visit<A: SlotDigit, B: SlotDigit, V: SlotVisitor>(
    _ slot: Int, _ a: A.Type, _ b: B.Type, _ visitor: V
  ) async throws -> V.Result {
    switch slot >> 2 & 3 {
    case 0: return try await visit(slot, a, b, D0.self, visitor)
    case 1: return try await visit(slot, a, b, D1.self, visitor)
    case 2: return try await visit(slot, a, b, D2.self, visitor)
    default: return try await visit(slot, a, b, D3.self, visitor)
    }
  }

  private static func visit<A: SlotDigit, B: SlotDigit, C: SlotDigit, V: SlotVisitor>(
    _ slot: Int, _ a: A.Type, _ b: B.Type, _ c: C.Type, _ visitor: V
  ) async throws -> V.Result {
    switch slot & 3 {
    case 0: return try await visitor.visit(a, b, c, D0.self)
    case 1: return try await visitor.visit(a, b, c, D1.self)
    case 2: return try await visitor.visit(a, b, c, D2.self)
    default: return try await visitor.visit(a, b, c, D3.self)
    }
  }
}

protocol SlotDigit { static var value: Int { get } }
enum D0: SlotDigit { static let value = 0 }
enum D1: SlotDigit { static let value = 1 }
enum D2: SlotDigit { static let value = 2 }
enum D3: SlotDigit { static let value = 3 }

protocol SlotVisitor: Sendable {
  associatedtype Result: Sendable
  func visit<A: SlotDigit, B: SlotDigit, C: SlotDigit, D: SlotDigit>(_ a: A.Type, _ b: B.Type, _ c: C.Type, _ d: D.Type)
    async throws -> Result
}

/// The statement of one slot: its name and text are fixed once the slot is given.
private struct StatementSlot<A: SlotDigit, B: SlotDigit, C: SlotDigit, D: SlotDigit, Row: Sendable>:
  PostgresPreparedStatement
{
  static var slot: Int { A.value << 6 | B.value << 4 | C.value << 2 | D.value }
  static var name: String { "casework_\(slot)" }
  static var sql: String { StatementSlots.shared.text(of: slot) }

  let bindings: PostgresBindings
  let names: PostgresColumnNames
  let decode: @Sendable (any ColumnReader) throws -> Row

  func makeBindings() throws -> PostgresBindings { bindings }
  func decodeRow(_ row: PostgresRow) throws -> Row { try decode(names.reader(for: row)) }
}

/// One run of a prepared statement, once its slot type is known.
private struct SlotRun<T: Sendable>: SlotVisitor {
  let connection: PostgresConnection
  let logger: Logger
  let bindings: PostgresBindings
  let names: PostgresColumnNames
  let decode: @Sendable (any ColumnReader) throws -> T

  func visit<A: SlotDigit, B: SlotDigit, C: SlotDigit, D: SlotDigit>(_ a: A.Type, _ b: B.Type, _ c: C.Type, _ d: D.Type)
    async throws -> [T]?
  {
    let statement = StatementSlot<A, B, C, D, T>(bindings: bindings, names: names, decode: decode)
    var rows: [T] = []
    for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
    return rows
  }
}
