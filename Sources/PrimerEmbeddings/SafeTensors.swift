import Foundation

/// Why a safetensors file could not be read, or a tensor could not be taken from it.
/// `description` names the file (and the tensor, when there is one) and the problem.
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, for callers and tests that branch on it.
    public enum Kind: String, Equatable, Sendable {
        /// The file could not be opened or read.
        case unreadable
        /// The file is shorter than the 8-byte header length.
        case truncated
        /// The header length points beyond the end of the file.
        case headerOutOfBounds
        /// The header is not a UTF-8 JSON object of the expected form.
        case invalidHeader
        /// A tensor's entry is malformed: bad dtype/shape/offsets, offsets out of range or
        /// overlapping another tensor, or a byte length that does not match its shape.
        case invalidTensor
        /// A tensor has a dtype this reader cannot convert (only F32 is read as floats).
        case unsupportedDType
        /// A required tensor is not in the file.
        case missingTensor
        /// A tensor has a different shape than the one required.
        case unexpectedShape
    }

    /// The kind of problem.
    public let kind: Kind
    /// The file's path (or the name given for in-memory data).
    public let file: String
    /// The tensor concerned, if any.
    public let tensor: String?
    /// What is wrong, in words.
    public let message: String

    /// Creates an error; `message` should say what is wrong without repeating the file name.
    public init(_ kind: Kind, file: String, tensor: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        if let tensor {
            return "safetensors file \(file): tensor '\(tensor)': \(message)"
        }
        return "safetensors file \(file): \(message)"
    }
}

/// One tensor's entry in a safetensors header.
public struct SafeTensorInfo: Equatable, Sendable {
    /// The tensor's name (e.g. `embeddings.word_embeddings.weight`).
    public let name: String
    /// The dtype as written in the header (`F32`, `I64`, …).
    public let dtype: String
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// The tensor's bytes, relative to the start of the data section.
    public let byteRange: Range<Int>

    /// The number of elements (the product of `shape`; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A parsed safetensors file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}, "__metadata__"?}`,
/// then the data section. Everything in the header is validated when the file is opened;
/// tensors are copied out on request into contiguous `[Float]` arrays (F32 only).
/// The file is read once (memory-mapped where the platform allows).
public struct SafeTensorsFile: Sendable {
    /// The file's path (or the name given for in-memory data), used in error messages.
    public let name: String
    /// Every tensor's entry, by name.
    public let tensors: [String: SafeTensorInfo]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]

    private let bytes: Data
    private let dataStart: Int

