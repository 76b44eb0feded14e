import Foundation
import PrimerCore
import PrimerProviders

/// A question with two passages, one earlier exchange and a profile, as the server would send.
func sampleRequest(profile: ReaderProfile? = ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none,
                                                            programmingBackground: .basic, interests: ["music"])) -> AnswerRequest {
    let chunks = (1...2).map { n in
        BookChunk(id: "actuators/servos#s~\(n)", pageSlug: "actuators/servos", pageTitle: "Servos", sourcePath: "actuators/servos.md",
                  headings: ["Servos", "Feedback"], anchor: "feedback", text: "Passage \(n) about servo feedback.", ordinal: n)
    }
    return AnswerRequest(question: "How does a servo know its angle?", passages: chunks.map { SourcePassage(chunk: $0, score: 1) },
                         profile: profile, history: [ConversationTurn(question: "What is a servo?", answer: "A motor with feedback [1].")])
}

/// Every piece of `stream`, in order.
func collect(_ stream: AsyncThrowingStream<String, any Error>) async throws -> [String] {
    var pieces: [String] = []
    for try await piece in stream { pieces.append(piece) }
    return pieces
}

/// The error `stream` ends with (nil when it ends normally).
func failure(of stream: AsyncThrowingStream<String, any Error>) async -> (any Error)? {
    do {
        _ = try await collect(stream)
        return nil
    } catch {
        return error
    }
}

/// One server-sent event whose data is the JSON form of `object`.
func event(_ object: [String: Any], name: String? = nil) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return (name.map { "event: \($0)\n" } ?? "") + "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
}
