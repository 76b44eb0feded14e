import Foundation
import Testing
@testable import PrimerEmbeddings

/// The safetensors reader on the real all-MiniLM-L6-v2 file and on broken files written to a
/// temporary directory: every problem is a `SafeTensorsError` of the right kind, never a crash.
@Suite struct SafeTensorsTests {
    /// A scratch directory, removed when the test ends.
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory
                .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        /// Writes `bytes` to a new file and returns its URL.
        func write(_ name: String, _ bytes: Data) throws -> URL {
            let file = url.appendingPathComponent(name)
            try bytes.write(to: file)
            return file
        }
    }

    /// A safetensors file: header length (or `declaredLength`), the JSON header, then `data`.
    static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var out = Data()
        var length = (declaredLength ?? UInt64(json.count)).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(contentsOf: data)
        return out
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let bits = v.bitPattern.littleEndian
            return [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
    }

    /// Opens `bytes` as a file and returns the error it gives (or nil).
    static func error(opening bytes: Data, scratch: Scratch, name: String = "broken.safetensors") throws -> SafeTensorsError? {
        let url = try scratch.write(name, bytes)
        do {
            _ = try SafeTensorsFile(contentsOf: url)
            return nil
        } catch {
            return error
        }
    }

    // MARK: the real file

    @Test func readsTheRealModelFile() throws {
        let file = try SafeTensorsFile(contentsOf: EncoderTestSupport.requireModelFile())
        #expect(file.tensors.count == 104)  // 102 BERT tensors + the pooler (unused)
        #expect(file.metadata == ["format": "pt"])
        let word = try file.info("embeddings.word_embeddings.weight")
        #expect(word.dtype == "F32")
        #expect(word.shape == [30522, 384])
        #expect(word.byteRange.count == 30522 * 384 * 4)
        #expect(try file.info("encoder.layer.5.intermediate.dense.weight").shape == [1536, 384])
        #expect(try file.info("encoder.layer.0.output.dense.weight").shape == [384, 1536])
        let values = try file.floats("embeddings.word_embeddings.weight", shape: [30522, 384])
        #expect(values.count == 30522 * 384)
        #expect(values[101 * 384 + 5] == -0.0013143301475793123)  // checked with numpy
        // position_ids is I64: listed, but not readable as floats.
        #expect(try file.info("embeddings.position_ids").dtype == "I64")
        let dtypeError = #expect(throws: SafeTensorsError.self) { try file.floats("embeddings.position_ids") }
        #expect(dtypeError?.kind == .unsupportedDType)
        #expect(dtypeError?.description.contains("embeddings.position_ids") == true)
        #expect(dtypeError?.description.contains("I64") == true)
    }

    @Test func truncatedCopiesOfTheRealFileAreRejected() throws {
        let scratch = try Scratch()
        let real = try Data(contentsOf: EncoderTestSupport.requireModelFile(), options: .alwaysMapped)
        // Cut inside the header: the header length points past the end.
        let inHeader = try Self.error(opening: real.prefix(1000), scratch: scratch)
        #expect(inHeader?.kind == .headerOutOfBounds)
        // Cut inside the data: the tensors at the end point past it.
        let inData = try Self.error(opening: real.prefix(20_000_000), scratch: scratch)
        #expect(inData?.kind == .invalidTensor)
        #expect(inData?.message.contains("beyond the data section") == true)
    }

    // MARK: small files

    @Test func readsASmallValidFile() throws {
        let scratch = try Scratch()
        // Offsets need not be aligned; an I64 tensor may sit next to the floats.
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[2,26]},"#
            + #""ids":{"dtype":"I64","shape":[1],"data_offsets":[26,34]},"#
            + #""pad":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"scalar":{"dtype":"F32","shape":[],"data_offsets":[34,38]}}"#
        let data: [UInt8] = [7, 7] + Self.floatBytes([1, -2, 3.5, 0, 1e-3, 42]) + Array(repeating: 0, count: 8)
            + Self.floatBytes([9.25])
        let url = try scratch.write("small.safetensors", Self.file(header: header + "   ", data: data))
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.tensors.count == 4)
        #expect(file.metadata == ["format": "pt"])
        #expect(try file.floats("a") == [1, -2, 3.5, 0, 1e-3, 42])
        #expect(try file.floats("a", shape: [2, 3]) == [1, -2, 3.5, 0, 1e-3, 42])
        #expect(try file.floats("scalar") == [9.25])
        let shapeError = #expect(throws: SafeTensorsError.self) { try file.floats("a", shape: [3, 2]) }
        #expect(shapeError?.kind == .unexpectedShape)
        let missing = #expect(throws: SafeTensorsError.self) { try file.floats("b") }
        #expect(missing?.kind == .missingTensor)
        #expect(missing?.description.contains(url.path) == true)
        #expect(missing?.description.contains("'b'") == true)
    }

    @Test func missingFileIsUnreadable() throws {
        let scratch = try Scratch()
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(contentsOf: scratch.url.appendingPathComponent("nope.safetensors"))
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.description.contains("nope.safetensors") == true)
    }

    @Test func fileShorterThanEightBytes() throws {
        let scratch = try Scratch()
        for length in [0, 1, 7] {
            let error = try Self.error(opening: Data(repeating: 1, count: length), scratch: scratch)
            #expect(error?.kind == .truncated)
            #expect(error?.description.contains("broken.safetensors") == true)
        }
    }

    @Test func headerLengthBeyondTheFile() throws {
        let scratch = try Scratch()
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        for declared: UInt64 in [UInt64(header.utf8.count + 5), 1 << 40, .max] {
            let error = try Self.error(opening: Self.file(header: header, data: [0, 0, 0, 0], declaredLength: declared),
                                       scratch: scratch)
            #expect(error?.kind == .headerOutOfBounds, "declared \(declared)")
        }
    }

    @Test(arguments: [
        #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#,  // unterminated
        "not json at all",
        #"["a", "b"]"#,  // not an object
        #"{"__metadata__":[1,2]}"#,  // metadata not a map
        #"{"__metadata__":{"format":3}}"#,  // metadata value not a string
        "",
    ])
    func invalidHeaderJSON(_ header: String) throws {
        let scratch = try Scratch()
        let error = try Self.error(opening: Self.file(header: header, data: [0, 0, 0, 0]), scratch: scratch)
        #expect(error?.kind == .invalidHeader)
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}"#, "beyond the data section"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, "overlapping the header"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, "end before they begin"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, "data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.5,4]}}"#, "data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "needs 3 × 4 bytes"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "shape"),
        (#"{"a":{"dtype":"F32","shape":[4000000000000000,4000],"data_offsets":[0,8]}}"#, "too large"),
        (#"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#, "shape"),
        (#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, "dtype"),
        (#"{"a":[1,2]}"#, "not a JSON object"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "overlap"),
    ])
    func invalidTensorEntries(_ header: String, _ expectedMessage: String) throws {
        let scratch = try Scratch()
        let error = try Self.error(opening: Self.file(header: header, data: Array(repeating: 0, count: 8)), scratch: scratch)
        #expect(error?.kind == .invalidTensor)
        #expect(error?.message.contains(expectedMessage) == true, "\(String(describing: error))")
        #expect(error?.tensor != nil)
        #expect(error?.description.contains("broken.safetensors") == true)
    }

    @Test func wrongDtypeForARequiredTensor() throws {
        let scratch = try Scratch()
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F16","shape":[2,384],"data_offsets":[0,1536]}}"#
        let url = try scratch.write("f16.safetensors", Self.file(header: header, data: Array(repeating: 0, count: 1536)))
        let file = try SafeTensorsFile(contentsOf: url)
        let error = #expect(throws: SafeTensorsError.self) { try MiniLMWeights(file: file) }
        #expect(error?.kind == .unsupportedDType)
        #expect(error?.tensor == "embeddings.word_embeddings.weight")
        #expect(error?.description.contains("F16") == true)
        // An unknown dtype is accepted in the header but cannot be read either.
        let odd = #"{"x":{"dtype":"Q4","shape":[3],"data_offsets":[0,2]}}"#
        let oddFile = try SafeTensorsFile(data: Self.file(header: odd, data: [1, 2]), name: "odd")
        #expect(throws: SafeTensorsError(.unsupportedDType, file: "odd", tensor: "x", "has dtype Q4; only F32 is supported")) {
            try oddFile.floats("x")
        }
    }

    @Test func missingRequiredTensor() throws {
        let scratch = try Scratch()
        // Word embeddings present, everything else missing.
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[1,384],"data_offsets":[0,1536]}}"#
        let url = try scratch.write("partial.safetensors", Self.file(header: header, data: Array(repeating: 0, count: 1536)))
        let error = #expect(throws: SafeTensorsError.self) { try MiniLMWeights(contentsOf: url) }
        #expect(error?.kind == .missingTensor)
        #expect(error?.tensor == "embeddings.position_embeddings.weight")
        #expect(error?.description.contains("partial.safetensors") == true)
        // Nothing at all.
        let emptyURL = try scratch.write("empty.safetensors", Self.file(header: "{}"))
        let none = #expect(throws: SafeTensorsError.self) { try MiniLMWeights(contentsOf: emptyURL) }
        #expect(none?.kind == .missingTensor)
        #expect(none?.tensor == "embeddings.word_embeddings.weight")
    }

    @Test func wrongShapeForARequiredTensor() throws {
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[384,1],"data_offsets":[0,1536]}}"#
        let file = try SafeTensorsFile(data: Self.file(header: header, data: Array(repeating: 0, count: 1536)), name: "mem")
        let error = #expect(throws: SafeTensorsError.self) { try MiniLMWeights(file: file) }
        #expect(error?.kind == .unexpectedShape)
    }
}
