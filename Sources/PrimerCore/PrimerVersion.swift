/// The version Primer reports in `/health` and `--help`.
public enum PrimerVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
