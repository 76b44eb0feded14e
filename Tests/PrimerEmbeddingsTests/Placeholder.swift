import Testing
@testable import PrimerEmbeddings

@Suite struct PrimerEmbeddingsModuleTests {
    @Test func namesTheModel() {
        #expect(PrimerEmbeddings.modelName == "all-MiniLM-L6-v2")
    }
}
