import Foundation
import Testing
@testable import PrimerEmbeddings

/// Where the encoder tests find the model and the fixtures. The model directory is
/// `PRIMER_MODEL_DIR` or `<package root>/models/all-MiniLM-L6-v2`; missing files fail the tests
/// (they are not skipped) with a pointer to `scripts/fetch-model`.
enum EncoderTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelDirectory: URL {
        var dir = ProcessInfo.processInfo.environment["PRIMER_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
        if !dir.hasPrefix("/") { dir = packageRoot.appendingPathComponent(dir).path }
        return URL(fileURLWithPath: dir)
    }

    static var modelFile: URL { modelDirectory.appendingPathComponent("model.safetensors") }

    struct MissingModel: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "model file \(path) is missing: run scripts/fetch-model (or set PRIMER_MODEL_DIR)"
        }
    }

    /// The model file's URL, or an error telling to run scripts/fetch-model.
    static func requireModelFile() throws -> URL {
        guard FileManager.default.fileExists(atPath: modelFile.path) else { throw MissingModel(path: modelFile.path) }
        return modelFile
    }

    /// The encoder, loaded once for all tests.
    static let loaded: Result<MiniLMEncoder, any Error> = Result {
        try MiniLMEncoder(modelFile: requireModelFile())
    }

    static func encoder() throws -> MiniLMEncoder { try loaded.get() }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let token_ids: [Int32]
        let embedding: [Double]
        var testDescription: String { name }
    }

    struct Fixture: Decodable { let cases: [Case] }

    /// `Fixtures/encoder_cases.json` (made by `Fixtures/make_encoder_cases.py`).
    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/encoder_cases.json")
        do {
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    static func maxAbsDiff(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func cosine(_ a: [Float], _ b: [Double]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * y
            na += Double(x) * Double(x)
            nb += y * y
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    static func norm(_ v: [Float]) -> Double {
        v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}

/// The Swift encoder against the numpy float64 reference (`minilm_ref.py`): the five sentences
/// of `reference_embeddings.json` and edge cases (empty text, accents, CJK, 250 and 256 tokens…).
@Suite struct MiniLMEncoderTests {
    typealias Support = EncoderTestSupport

    @Test func fixtureHasTheReferenceSentencesAndEdgeCases() {
        let names = Set(Support.cases.map(\.name))
        #expect(names.isSuperset(of: ["reference_1", "reference_2", "reference_3", "reference_4", "reference_5",
                                      "empty", "accents", "cjk", "long_250", "truncated_over_256"]))
        #expect(Support.cases.allSatisfy { $0.embedding.count == 384 })
    }

    @Test func loadsTheModelShape() throws {
        let encoder = try Support.encoder()
        #expect(encoder.configuration == .allMiniLML6v2)
        #expect(encoder.dimension == 384)
        #expect(encoder.weights.layers.count == 6)
        #expect(encoder.weights.layers[0].qkv.weight.count == 3 * 384 * 384)
    }

    @Test(arguments: EncoderTestSupport.cases)
    func matchesTheReference(_ testCase: EncoderTestSupport.Case) throws {
        let vector = try Support.encoder().embed(tokens: testCase.token_ids)
        #expect(vector.count == 384)
        let diff = Support.maxAbsDiff(vector, testCase.embedding)
        let cosine = Support.cosine(vector, testCase.embedding)
        #expect(diff < 1e-4, "max abs diff \(diff)")
        #expect(cosine >= 0.9999, "cosine \(cosine)")
        #expect(abs(Support.norm(vector) - 1) < 1e-5)
    }

    @Test func batchGivesTheSameVectorsAsOneByOne() throws {
        let encoder = try Support.encoder()
        let ids = Support.cases.map(\.token_ids)
        let batched = encoder.embed(tokenBatches: ids)
        #expect(batched.count == ids.count)
        for (index, tokens) in ids.enumerated() {
            let single = encoder.embed(tokens: tokens)
            #expect(Support.maxAbsDiff(batched[index], single) < 1e-6, "\(Support.cases[index].name)")
            #expect(Support.maxAbsDiff(batched[index], Support.cases[index].embedding) < 1e-4)
        }
    }

    @Test func manyPassesOnSeveralThreadsKeepTheOrder() throws {
        let shared = try Support.encoder()
        // Small passes (the minimum, 512 tokens) so that 3 × 14 cases make many passes.
        let encoder = MiniLMEncoder(weights: shared.weights, maxTokensPerPass: 1, parallelPasses: 2)
        let ids = Array(repeating: Support.cases.map(\.token_ids), count: 3).flatMap { $0 }
        let vectors = encoder.embed(tokenBatches: ids)
        #expect(vectors.count == ids.count)
        for (index, vector) in vectors.enumerated() {
            let expected = Support.cases[index % Support.cases.count]
            #expect(Support.maxAbsDiff(vector, expected.embedding) < 1e-4, "\(index) \(expected.name)")
        }
    }

    @Test func concurrentCallsAgree() async throws {
        let encoder = try Support.encoder()
        let cases = Support.cases
        try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for round in 0..<4 {
                for (index, testCase) in cases.enumerated() {
                    group.addTask {
                        _ = round
                        return (index, encoder.embed(tokens: testCase.token_ids))
                    }
                }
            }
            for try await (index, vector) in group {
                #expect(Support.maxAbsDiff(vector, cases[index].embedding) < 1e-4, "\(cases[index].name)")
            }
        }
    }

    @Test func edgeInputsDoNotCrash() throws {
        let encoder = try Support.encoder()
        // No tokens: a zero vector.
        let empty = encoder.embed(tokens: [])
        #expect(empty == [Float](repeating: 0, count: 384))
        #expect(encoder.embed(tokenBatches: []).isEmpty)
        let mixed = encoder.embed(tokenBatches: [[], [101, 102], []])
        #expect(mixed[0] == empty && mixed[2] == empty)
        #expect(Support.maxAbsDiff(mixed[1], encoder.embed(tokens: [101, 102])) < 1e-6)
        // Ids outside the vocabulary count as [UNK] (100).
        let unknown = encoder.embed(tokens: [101, 100, 102])
        #expect(encoder.embed(tokens: [101, -5, 102]) == unknown)
        #expect(encoder.embed(tokens: [101, 999_999, 102]) == unknown)
        // More than 512 tokens: the first 512.
        let long = [Int32(101)] + Array(repeating: Int32(2000), count: 600) + [102]
        let cut = Array(long.prefix(512))
        #expect(Support.maxAbsDiff(encoder.embed(tokens: long), encoder.embed(tokens: cut)) < 1e-6)
        #expect(abs(Support.norm(encoder.embed(tokens: long)) - 1) < 1e-5)
    }

    @Test func splittingAPassOverThreadsGivesTheSameVectors() throws {
        let encoder = try Support.encoder()
        // Short sequences take the transposed-product path, long ones the direct one.
        for ids in [Support.cases.prefix(6).map(\.token_ids), Support.cases.suffix(2).map(\.token_ids)] {
            let one = encoder.forward(ids, ways: 1)
            for ways in [2, 3] {
                let split = encoder.forward(ids, ways: ways)
                for (a, b) in zip(one, split) { #expect(Support.maxAbsDiff(a, b) < 1e-6) }
            }
        }
    }

    @Test func plansBalancedPasses() {
        func check(_ lengths: [Int], maxTokens: Int, workers: Int) -> [Range<Int>] {
            let passes = MiniLMEncoder.passes(lengths: lengths, maxTokens: maxTokens, workers: workers)
            // Consecutive, covering every sequence once.
            guard !lengths.isEmpty else { return passes }
            #expect(passes.first?.lowerBound == 0)
            #expect(passes.last?.upperBound == lengths.count)
            for (a, b) in zip(passes, passes.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            for pass in passes where pass.count > 1 {
                #expect(lengths[pass].reduce(0, +) <= maxTokens)
            }
            return passes
        }
        #expect(check([], maxTokens: 1024, workers: 2).isEmpty)
        #expect(check([14], maxTokens: 1024, workers: 2) == [0..<1])
        #expect(check([10, 20, 30], maxTokens: 1024, workers: 2) == [0..<3])
        // 32 × 250 tokens: 8 passes of 4.
        #expect(check(Array(repeating: 250, count: 32), maxTokens: 1024, workers: 2).count == 8)
        // 5 × 256 over 1024: 2 passes → rounded to an even count that the workers share.
        #expect(check(Array(repeating: 256, count: 5), maxTokens: 1024, workers: 2).count == 2)
        #expect(check([600, 600, 600], maxTokens: 512, workers: 2).count == 3)
        #expect(check([0, 0, 5], maxTokens: 512, workers: 2) == [0..<3])
    }

    @Test func countsMatmulFLOPs() throws {
        let encoder = try Support.encoder()
        // One token: 6 layers × 2·384·(3·384 + 384 + 2·1536) + attention 6 × 4·384.
        let expected = 6.0 * (2 * 384 * (3 * 384 + 384 + 2 * 1536)) + 6.0 * 4 * 384
        #expect(encoder.matmulFLOPs(sequenceLengths: [1]) == expected)
        #expect(encoder.matmulFLOPs(sequenceLengths: [10, 20]) ==
                encoder.matmulFLOPs(sequenceLengths: [10]) + encoder.matmulFLOPs(sequenceLengths: [20]))
    }
}

