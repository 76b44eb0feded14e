import Fluent
import Foundation
import PrimerCore
import SQLKit

/// One row of `chat_queries` as written when a question has been answered.
struct QueryRecord: Sendable {
    let id: UUID
    let userID: UUID?
    let conversationID: UUID
    let query: String
    let answer: String
    let answered: Bool
    let personalizationApplied: Bool
    let provider: String
    let latencyMs: Double
    let sourcesCount: Int
    let createdAt: Date
}

/// Stores answered questions with group commit: questions answered at the same time share
/// one multi-row `INSERT`, and each caller returns only once its row is committed, so no
/// record is lost and the feedback and follow-up routes see it at once. On SQLite the batch
/// goes through the `WriteGate`, so the single writer never spins on a busy lock. A signed-in
/// reader's question and answer are encrypted (`DataCipher`) in the batch task, off the
/// request; questions asked signed out belong to nobody and are stored as they are.
actor QueryRecorder {
    /// Rows per statement (12 bound values each, far below SQLite's and PostgreSQL's limits).
    static let batchLimit = 200

    private let writes: WriteGate
    private let cipher: DataCipher
    private var pending: [(record: QueryRecord, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    private var database: (any Database)?

    init(writes: WriteGate, cipher: DataCipher) {
        self.writes = writes
        self.cipher = cipher
    }

    /// Stores `record` on `db`; returns once it is committed.
    func record(_ record: QueryRecord, on db: any Database) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((record, done))
            database = db
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty, let db = database {
            let batch = Array(pending.prefix(Self.batchLimit))
            pending.removeFirst(batch.count)
            do {
                let rows = try batch.map { try Self.sealed($0.record, cipher: cipher) }
                try await writes.serialised { try await Self.insert(rows, on: db) }  // one statement: atomic
                batch.forEach { $0.done.resume() }
            } catch {
                batch.forEach { $0.done.resume(throwing: error) }
            }
        }
        database = nil
        draining = false
    }

    /// `record` as stored: with a reader, its question and answer encrypted.
    static func sealed(_ record: QueryRecord, cipher: DataCipher) throws -> QueryRecord {
        guard record.userID != nil else { return record }
        return QueryRecord(
            id: record.id, userID: record.userID, conversationID: record.conversationID, query: try cipher.encrypt(record.query),
            answer: try cipher.encrypt(record.answer), answered: record.answered, personalizationApplied: record.personalizationApplied,
            provider: record.provider, latencyMs: record.latencyMs, sourcesCount: record.sourcesCount, createdAt: record.createdAt)
    }

    private static func insert(_ rows: [QueryRecord], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw QueryRecorderError.notSQL }
        let insert = sql.insert(into: ChatQuery.schema).columns(
            "id", "user_id", "conversation_id", "query", "answer", "answered", "personalization_applied",
            "provider", "latency_ms", "sources_count", "created_at")
        for row in rows {
            insert.values([
                SQLBind(row.id), row.userID.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(row.conversationID), SQLBind(row.query), SQLBind(row.answer),
                SQLBind(row.answered), SQLBind(row.personalizationApplied), SQLBind(row.provider), SQLBind(row.latencyMs),
                SQLBind(row.sourcesCount), SQLBind(row.createdAt),
            ])
        }
        try await insert.run()
    }
}

/// The configured database does not speak SQL (every supported one does).
enum QueryRecorderError: Error {
    case notSQL
}
