import CaseworkCore
import Foundation
import SQLKit

/// A deadline as a row; its pauses and extensions are JSON lists in two text columns.
struct DeadlineRow: Sendable {
  static let columns = [
    "id", "case_id", "name", "clock", "length", "warn_fraction", "pausable", "start_at", "due_at", "warn_at", "state", "met_at",
    "warned_at", "breach_notified_at", "pauses", "extensions",
  ]

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .millisecondsSince1970
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }()
  static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .millisecondsSince1970
    return decoder
  }()

  var deadline: Deadline

  /// A JSON list; most deadlines have no pauses or extensions, and skipping the decoder for
  /// `[]` keeps listing a page of cases cheap.
  static func list<T: Decodable & RangeReplaceableCollection>(_ type: T.Type, _ text: String) -> T? {
    if text == "[]" { return T() }
    return try? decoder.decode(T.self, from: Data(text.utf8))
  }

  init(_ deadline: Deadline) {
    self.deadline = deadline
  }

  init(row: any SQLRow) throws {
    guard let value = try Self(reader: SQLRowColumnReader(row: row), names: Self.columns) else {
      throw StoreError.corruptRow(table: "deadlines", id: UUID())
    }
    self = value
  }

  /// The columns as a statement that joins deadlines to cases names them.
  static let joinedColumns = columns.map { "d_" + $0 }

  /// A deadline read from the columns named in `names` (`columns` or `joinedColumns`), in
  /// their order; nil when the id is null (an outer join that found none).
  init?(reader row: some ColumnReader, names: [String]) throws {
    guard let id = try row.optionalUUID(names[0]) else { return nil }
    let caseID = try row.uuid(names[1])
    let name = try row.string(names[2])
    let clockText = try row.string(names[3])
    let lengthText = try row.string(names[4])
    let warnFraction = try row.double(names[5])
    let pausable = try row.bool(names[6])
    let startAt = try row.date(names[7])
    let dueAt = try row.optionalDate(names[8])
    let warnAt = try row.optionalDate(names[9])
    let stateText = try row.string(names[10])
    let metAt = try row.optionalDate(names[11])
    let warnedAt = try row.optionalDate(names[12])
    let breachNotifiedAt = try row.optionalDate(names[13])
    guard let clock = DeadlineClock(clockText), let length = DeadlineLength(lengthText),
      let state = Deadline.State(rawValue: stateText),
      let pauses = Self.list([Deadline.Pause].self, try row.string(names[14])),
      let extensions = Self.list([Deadline.Extension].self, try row.string(names[15]))
    else { throw StoreError.corruptRow(table: "deadlines", id: id) }
    deadline = Deadline(
      id: id, caseID: caseID, name: name, clock: clock, length: length, warnFraction: warnFraction, pausable: pausable,
      startAt: startAt, dueAt: dueAt, warnAt: warnAt, pauses: pauses, extensions: extensions, state: state, metAt: metAt,
      warnedAt: warnedAt, breachNotifiedAt: breachNotifiedAt)
  }
}

extension DeadlineRow: InsertableRow {
  var values: [ColumnValue] {
    func time(_ value: Date?) -> ColumnValue { .time(value?.wholeMilliseconds) }
    let pauses =
      deadline.pauses.isEmpty
      ? "[]" : (try? Self.encoder.encode(deadline.pauses)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    let extensions =
      deadline.extensions.isEmpty
      ? "[]" : (try? Self.encoder.encode(deadline.extensions)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    return [
      .uuid(deadline.id), .uuid(deadline.caseID), .text(deadline.name), .text(deadline.clock.description),
      .text(deadline.length.description), .double(deadline.warnFraction), .flag(deadline.pausable),
      time(deadline.startAt), time(deadline.dueAt), time(deadline.warnAt), .text(deadline.state.rawValue),
      time(deadline.metAt), time(deadline.warnedAt), time(deadline.breachNotifiedAt), .text(pauses), .text(extensions),
    ]
  }
}

extension SQLCaseRepository {
  public func deadlines(of caseID: CaseID) async throws -> [Deadline] {
    try await handle.sql.select().columns(DeadlineRow.columns.map { SQLColumn($0) }).from("deadlines")
      .where("case_id", .equal, caseID).orderBy("start_at").orderBy("name")
      .all().map { try DeadlineRow(row: $0).deadline }
  }

  public func deadlines(ofCases ids: [CaseID]) async throws -> [CaseID: [Deadline]] {
    guard !ids.isEmpty else { return [:] }
    let rows = try await handle.sql.select().columns(DeadlineRow.columns.map { SQLColumn($0) }).from("deadlines")
      .where("case_id", .in, ids).orderBy("start_at").all()
    var result: [CaseID: [Deadline]] = [:]
    for row in rows {
      let deadline = try DeadlineRow(row: row).deadline
      result[deadline.caseID, default: []].append(deadline)
    }
    return result
  }

  /// Writes deadlines whole (replacing any stored under the same id), then refreshes each
  /// case's `next_due_at` from what is stored, inside the caller's transaction.
  static func write(_ deadlines: [Deadline], on db: any SQLDatabase) async throws {
    guard !deadlines.isEmpty else { return }
    // A warning or breach the monitor announced since these were read stays announced.
    let stored = try await db.select().columns(DeadlineRow.columns.map { SQLColumn($0) }).from("deadlines")
      .where("id", .in, deadlines.map(\.id)).all().map { try DeadlineRow(row: $0).deadline }
    let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let merged = deadlines.map { deadline in
      guard let previous = byID[deadline.id], deadline.extensions.count <= previous.extensions.count else {
        return deadline  // new, or newly extended: the new target gets its own warning
      }
      var copy = deadline
      copy.warnedAt = copy.warnedAt ?? previous.warnedAt
      copy.breachNotifiedAt = copy.breachNotifiedAt ?? previous.breachNotifiedAt
      if previous.state == .breached, copy.state == .running { copy.state = .breached }
      return copy
    }
    try await db.delete(from: "deadlines").where("id", .in, deadlines.map(\.id)).run()
    try await insert(merged.map(DeadlineRow.init), into: "deadlines", on: db)
    for caseID in Set(deadlines.map(\.caseID)) {
      try await refreshNextDue(caseID, on: db)
    }
  }

  static func refreshNextDue(_ caseID: CaseID, on db: any SQLDatabase) async throws {
    try await db.raw(
      """
      UPDATE cases SET next_due_at = (
        SELECT MIN(due_at) FROM deadlines
        WHERE case_id = \(bind: caseID) AND met_at IS NULL AND state IN ('running', 'breached')
      ) WHERE id = \(bind: caseID)
      """
    ).run()
  }
}