    /// Byte sizes of the dtypes the safetensors format defines.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1,
        "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
        "U32": 4, "I32": 4, "F32": 4,
        "U64": 8, "I64": 8, "F64": 8,
    ]

    /// Opens and validates the file at `url`.
    public init(contentsOf url: URL) throws(SafeTensorsError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(.unreadable, file: url.path, "cannot be read (\(error.localizedDescription))")
        }
        try self.init(data: data, name: url.path)
    }

    /// Parses and validates safetensors bytes already in memory; `name` is used in errors.
    public init(data: Data, name: String) throws(SafeTensorsError) {
        self.name = name
        // Work on a zero-based copy-free view.
        let bytes = data.startIndex == 0 ? data : Data(data)
        self.bytes = bytes
        let fileSize = bytes.count
        guard fileSize >= 8 else {
            throw SafeTensorsError(.truncated, file: name,
                                   "is \(fileSize) bytes long, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() {
            headerLength = headerLength << 8 | UInt64(bytes[i])
        }
        guard headerLength <= UInt64(fileSize - 8) else {
            throw SafeTensorsError(.headerOutOfBounds, file: name,
                                   "header length \(headerLength) goes beyond the end of the file (\(fileSize) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        self.dataStart = headerEnd
        let dataLength = fileSize - headerEnd

        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<headerEnd), options: [])
        } catch {
            throw SafeTensorsError(.invalidHeader, file: name, "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let object = json as? [String: Any] else {
            throw SafeTensorsError(.invalidHeader, file: name, "header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        var tensors: [String: SafeTensorInfo] = [:]
        for (key, value) in object {
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw SafeTensorsError(.invalidHeader, file: name, "__metadata__ is not a JSON object")
                }
                for (k, v) in map {
                    guard let s = v as? String else {
                        throw SafeTensorsError(.invalidHeader, file: name, "__metadata__ value for '\(k)' is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            tensors[key] = try Self.parseEntry(key, value, dataLength: dataLength, file: name)
        }

        // No two tensors may share bytes.
        let ordered = tensors.values.filter { !$0.byteRange.isEmpty }
            .sorted { ($0.byteRange.lowerBound, $0.name) < ($1.byteRange.lowerBound, $1.name) }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.byteRange.lowerBound < a.byteRange.upperBound {
            throw SafeTensorsError(.invalidTensor, file: name, tensor: b.name,
                                   "data_offsets [\(b.byteRange.lowerBound), \(b.byteRange.upperBound)] overlap tensor '\(a.name)' [\(a.byteRange.lowerBound), \(a.byteRange.upperBound)]")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A JSON number that is an exact integer (booleans and fractions are not).
    private static func integer(_ value: Any) -> Int? {
        guard let n = value as? NSNumber, !isBoolean(n) else { return nil }
        let d = n.doubleValue
        guard d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }

    /// JSON booleans decode as NSNumber too; their objCType tells them apart.
    private static func isBoolean(_ n: NSNumber) -> Bool {
        let type = String(cString: n.objCType)
        return type == "c" || type == "B"
    }

    private static func parseEntry(_ key: String, _ value: Any, dataLength: Int, file: String) throws(SafeTensorsError) -> SafeTensorInfo {
        func invalid(_ message: String) -> SafeTensorsError {
            SafeTensorsError(.invalidTensor, file: file, tensor: key, message)
        }
        guard let entry = value as? [String: Any] else { throw invalid("entry is not a JSON object") }
        guard let dtype = entry["dtype"] as? String else { throw invalid("has no string 'dtype'") }
        guard let rawShape = entry["shape"] as? [Any] else { throw invalid("has no 'shape' array") }
        var shape: [Int] = []
        for d in rawShape {
            guard let n = integer(d), n >= 0 else { throw invalid("shape \(rawShape) has a dimension that is not a non-negative integer") }
            shape.append(n)
        }
        guard let rawOffsets = entry["data_offsets"] as? [Any], rawOffsets.count == 2,
              let begin = integer(rawOffsets[0]), let end = integer(rawOffsets[1]) else {
            throw invalid("has no 'data_offsets' pair of integers")
        }
        guard begin >= 0 else {
            throw invalid("data_offsets [\(begin), \(end)] begin before the data section (overlapping the header)")
        }
        guard begin <= end else { throw invalid("data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= dataLength else {
            throw invalid("data_offsets [\(begin), \(end)] go beyond the data section (\(dataLength) bytes)")
        }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw invalid("shape \(shape) is too large") }
            count = product
        }
        if let size = dtypeSizes[dtype] {
            let (expected, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, expected == end - begin else {
                throw invalid("shape \(shape) of \(dtype) needs \(count) × \(size) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
            }
        }
        return SafeTensorInfo(name: key, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// The entry of tensor `name`, or `missingTensor`.
    public func info(_ name: String) throws(SafeTensorsError) -> SafeTensorInfo {
        guard let info = tensors[name] else {
            throw SafeTensorsError(.missingTensor, file: self.name, tensor: name, "is missing from the file")
        }
        return info
    }

    /// Copies F32 tensor `name` into a contiguous array (row-major, as stored). Throws
    /// `missingTensor`, `unsupportedDType` for any other dtype, or `unexpectedShape` when
    /// `shape` is given and differs.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws(SafeTensorsError) -> [Float] {
        let info = try info(name)
        guard info.dtype == "F32" else {
            throw SafeTensorsError(.unsupportedDType, file: self.name, tensor: name,
                                   "has dtype \(info.dtype); only F32 is supported")
        }
        if let expected, expected != info.shape {
            throw SafeTensorsError(.unexpectedShape, file: self.name, tensor: name,
                                   "has shape \(info.shape), expected \(expected)")
        }
        let count = info.elementCount
        let start = dataStart + info.byteRange.lowerBound
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * 4)])
                let target = UnsafeMutableRawBufferPointer(buffer)
                target.copyMemory(from: source)
            }
            #if _endian(big)
            for i in 0..<count { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
            #endif
            initialized = count
        }
    }
}
