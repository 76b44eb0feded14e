/// One MathML element of a converted formula, with the TeX atom class that decides the
/// spacing the converter adds around it.
struct MathNode: Sendable {
    /// TeX's atom classes, as far as the converter needs them (`space` for explicit spaces,
    /// which TeX's spacing rules look through).
    enum Kind: Sendable { case ord, op, function, bin, rel, open, close, punct, inner, space }
    /// Where `_` and `^` go on a large operator: beside it, under/over it in display style only, or always under/over.
    enum Limits: Sendable { case beside, display, always }

    var tag: String
    var attributes: [(String, String)] = []
    /// The content of a token element (`mi`, `mn`, `mo`, `mtext`); nil for containers.
    var text: String?
    var children: [MathNode] = []
    var kind: Kind = .ord
    var limits: Limits = .beside
    /// A thin space goes before this node in its row (TeX's space around function names).
    var thinSpaceBefore = false

    static func token(_ tag: String, _ text: String, _ attributes: [(String, String)] = [], kind: Kind = .ord) -> MathNode {
        MathNode(tag: tag, attributes: attributes, text: text, kind: kind)
    }

    static func element(_ tag: String, _ children: [MathNode], _ attributes: [(String, String)] = [], kind: Kind = .ord) -> MathNode {
        MathNode(tag: tag, attributes: attributes, children: children, kind: kind)
    }

    /// The nodes as one node: the node itself when there is one, else an `<mrow>`.
    static func row(_ nodes: [MathNode]) -> MathNode {
        guard nodes.count == 1, var node = nodes.first else { return element("mrow", nodes) }
        node.thinSpaceBefore = false
        return node
    }

    static func space(_ width: String) -> MathNode {
        MathNode(tag: "mspace", attributes: [("width", width)], kind: .space)
    }

    /// The children a row-like parent (`msqrt`, `mtd`) takes: an attribute-less `<mrow>`'s children, else the node.
    var rowChildren: [MathNode] {
        tag == "mrow" && attributes.isEmpty ? children : [self]
    }

    /// The MathML of this node.
    var markup: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        out += "<" + tag
        for (name, value) in attributes { out += " \(name)=\"\(Self.escape(value))\"" }
        out += ">"
        if let text {
            out += Self.escape(text)
        } else {
            for child in children {
                if child.thinSpaceBefore { out += "<mspace width=\"0.1667em\"></mspace>" }
                child.write(to: &out)
            }
        }
        out += "</" + tag + ">"
    }

    /// `text` with `&`, `<`, `>` and `"` as character references (looked for as scalars, so a
    /// combining mark after one cannot hide it).
    static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }
}
