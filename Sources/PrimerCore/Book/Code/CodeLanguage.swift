/// A language the highlighter knows, found from a fence's language name or one of its aliases.
enum CodeLanguage: String, Sendable {
    case python, cpp, bash, yaml, xml, json, swift

    /// The language for `name` (any case, aliases resolved: `py`, `c++`, `sh`, `yml`, `urdf`…).
    init?(named name: String) {
        let key = name.lowercased()
        if let language = CodeLanguage(rawValue: key) {
            self = language
            return
        }
        switch key {
        case "py", "python3", "py3": self = .python
        case "c++", "cc", "cxx", "hpp", "hxx", "h", "c": self = .cpp
        case "sh", "shell", "zsh", "console", "terminal", "shell-session": self = .bash
        case "yml": self = .yaml
        case "urdf", "sdf", "xacro", "launch", "html", "xhtml", "svg": self = .xml
        case "jsonc", "json5": self = .json
        default: return nil
        }
    }

    var displayName: String {
        switch self {
        case .python: "Python"
        case .cpp: "C++"
        case .bash: "Bash"
        case .yaml: "YAML"
        case .xml: "XML"
        case .json: "JSON"
        case .swift: "Swift"
        }
    }

    /// The tokens of `text` (newlines as `\n` only).
    func tokens(in text: [Unicode.Scalar]) -> [CodeToken] {
        switch self {
        case .python: HashCommentScanner.python.tokens(in: text)
        case .bash: HashCommentScanner.bash.tokens(in: text)
        case .yaml: HashCommentScanner.yaml.tokens(in: text)
        case .cpp: CLikeScanner.cpp.tokens(in: text)
        case .swift: CLikeScanner.swift.tokens(in: text)
        case .json: CLikeScanner.json.tokens(in: text)
        case .xml: MarkupScanner.xml.tokens(in: text)
        }
    }
}
