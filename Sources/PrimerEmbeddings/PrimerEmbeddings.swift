/// The local sentence-embedding model: all-MiniLM-L6-v2 (BERT uncased WordPiece tokenizer,
/// 6-layer encoder, mean pooling, L2 normalisation) in Swift, with matrix products through
/// OpenBLAS. Weights come from `model.safetensors` and `vocab.txt` in `PRIMER_MODEL_DIR`.
public enum PrimerEmbeddings {
    /// The model this module implements.
    public static let modelName = "all-MiniLM-L6-v2"
}