/// The vector kernels against Foundation's scalar functions.
@Suite struct MiniLMKernelTests {
    @Test func expMatchesFoundation() {
        var worst: Float = 0
        var x: Float = -80
        while x <= 80 {
            let want = Foundation.exp(x)
            worst = max(worst, abs(MiniLMKernels.exp(x) - want) / want)
            x += 0.001_23
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(MiniLMKernels.exp(0) == 1)
        #expect(MiniLMKernels.exp(-Float.infinity) < 1e-37)
        #expect(MiniLMKernels.exp(-1000) < 1e-37)
    }

    @Test func erfMatchesFoundation() {
        var worst: Float = 0
        var x: Float = -7
        while x <= 7 {
            worst = max(worst, abs(MiniLMKernels.erf(x) - Foundation.erf(x)))
            x += 0.000_731
        }
        #expect(worst < 1e-6, "worst absolute error \(worst)")
        #expect(MiniLMKernels.erf(0) == 0)
        #expect(MiniLMKernels.erf(100) == 1)
        #expect(MiniLMKernels.erf(-100) == -1)
    }

    @Test func geluIsTheExactErfForm() {
        let values: [Float] = (0..<37).map { Float($0) * 0.37 - 6.5 }
        var buffer = values
        buffer.withUnsafeMutableBufferPointer { MiniLMKernels.gelu($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(values, buffer) {
            let exact = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            #expect(abs(Double(y) - exact) < 1e-6, "gelu(\(x)) = \(y), want \(exact)")
        }
    }

    @Test func exponentiateAndScaleMakeTheSoftmax() {
        var rows: [Float] = (0..<(3 * 13)).map { Float(($0 * 37) % 11) - 5 }
        let original = rows
        var inverseSums = [Float](repeating: 0, count: 3)
        rows.withUnsafeMutableBufferPointer { s in
            inverseSums.withUnsafeMutableBufferPointer { sums in
                MiniLMKernels.exponentiate(s.baseAddress!, rows: 3, width: 13, stride: 13, inverseSums: sums.baseAddress!)
                MiniLMKernels.scaleRows(s.baseAddress!, rows: 3, width: 13, stride: 13, factors: sums.baseAddress!)
            }
        }
        for r in 0..<3 {
            let row = Array(rows[(r * 13)..<(r * 13 + 13)])
            let input = original[(r * 13)..<(r * 13 + 13)].map(Double.init)
            let m = input.max()!
            let denominator = input.reduce(0) { $0 + Foundation.exp($1 - m) }
            for (got, x) in zip(row, input) {
                #expect(abs(Double(got) - Foundation.exp(x - m) / denominator) < 1e-6)
            }
        }
    }

    @Test func layerNormNormalises() {
        var row: [Float] = (0..<19).map { Float($0 * $0) * 0.1 }
        let weight = [Float](repeating: 2, count: 19), bias = [Float](repeating: 0.5, count: 19)
        row.withUnsafeMutableBufferPointer { x in
            MiniLMKernels.layerNorm(x.baseAddress!, rows: 1, width: 19, weight: weight, bias: bias, epsilon: 1e-12)
        }
        let centred = row.map { ($0 - 0.5) / 2 }
        let mean = centred.reduce(0, +) / 19
        let variance = centred.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19
        #expect(abs(mean) < 1e-5)
        #expect(abs(variance - 1) < 1e-4)
    }
}
