// EmbedBench: latency, throughput and FLOP rate of the local all-MiniLM-L6-v2 encoder.
//
//   swift run -c release EmbedBench [--runs 200] [--group 32] [--model DIR] [--book DIR]
//                                   [--query TEXT] [--threads 2] [--pass-tokens 1024]
//
// 1. query latency: one sentence through LocalEmbedder.embed (tokenizer + encoder + the hop to
//    its dispatch queue), p50/p99 over --runs runs after 20 warm-up runs; also the encoder alone;
// 2. the book: every chunk the server indexes (BookLoader + Chunker, `indexedText`) embedded in
//    groups of --group, as ingest does: total time, chunks/s, tokens/s;
// 3. GFLOP/s of the encoder: the matrix products' 2·m·n·k per second of encoder time.
import CBLAS
import Foundation
import PrimerCore
import PrimerEmbeddings

let packageRoot = URL(fileURLWithPath: #filePath)  // …/Benchmarks/EmbedBench/Sources/EmbedBench/main.swift
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return fallback
}

let environment = ProcessInfo.processInfo.environment
let modelDirectory = URL(fileURLWithPath: option("--model", environment["PRIMER_MODEL_DIR"]
    ?? packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path))
let bookDirectory = URL(fileURLWithPath: option("--book", environment["PRIMER_BOOK_DIR"]
    ?? packageRoot.appendingPathComponent("../shared/corpus/physical-ai-book/book-source/docs").standardized.path))
let runs = Int(option("--runs", "200")) ?? 200
let groupSize = Int(option("--group", "32")) ?? 32
let query = option("--query", "How does a servo motor use feedback to hold its position?")
let passTokens = Int(option("--pass-tokens", "1024")) ?? 1024  // MiniLMEncoder's maxTokensPerPass
let threads = Int(option("--threads", "\(ProcessInfo.processInfo.activeProcessorCount)")) ?? 2  // its parallelPasses

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

func ms(_ value: Double) -> String { String(format: "%.2f ms", value * 1000) }

do {
    var start = seconds()
    let loaded = try LocalEmbedder.load(directory: modelDirectory)
    let embedder = LocalEmbedder(
        encoder: MiniLMEncoder(weights: loaded.encoder.weights, maxTokensPerPass: passTokens, parallelPasses: threads),
        tokenizer: loaded.tokenizer, groupSize: groupSize)
    let encoder = embedder.encoder
    print("model: \(modelDirectory.path) loaded in \(ms(seconds() - start))")
    print("cores: \(ProcessInfo.processInfo.activeProcessorCount), encoder threads: \(threads), pass: ≤ \(passTokens) tokens,"
        + " OPENBLAS_NUM_THREADS: \(environment["OPENBLAS_NUM_THREADS"] ?? "unset (1)")")

    // 1. Query latency.
    let queryIDs = embedder.tokenizer.tokenize(query)
    for _ in 0..<20 { _ = try await embedder.embed([query], purpose: .query) }
    var latencies: [Double] = []
    var encoderLatencies: [Double] = []
    for _ in 0..<runs {
        start = seconds()
        _ = try await embedder.embed([query], purpose: .query)
        latencies.append(seconds() - start)
        start = seconds()
        _ = encoder.embed(tokens: queryIDs)
        encoderLatencies.append(seconds() - start)
    }
    latencies.sort()
    encoderLatencies.sort()
    let queryFLOPs = encoder.matmulFLOPs(sequenceLengths: [queryIDs.count])
    print("query (\(queryIDs.count) tokens, \(runs) runs): p50 \(ms(percentile(latencies, 0.5))), p99 \(ms(percentile(latencies, 0.99)))"
        + "  [encoder alone: p50 \(ms(percentile(encoderLatencies, 0.5))), p99 \(ms(percentile(encoderLatencies, 0.99))),"
        + " \(String(format: "%.1f", queryFLOPs / percentile(encoderLatencies, 0.5) / 1e9)) GFLOP/s]")

    // 2. The book's chunks, as ingest embeds them.
    let book = try BookLoader.load(directory: bookDirectory)
    let chunker = Chunker()
    let texts = book.pages.flatMap { chunker.chunks(for: $0) }.map(\.indexedText)
    let lengths = texts.map { embedder.tokenizer.tokenize($0).count }
    let tokens = lengths.reduce(0, +)
    print("book: \(bookDirectory.path): \(book.pages.count) pages, \(texts.count) chunks, \(tokens) tokens"
        + " (mean \(tokens / max(1, texts.count)), max \(lengths.max() ?? 0), \(lengths.filter { $0 == 256 }.count) cut at 256)")
    _ = try await embedder.embed(Array(texts.prefix(groupSize)), purpose: .document)  // warm-up
    start = seconds()
    var embedded = 0
    for first in stride(from: 0, to: texts.count, by: groupSize) {  // groups, as ChunkVectors does
        embedded += try await embedder.embed(Array(texts[first..<min(first + groupSize, texts.count)]), purpose: .document).count
    }
    let bookTime = seconds() - start
    let bookFLOPs = encoder.matmulFLOPs(sequenceLengths: lengths)
    print("book embedding (groups of \(groupSize)): \(embedded) chunks in \(String(format: "%.2f", bookTime)) s"
        + " = \(String(format: "%.1f", Double(embedded) / bookTime)) chunks/s, \(String(format: "%.0f", Double(tokens) / bookTime)) tokens/s")

    // 3. FLOP rate of the encoder alone on the book (token ids ready).
    let ids = texts.map { embedder.tokenizer.tokenize($0) }
    start = seconds()
    for first in stride(from: 0, to: ids.count, by: groupSize) {
        _ = encoder.embed(tokenBatches: Array(ids[first..<min(first + groupSize, ids.count)]))
    }
    let encoderTime = seconds() - start
    print("encoder on the book: \(String(format: "%.2f", encoderTime)) s, \(String(format: "%.1f", bookFLOPs / 1e9)) GFLOP of matrix products"
        + " = \(String(format: "%.1f", bookFLOPs / encoderTime / 1e9)) GFLOP/s")

    // 4. This machine's ceiling in the same run: `threads` single-threaded OpenBLAS sgemms of
    //    the encoder's largest shape (a 1024-token pass × the 384→1536 feed-forward weight) at once.
    let (m, n, k) = (1024, 1536, 384)
    let a = [Float](repeating: 0.01, count: m * k), b = [Float](repeating: 0.02, count: n * k)
    let repetitions = 40
    let peakStart = seconds()
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
        var c = [Float](repeating: 0, count: m * n)
        for _ in 0..<repetitions {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k),
                        b, Int32(k), 0, &c, Int32(n))
        }
    }
    let peak = Double(threads * repetitions) * 2 * Double(m * n * k) / (seconds() - peakStart)
    print("OpenBLAS sgemm ceiling (\(threads) × \(m)×\(n)×\(k) at once): \(String(format: "%.1f", peak / 1e9)) GFLOP/s;"
        + " the encoder ran at \(String(format: "%.0f", bookFLOPs / encoderTime / peak * 100))% of it;"
        + " the book's matrix products alone at that ceiling take \(String(format: "%.1f", bookFLOPs / peak)) s")
} catch {
    print("EmbedBench: \(error)")
    exit(1)
}
