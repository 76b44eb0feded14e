@testable import PrimerProviders
import Testing

/// Error messages found in providers' JSON error bodies, and what errors say.
@Suite struct ProviderErrorTests {
    func message(_ body: String) -> String? { ProviderError.message(inErrorBody: Array(body.utf8)) }

    @Test func everyErrorBodyShapeIsRead() {
        #expect(message(#"{"error":{"message":"bad key","type":"invalid_request_error"}}"#) == "bad key")  // OpenAI, Ollama, llama.cpp
        #expect(message(#"{"error":"model not found"}"#) == "model not found")  // Ollama native
        #expect(message(#"{"id":"x","message":"invalid api token"}"#) == "invalid api token")  // Cohere
        #expect(message(#"{"object":"error","message":"max tokens","type":"BadRequestError","code":400}"#) == "max tokens")  // vLLM
        #expect(message(#"{"detail":"Not Found"}"#) == "Not Found")
        #expect(message(#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#) == "field required")
        #expect(message("<html>502</html>") == nil)
        #expect(message("") == nil)
        #expect(message(#"["not","an","object"]"#) == nil)
    }

    @Test func messagesAreTrimmedShortenedAndNeverShowTheKey() {
        #expect(ProviderError.clean("  key sk-abc is wrong, sk-abc\n", hiding: "sk-abc") == "key [redacted] is wrong, [redacted]")
        #expect(ProviderError.clean("   ", hiding: nil) == nil)
        let long = ProviderError.clean(String(repeating: "x", count: 2000), hiding: "")
        #expect(long?.count == ProviderError.maxMessageLength + 1)
    }

    @Test func descriptionsAndTransience() {
        #expect(ProviderError.http(provider: "openai", status: 429, message: nil).description == "openai answered HTTP 429")
        #expect(ProviderError.http(provider: "openai", status: 429, message: nil).isTransient)
        #expect(!ProviderError.http(provider: "cohere", status: 401, message: "invalid api token").isTransient)
        #expect(ProviderError.timeout(provider: "cohere", seconds: 60).description == "cohere timed out: nothing received for 60 s")
        #expect(ProviderError.transport(provider: "openai", detail: "connection refused").description == "could not reach openai: connection refused")
        #expect(ProviderError.streamError(provider: "cohere", message: "overloaded").message == "overloaded")
    }
}
