import Foundation
import PrimerCore
import XCTest

final class CodeHighlighterTests: XCTestCase {
    // MARK: Helpers

    private func span(_ kind: String, _ html: String) -> String {
        "<span class=\"tok-\(kind)\">\(html)</span>"
    }

    private func assertHTML(
        _ code: String, _ language: String, contains fragments: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let html = CodeHighlighter.html(code, language: language)
        for fragment in fragments {
            XCTAssertTrue(html.contains(fragment), "\(language): expected \(fragment) in \(html)", file: file, line: line)
        }
    }

    private func assertHTML(
        _ code: String, _ language: String, lacks fragments: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let html = CodeHighlighter.html(code, language: language)
        for fragment in fragments {
            XCTAssertFalse(html.contains(fragment), "\(language): unexpected \(fragment) in \(html)", file: file, line: line)
        }
    }

    /// The output with tags removed and the four entities decoded, compared scalar by scalar (a
    /// combining mark after `>` would otherwise merge with it into one `Character`).
    private func plainText(_ html: String) -> [Unicode.Scalar] {
        let scalars = Array(html.unicodeScalars)
        var text: [Unicode.Scalar] = []
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "<":
                while index < scalars.count, scalars[index] != ">" { index += 1 }
                index += 1
            case "&":
                var name = ""
                index += 1
                while index < scalars.count, scalars[index] != ";" {
                    name.unicodeScalars.append(scalars[index])
                    index += 1
                }
                index += 1
                let decoded: [String: Unicode.Scalar] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\""]
                guard let scalar = decoded[name] else {
                    XCTFail("unexpected entity &\(name);")
                    continue
                }
                text.append(scalar)
            default:
                text.append(scalars[index])
                index += 1
            }
        }
        return text
    }

    private func lines(_ html: String) -> [String] {
        html.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }

    private func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Round trip, one output line per input line, and every line's spans closed on that line.
    private func assertWellFormed(_ code: String, _ language: String?, file: StaticString = #filePath, line: UInt = #line) {
        let html = CodeHighlighter.html(code, language: language)
        let expected = code.unicodeScalars.filter { $0 != "\r" }
        XCTAssertEqual(plainText(html), Array(expected), "round trip for \(language ?? "nil")", file: file, line: line)
        let outputLines = lines(html)
        let inputLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(outputLines.count, inputLines.count, "line count for \(language ?? "nil")", file: file, line: line)
        for outputLine in outputLines {
            XCTAssertEqual(occurrences("<span", in: outputLine), occurrences("</span>", in: outputLine),
                           "span crosses a line in \(language ?? "nil"): \(outputLine)", file: file, line: line)
        }
    }

    // MARK: CodeFenceInfo

    func testFenceInfoParsesLanguageTitleLinesAndFlags() {
        let info = CodeFenceInfo("python title=\"talker.py\" {1,3-5} showLineNumbers")
        XCTAssertEqual(info.language, "python")
        XCTAssertEqual(info.title, "talker.py")
        XCTAssertEqual(info.highlightedLines, [1, 3, 4, 5])
    }

    func testFenceInfoResolvesAliases() {
        let expected: [String: String] = [
            "py": "python", "Python": "python", "python3": "python",
            "cpp": "cpp", "c++": "cpp", "cc": "cpp", "hpp": "cpp", "h": "cpp", "c": "cpp",
            "sh": "bash", "shell": "bash", "bash": "bash", "zsh": "bash", "console": "bash",
            "yml": "yaml", "YAML": "yaml",
            "xml": "xml", "urdf": "xml", "sdf": "xml", "xacro": "xml", "launch": "xml", "html": "xml",
            "json": "json", "jsonc": "json", "swift": "swift",
        ]
        for (alias, language) in expected {
            XCTAssertEqual(CodeFenceInfo(alias).language, language, alias)
        }
        XCTAssertEqual(CodeFenceInfo("Mermaid").language, "mermaid", "unknown languages are kept, lowercased")
    }

    func testFenceInfoTitleWithSpacesAndSingleQuotes() {
        XCTAssertEqual(CodeFenceInfo("bash title=\"Install ROS 2 (Humble)\"").title, "Install ROS 2 (Humble)")
        XCTAssertEqual(CodeFenceInfo("xml title='my robot.urdf'").title, "my robot.urdf")
        XCTAssertEqual(CodeFenceInfo("yaml title=params.yaml").title, "params.yaml")
        XCTAssertNil(CodeFenceInfo("python").title)
        XCTAssertNil(CodeFenceInfo("python title=\"\"").title)
    }

    func testFenceInfoMetaInAnyOrder() {
        let a = CodeFenceInfo("cpp {2,4-5} title=\"node.cpp\"")
        let b = CodeFenceInfo("cpp title=\"node.cpp\" showLineNumbers {4-5,2}")
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.language, "cpp")
        XCTAssertEqual(a.title, "node.cpp")
        XCTAssertEqual(a.highlightedLines, [2, 4, 5])
        XCTAssertEqual(CodeFenceInfo("py{1, 3 - 4}").highlightedLines, [1, 3, 4])
        XCTAssertEqual(CodeFenceInfo("py{1, 3 - 4}").language, "python")
        XCTAssertEqual(CodeFenceInfo("{7} title=\"x\" python").language, "python")
    }

    func testFenceInfoEmptyAndMalformed() {
        for info in ["", "   "] {
            let parsed = CodeFenceInfo(info)
            XCTAssertNil(parsed.language)
            XCTAssertNil(parsed.title)
            XCTAssertEqual(parsed.highlightedLines, [])
        }
        XCTAssertEqual(CodeFenceInfo("python {x,0,5-3,2,,7-}").highlightedLines, [2])
        XCTAssertEqual(CodeFenceInfo("python {1-3").highlightedLines, [1, 2, 3])
        XCTAssertEqual(CodeFenceInfo("python {1-999999999}").highlightedLines, [], "absurd ranges are ignored")
    }

    func testDisplayNames() {
        XCTAssertEqual(CodeHighlighter.displayName(of: "python"), "Python")
        XCTAssertEqual(CodeHighlighter.displayName(of: "py"), "Python")
        XCTAssertEqual(CodeHighlighter.displayName(of: "c++"), "C++")
        XCTAssertEqual(CodeHighlighter.displayName(of: "sh"), "Bash")
        XCTAssertEqual(CodeHighlighter.displayName(of: "yml"), "YAML")
        XCTAssertEqual(CodeHighlighter.displayName(of: "urdf"), "XML")
        XCTAssertEqual(CodeHighlighter.displayName(of: "json"), "JSON")
        XCTAssertEqual(CodeHighlighter.displayName(of: "swift"), "Swift")
        XCTAssertNil(CodeHighlighter.displayName(of: "mermaid"))
        XCTAssertNil(CodeHighlighter.displayName(of: ""))
    }

    // MARK: Python

    func testPythonKeywordsCommentsAndFunctions() {
        assertHTML("def f(x):  # hi", "python", contains: [
            span("keyword", "def"), span("function", "f"), span("comment", "# hi"),
        ])
        assertHTML("class Talker(Node):\n    pass", "python", contains: [
            span("keyword", "class"), span("type", "Talker"), span("keyword", "pass"),
        ])
        assertHTML("rclpy.init(args=args)\nif x is not None and y: return", "python", contains: [
            span("function", "init"), span("keyword", "is"), span("keyword", "not"), span("keyword", "and"),
            span("keyword", "return"),
        ])
        XCTAssertEqual(CodeHighlighter.html("classify = import_path", language: "python"), "classify = import_path")
    }

    func testPythonBuiltinsTypesNumbersAndDecorators() {
        assertHTML("@dataclass\nclass A:\n    n: int = 1_000\n    s: str = None", "python", contains: [
            span("meta", "@dataclass"), span("type", "int"), span("number", "1_000"), span("type", "str"),
            span("builtin", "None"),
        ])
        assertHTML("    @app.route(\"/\")", "python", contains: [span("meta", "@app.route")])
        assertHTML("print(len(self.items), range(3), True, 1e-3, 0x1F, 3.14, .5, 2j)", "python", contains: [
            span("builtin", "print"), span("builtin", "len"), span("builtin", "self"), span("builtin", "range"),
            span("builtin", "True"), span("number", "1e-3"), span("number", "0x1F"), span("number", "3.14"),
            span("number", ".5"), span("number", "2j"),
        ])
        assertHTML("m = a @ b", "python", lacks: ["tok-meta"])
    }

    func testPythonStrings() {
        assertHTML("s = 'He said \"hi\" # not a comment'", "python", contains: [
            span("string", "'He said &quot;hi&quot; # not a comment'"),
        ])
        assertHTML(#"s = "a \"quoted\" word" # real"#, "python", contains: [
            span("string", #"&quot;a \&quot;quoted\&quot; word&quot;"#), span("comment", "# real"),
        ])
        assertHTML(#"f"{name}: {value!r}" + rb'\d+' + F'x' + u"y""#, "python", contains: [
            span("string", "f&quot;{name}: {value!r}&quot;"), span("string", #"rb'\d+'"#),
            span("string", "F'x'"), span("string", "u&quot;y&quot;"),
        ])
    }

    func testPythonTripleQuotedStringSpansLines() {
        let html = CodeHighlighter.html("doc = \"\"\"First\n# not a comment\n\nlast\"\"\"  # done", language: "python")
        XCTAssertEqual(lines(html), [
            "doc = " + span("string", "&quot;&quot;&quot;First"),
            span("string", "# not a comment"),
            "",
            span("string", "last&quot;&quot;&quot;") + "  " + span("comment", "# done"),
        ])
        assertHTML("x = '''a\nb'''\ny = 1", "python", contains: [span("string", "b'''"), span("number", "1")])
    }

    // MARK: C++

    func testCppPreprocessorClassesAndComments() {
        assertHTML("#include <rclcpp/rclcpp.hpp>\n#include \"my_node.hpp\"  // local", "cpp", contains: [
            span("meta", "#include &lt;rclcpp/rclcpp.hpp&gt;"), span("meta", "#include &quot;my_node.hpp&quot;  "),
            span("comment", "// local"),
        ])
        assertHTML("class MinimalPublisher : public rclcpp::Node {\n  void tick() const override;\n};", "cpp", contains: [
            span("keyword", "class"), span("type", "MinimalPublisher"), span("keyword", "public"), span("type", "Node"),
            span("type", "void"), span("function", "tick"), span("keyword", "const"), span("keyword", "override"),
        ])
        assertHTML("std::string s;", "cpp", contains: ["std::", span("type", "string")])
        assertHTML("std::string s;", "cpp", lacks: [">std<"])
        let html = CodeHighlighter.html("/* one\n   two */ int x;", language: "cpp")
        XCTAssertEqual(lines(html), [span("comment", "/* one"), span("comment", "   two */") + " " + span("type", "int") + " x;"])
    }

    func testCppStringsCharsNumbersAndBuiltins() {
        assertHTML(#"auto url = "http://example.com"; // real"#, "cpp", contains: [
            span("keyword", "auto"), span("string", "&quot;http://example.com&quot;"), span("comment", "// real"),
        ])
        assertHTML(#"char q = '"'; char e = '\''; auto s = "say \"hi\"";"#, "cpp", contains: [
            span("string", "'&quot;'"), span("string", #"'\''"#), span("string", #"&quot;say \&quot;hi\&quot;&quot;"#),
        ])
        assertHTML("float f = 1.0f; unsigned n = 10u; int h = 0x1F; long big = 1'000'000;", "cpp", contains: [
            span("number", "1.0f"), span("number", "10u"), span("number", "0x1F"), span("number", "1'000'000"),
        ])
        assertHTML("this->ok_ = true; ptr = nullptr;", "cpp", contains: [
            span("builtin", "this"), span("builtin", "true"), span("builtin", "nullptr"),
        ])
        assertHTML(#"auto raw = R"(a "quoted" // text)";"#, "cpp", contains: [
            span("string", #"R&quot;(a &quot;quoted&quot; // text)&quot;"#),
        ])
        assertHTML("int override_count = classic;", "cpp", lacks: ["tok-keyword"])
    }

    // MARK: Bash

    func testBashPromptBuiltinsAndOptions() {
        assertHTML("$ sudo apt install -y ros-humble-desktop --no-install-recommends", "bash", contains: [
            span("prompt", "$ "), span("builtin", "sudo"), span("attr", "-y"), span("attr", "--no-install-recommends"),
        ])
        assertHTML("source /opt/ros/humble/setup.bash\ncd ~/ws && echo done", "bash", contains: [
            span("builtin", "source"), span("builtin", "cd"), span("builtin", "echo"),
        ])
        assertHTML("colcon build --cmake-args=-DFOO=1", "bash", contains: [span("attr", "--cmake-args")])
        assertHTML("#!/bin/bash\nset -e", "bash", contains: [span("meta", "#!/bin/bash"), span("builtin", "set")])
    }

    func testBashVariablesStringsAndComments() {
        assertHTML("echo $# a#b $HOME ${ROS_DISTRO:-humble} # real comment", "bash", contains: [
            span("variable", "$#"), " a#b ", span("variable", "$HOME"), span("variable", "${ROS_DISTRO:-humble}"),
            span("comment", "# real comment"),
        ])
        assertHTML("export PATH=\"$HOME/bin:$PATH\"", "bash", contains: [
            span("builtin", "export"), span("variable", "PATH"), span("string", "&quot;"), span("variable", "$HOME"),
            span("string", "/bin:"), span("string", "&quot;"),
        ])
        assertHTML("NOW=$(date +%s)", "bash", contains: [span("variable", "NOW"), span("variable", "$("), span("variable", ")")])
        assertHTML("echo 'it \"is\" # fine' \"a \\\" b\"", "bash", contains: [
            span("string", "'it &quot;is&quot; # fine'"), span("string", "&quot;a \\&quot; b&quot;"),
        ])
        assertHTML("for f in *.py; do echo \"$f\"; done\nif [ -f x ]; then exit 1; fi", "bash", contains: [
            span("keyword", "for"), span("keyword", "in"), span("keyword", "do"), span("keyword", "done"),
            span("keyword", "if"), span("keyword", "then"), span("builtin", "exit"), span("number", "1"), span("keyword", "fi"),
        ])
        assertHTML("greet() {\n  echo hi\n}", "bash", contains: [span("function", "greet")])
        assertHTML("sudo apt-get install ./done.deb", "bash", lacks: ["tok-keyword"])
    }

    // MARK: YAML

    func testYAMLKeysScalarsAndComments() {
        assertHTML("talker:\n  ros__parameters:\n    rate: 10  # Hz\n    use_sim_time: true", "yaml", contains: [
            span("attr", "talker"), span("attr", "ros__parameters"), span("attr", "rate"), span("number", "10"),
            span("comment", "# Hz"), span("attr", "use_sim_time"), span("builtin", "true"),
        ])
        assertHTML("gain: -1.5e-3\nname: \"arm # one\"\nlabel: 'it''s'\nnothing: null\nversion: 1.2.3", "yaml", contains: [
            span("number", "-1.5e-3"), span("string", "&quot;arm # one&quot;"), span("string", "'it''s'"),
            span("builtin", "null"),
        ])
        assertHTML("version: 1.2.3\nurl: http://example.com/a#frag", "yaml", lacks: ["tok-number", "tok-comment"])
    }

    func testYAMLListsBlockScalarsAnchorsAndFlow() {
        assertHTML("---\n- name: base\n  joints: [a, 2, true]\n- &def {x: 1}\n- *def", "yaml", contains: [
            span("meta", "---"), span("punct", "-"), span("attr", "name"), span("number", "2"), span("builtin", "true"),
            span("variable", "&amp;def"), span("attr", "x"), span("number", "1"), span("variable", "*def"),
        ])
        let html = CodeHighlighter.html("run: |\n  echo hi # not a comment\n  ls\nnext: 1", language: "yaml")
        XCTAssertEqual(lines(html), [
            span("attr", "run") + ": " + span("punct", "|"),
            "  " + span("string", "echo hi # not a comment"),
            "  " + span("string", "ls"),
            span("attr", "next") + ": " + span("number", "1"),
        ])
        assertHTML("\"quoted key\": 1", "yaml", contains: [span("attr", "&quot;quoted key&quot;")])
    }

    // MARK: XML

    func testXMLDeclarationTagsAttributesAndEntities() {
        assertHTML("<?xml version=\"1.0\"?>", "xml", contains: [
            span("tag", "&lt;?xml"), span("attr", "version"), span("string", "&quot;1.0&quot;"), span("tag", "?&gt;"),
        ])
        XCTAssertEqual(
            CodeHighlighter.html("<link name=\"base\">a &amp; b</link>", language: "urdf"),
            span("tag", "&lt;link") + " " + span("attr", "name") + "=" + span("string", "&quot;base&quot;")
                + span("tag", "&gt;") + "a " + span("meta", "&amp;amp;") + " b" + span("tag", "&lt;/link&gt;")
        )
        assertHTML("<joint\n    name=\"j1\"\n    type='revolute'/>", "xml", contains: [
            span("attr", "name"), span("string", "'revolute'"), span("tag", "/&gt;"),
        ])
        assertHTML("<arg name=\"model\" default=\"$(find my_pkg)/urdf/robot.xacro\"/>", "launch", contains: [
            span("string", "&quot;$(find my_pkg)/urdf/robot.xacro&quot;"),
        ])
        assertHTML("x < 5 && y", "xml", contains: ["x &lt; 5 &amp;&amp; y"])
    }

    func testXMLCommentsSpanLinesAndNotInsideAttributes() {
        let html = CodeHighlighter.html("<!-- base\n<link/> -->\n<a/>", language: "xml")
        XCTAssertEqual(lines(html), [
            span("comment", "&lt;!-- base"), span("comment", "&lt;link/&gt; --&gt;"), span("tag", "&lt;a/&gt;"),
        ])
        assertHTML("<a title=\"<!-- not -->\">x</a>", "xml", contains: [span("string", "&quot;&lt;!-- not --&gt;&quot;")])
        assertHTML("<a title=\"<!-- not -->\">x</a>", "xml", lacks: ["tok-comment"])
    }

    // MARK: JSON

    func testJSONKeysValuesAndLiterals() {
        let html = CodeHighlighter.html("{\"name\": \"arm\", \"dof\": 6, \"gain\": -1.5e3, \"ok\": true, \"tip\": null}", language: "json")
        for fragment in [
            span("attr", "&quot;name&quot;"), span("string", "&quot;arm&quot;"), span("number", "6"),
            span("number", "-1.5e3"), span("builtin", "true"), span("builtin", "null"), span("attr", "&quot;tip&quot;"),
        ] {
            XCTAssertTrue(html.contains(fragment), fragment)
        }
        assertHTML("{\n  \"url\": \"http://x/#a\",\n  \"say \\\"hi\\\"\" : [1, false]\n}", "json", contains: [
            span("string", "&quot;http://x/#a&quot;"), span("attr", "&quot;say \\&quot;hi\\&quot;&quot;"), span("builtin", "false"),
        ])
        assertHTML("{\"url\": \"http://x\"}", "jsonc", lacks: ["tok-comment"])
    }

    // MARK: Swift

    func testSwiftKeywordsTypesAndAttributes() {
        assertHTML("@main\nstruct App {\n  static func greet(name: String) async throws -> Int { nil }\n}", "swift", contains: [
            span("meta", "@main"), span("keyword", "struct"), span("type", "App"), span("keyword", "static"),
            span("keyword", "func"), span("function", "greet"), span("type", "String"), span("keyword", "async"),
            span("keyword", "throws"), span("type", "Int"), span("keyword", "nil"),
        ])
        assertHTML("guard let x = self.value else { return Self.zero }", "swift", contains: [
            span("keyword", "guard"), span("keyword", "let"), span("keyword", "self"), span("keyword", "else"),
            span("keyword", "Self"),
        ])
        assertHTML("for i in 1..<10 where i != 0x1F { _ = 1_000 + 3.14 }", "swift", contains: [
            span("number", "1"), span("number", "10"), span("number", "0x1F"), span("number", "1_000"), span("number", "3.14"),
        ])
    }

    func testSwiftStringsAndNestedComments() {
        assertHTML(#"let s = "a \(d["k"]) // b" // real"#, "swift", contains: [
            span("string", #"&quot;a \(d[&quot;k&quot;]) // b&quot;"#), span("comment", "// real"),
        ])
        let html = CodeHighlighter.html("/* a /* b */ still\n */ let x = \"\"\"\n  line \"quoted\"\n  \"\"\"", language: "swift")
        XCTAssertEqual(lines(html), [
            span("comment", "/* a /* b */ still"),
            span("comment", " */") + " " + span("keyword", "let") + " x = " + span("string", "&quot;&quot;&quot;"),
            span("string", "  line &quot;quoted&quot;"),
            span("string", "  &quot;&quot;&quot;"),
        ])
        assertHTML(##"let r = #"raw \d "x""#"##, "swift", contains: [span("string", ##"#&quot;raw \d &quot;x&quot;&quot;#"##)])
    }

    // MARK: Edge cases

    func testUnterminatedStringsAndCommentsRunToTheEnd() {
        XCTAssertEqual(CodeHighlighter.html("x = \"abc", language: "python"), "x = " + span("string", "&quot;abc"))
        XCTAssertEqual(CodeHighlighter.html("x = 'abc\ny = 1", language: "python"),
                       "x = " + span("string", "'abc") + "\ny = " + span("number", "1"))
        XCTAssertEqual(lines(CodeHighlighter.html("s = '''open\nstill", language: "python")),
                       ["s = " + span("string", "'''open"), span("string", "still")])
        XCTAssertEqual(lines(CodeHighlighter.html("int x; /* open\nstill", language: "cpp")),
                       [span("type", "int") + " x; " + span("comment", "/* open"), span("comment", "still")])
        XCTAssertEqual(CodeHighlighter.html("<!-- open", language: "xml"), span("comment", "&lt;!-- open"))
        XCTAssertEqual(CodeHighlighter.html("<a href=\"x", language: "xml"),
                       span("tag", "&lt;a") + " " + span("attr", "href") + "=" + span("string", "&quot;x"))
        XCTAssertEqual(CodeHighlighter.html("echo \"abc", language: "bash"), span("builtin", "echo") + " " + span("string", "&quot;abc"))
        XCTAssertEqual(CodeHighlighter.html("{\"a", language: "json"), "{" + span("string", "&quot;a"))
        XCTAssertEqual(CodeHighlighter.html("/* a /* b */", language: "swift"), span("comment", "/* a /* b */"))
        for language in ["python", "cpp", "bash", "yaml", "xml", "json", "swift"] {
            for tail in ["\"", "'", "\\", "/*", "<!--", "${", "$(", "\"\"\"", "#", "<", "&", "@", "R\"x("] {
                assertWellFormed("a = " + tail, language)
            }
        }
    }

    func testSpecialCharactersAreAlwaysEscaped() {
        XCTAssertEqual(CodeHighlighter.html("if a < b && c > \"d\": pass", language: nil),
                       "if a &lt; b &amp;&amp; c &gt; &quot;d&quot;: pass")
        XCTAssertEqual(CodeHighlighter.html("<b>&amp;</b>", language: "mermaid"), "&lt;b&gt;&amp;amp;&lt;/b&gt;")
        for language in ["python", "cpp", "bash", "yaml", "xml", "json", "swift"] {
            let html = CodeHighlighter.html("x = a<b & c>d // \"<tag>\" # '&'", language: language)
            let outsideTags = html.replacingOccurrences(of: "<span class=\"tok-[a-z]+\">", with: "", options: .regularExpression)
                .replacingOccurrences(of: "</span>", with: "")
            XCTAssertFalse(outsideTags.contains("<"), language)
            XCTAssertFalse(outsideTags.contains(">"), language)
            XCTAssertFalse(outsideTags.contains("\""), language)
        }
    }

    func testEmptyInputAndCRLF() {
        for language: String? in ["python", "cpp", "bash", "yaml", "xml", "json", "swift", "text", nil] {
            XCTAssertEqual(CodeHighlighter.html("", language: language), "")
            XCTAssertEqual(CodeHighlighter.html("\n", language: language), "\n")
        }
        XCTAssertEqual(CodeHighlighter.html("x = 1  # a\r\ny = 'b'\r\n", language: "python"),
                       "x = " + span("number", "1") + "  " + span("comment", "# a") + "\ny = " + span("string", "'b'") + "\n")
        XCTAssertEqual(CodeHighlighter.html("a\r\nb", language: nil), "a\nb")
        XCTAssertFalse(CodeHighlighter.html("/* a\r\nb */", language: "cpp").contains("\r"))
    }

    // MARK: Round trip

    private static let snippets: [String: String] = [
        "python": """
            #!/usr/bin/env python3
            import rclpy
            from rclpy.node import Node

            @dataclass(frozen=True)
            class Talker(Node):
                \"\"\"Publishes "hello" # every second.\"\"\"
                def __init__(self, rate: float = 1e-3) -> None:
                    super().__init__('talker')
                    self.count = 0x1F + 1_000  # counter
                    print(f"{self.count!r} <&>", r'\\d', b"\\x00")
                    lambda x: x ** 2 if x > 0 else None
            """,
        "cpp": """
            #include <rclcpp/rclcpp.hpp>
            #define SQUARE(x) \\
                ((x) * (x))
            namespace demo {
            /* A node
               that publishes. */
            class Pub : public rclcpp::Node {
            public:
              Pub() : Node("pub"), count_(0) {  // ctor
                auto url = "http://a/b?c=1&d=2";
                char c = '\\n'; float f = 1.5e-3f; auto n = 10u;
                if (count_ < 10 && this != nullptr) { return; }
              }
            private:
              std::size_t count_;
            };
            }  // namespace demo
            """,
        "bash": """
            #!/bin/bash
            $ sudo apt install -y ros-humble-desktop
            # Comment with 'quote'
            export ROS_DOMAIN_ID=42
            source /opt/ros/humble/setup.bash && echo "Sourced $ROS_DISTRO (${ROS_VERSION:-2})"
            for f in $(ls *.py); do
              python3 "$f" --verbose 2>&1 | tee log#1.txt  # run
            done
            echo $# $? $1 'single "double"' "escaped \\" quote"
            cat <<EOF > out.txt
            EOF
            """,
        "yaml": """
            # ROS 2 parameters
            ---
            talker:
              ros__parameters:
                rate: 10.5  # Hz
                topic: "/chatter"
                frames: [base_link, 'odom', 3]
                enabled: true
                empty: ~
                anchors: &base {x: 1, y: -2}
                copy: *base
                script: |
                  echo "hi" # inside
                  ls <dir> & wait
                - item: one
                - 'two'
            """,
        "xml": """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE robot>
            <robot name="arm" xmlns:xacro="http://www.ros.org/wiki/xacro">
              <!-- Base
                   link -->
              <link name="base_link">
                <visual><geometry><box size="1 1 1"/></geometry></visual>
              </link>
              <xacro:property name="pi" value="3.14159"/>
              <description><![CDATA[ a < b & c ]]> text &lt; &amp; &#x3C; & done</description>
              <arg name="model" default="$(find pkg)/urdf/arm.xacro" />
            </robot>
            """,
        "json": """
            {
              "name": "arm",
              "joints": [1, -2.5, 3e8],
              "enabled": true,
              "parent": null,
              "path": "C:\\\\robots\\\\arm // not comment",
              "nested": {"a": {"b": [{}]}}
            }
            """,
        "swift": """
            import Foundation

            /// A node. /* nested /* comment */ still */
            @main
            struct App: Sendable {
                static let greeting = "Hello, \\(name["first"] ?? "you")!"
                let raw = #"C:\\path "quoted""#
                let text = \"\"\"
                    Multi "line"
                    \"\"\"
                func run() async throws -> Int? {
                    guard let value = Int("42") else { return nil }
                    return value + 0x1F + 1_000
                }
            }
            """,
    ]

    func testRoundTripForEveryLanguage() {
        let languages = ["python", "cpp", "bash", "yaml", "xml", "json", "swift"]
        let edgeCases = [
            "", "\n\n", "a\r\nb\r\n", "\"", "'", "\\", "/*", "*/", "<!--", "-->", "\"\"\"", "${", "$(", ")", "}",
            "#", "<", ">", "&", "&amp;", "é\u{301} 😀 <\u{301}> \"\u{301}", "\t- :\n  - a: |\n      x",
        ]
        for language in languages {
            guard let snippet = Self.snippets[language] else { return XCTFail("no snippet for \(language)") }
            XCTAssertTrue(CodeHighlighter.html(snippet, language: language).contains("<span class=\"tok-"), language)
            // Every snippet through every scanner (and none), CRLF variants included.
            for other in languages + ["text"] {
                assertWellFormed(snippet, other)
                assertWellFormed(snippet.replacingOccurrences(of: "\n", with: "\r\n"), other)
            }
            for edge in edgeCases {
                assertWellFormed(edge, language)
            }
        }
        assertWellFormed(Self.snippets["python"] ?? "", nil)
    }
}
