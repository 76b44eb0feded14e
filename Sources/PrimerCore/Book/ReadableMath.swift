/// Turns the TeX of a formula into text a reader can follow without a math renderer (the
/// site loads nothing external): Greek letters and operators become Unicode symbols,
/// `\frac{a}{b}` becomes `(a)/(b)`, `\text{…}` its text, simple sub/superscripts Unicode
/// sub/superscript digits and letters where they exist. Anything unknown stays as written.
public enum ReadableMath {
    static let symbols: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
        "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
        "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
        "Omega": "Ω", "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "approx": "≈", "neq": "≠", "ne": "≠",
        "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "ll": "≪", "gg": "≫", "sim": "∼", "propto": "∝", "infty": "∞",
        "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√", "to": "→", "rightarrow": "→",
        "leftarrow": "←", "Rightarrow": "⇒", "leftrightarrow": "↔", "in": "∈", "forall": "∀", "exists": "∃", "dot": "",
        "quad": " ", "qquad": "  ", ",": " ", ";": " ", "!": "", " ": " ", "left": "", "right": "", "mathbf": "", "mathrm": "",
        "top": "ᵀ", "circ": "°", "degree": "°", "ldots": "…", "cdots": "⋯", "dots": "…", "hat": "", "vec": "", "bar": "",
        "tilde": "", "min": "min", "max": "max", "sin": "sin", "cos": "cos", "tan": "tan", "log": "log", "exp": "exp",
        "arctan": "arctan", "atan2": "atan2", "det": "det", "lim": "lim", "{": "{", "}": "}", "%": "%", "_": "_", "&": "&",
    ]
    static let subscripts: [Character: Character] = [
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", "+": "₊", "-": "₋",
        "=": "₌", "(": "₍", ")": "₎", "a": "ₐ", "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ",
        "o": "ₒ", "p": "ₚ", "r": "ᵣ", "s": "ₛ", "t": "ₜ", "u": "ᵤ", "v": "ᵥ", "x": "ₓ",
    ]
    static let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "+": "⁺", "-": "⁻",
        "=": "⁼", "(": "⁽", ")": "⁾", "n": "ⁿ", "i": "ⁱ", "T": "ᵀ", "k": "ᵏ", "t": "ᵗ", "x": "ˣ",
    ]

    /// The readable form of `tex` (without its `$` delimiters).
    public static func readable(_ tex: String) -> String {
        var parser = Parser(characters: Array(tex))
        let text = parser.parseSequence(until: nil)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    private struct Parser {
        let characters: [Character]
        var index = 0

        mutating func parseSequence(until terminator: Character?) -> String {
            var out = ""
            while index < characters.count {
                let c = characters[index]
                if c == terminator { index += 1; return out }
                index += 1
                switch c {
                case "\\": out += command()
                case "{": out += parseSequence(until: "}")
                case "_": out += script(Self.map(ReadableMath.subscripts), marker: "_")
                case "^": out += script(Self.map(ReadableMath.superscripts), marker: "^")
                default: out.append(c)
                }
            }
            return out
        }

        static func map(_ table: [Character: Character]) -> (String) -> String? {
            { text in
                var out = ""
                for character in text {
                    guard let mapped = table[character] else { return nil }
                    out.append(mapped)
                }
                return out
            }
        }

        /// `_x`, `_{abc}`, `^2`: Unicode when every character has a form, else `_(abc)`.
        mutating func script(_ convert: (String) -> String?, marker: Character) -> String {
            guard index < characters.count else { return String(marker) }
            let argument: String
            if characters[index] == "{" {
                index += 1
                argument = parseSequence(until: "}")
            } else if characters[index] == "\\" {
                index += 1
                argument = command()
            } else {
                argument = String(characters[index])
                index += 1
            }
            if let converted = convert(argument) { return converted }
            return argument.count == 1 ? "\(marker)\(argument)" : "\(marker)(\(argument))"
        }

        mutating func command() -> String {
            guard index < characters.count else { return "\\" }
            var name = ""
            if characters[index].isLetter {
                while index < characters.count, characters[index].isLetter {
                    name.append(characters[index])
                    index += 1
                }
            } else {
                name = String(characters[index])
                index += 1
            }
            switch name {
            case "frac", "dfrac", "tfrac":
                let numerator = group(), denominator = group()
                return "(\(numerator))/(\(denominator))"
            case "text", "mathrm", "mathbf", "mathit", "operatorname", "textbf", "boldsymbol":
                return group()
            case "sqrt":
                return "√(\(group()))"
            case "dot":
                return group() + "\u{0307}"
            case "hat", "vec", "bar", "tilde":
                return group()
            default:
                return ReadableMath.symbols[name] ?? "\\" + name
            }
        }

        /// A `{…}` argument (or the next single character).
        mutating func group() -> String {
            while index < characters.count, characters[index] == " " { index += 1 }
            guard index < characters.count else { return "" }
            if characters[index] == "{" {
                index += 1
                return parseSequence(until: "}")
            }
            if characters[index] == "\\" {
                index += 1
                return command()
            }
            defer { index += 1 }
            return String(characters[index])
        }
    }
}
