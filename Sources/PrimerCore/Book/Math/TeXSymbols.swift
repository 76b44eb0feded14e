/// The TeX commands that stand for one symbol, function name, space, accent or delimiter,
/// and what they become in MathML.
enum TeXSymbols {
    /// How a symbol becomes MathML: `letter` an italic `<mi>`, `upright` an `<mi mathvariant="normal">`,
    /// `ordinary` a plain `<mi>`, `plain` a plain `<mo>`; the others `<mo>` of a TeX class (`fence` and `tight` without spacing).
    enum Role: Sendable { case letter, upright, ordinary, plain, bin, rel, open, close, punct, fence, tight, largeOp, integral }

    static let symbols: [String: (text: String, role: Role)] = {
        var table: [String: (text: String, role: Role)] = [:]
        func add(_ role: Role, _ pairs: KeyValuePairs<String, String>) {
            for (name, text) in pairs { table[name] = (text, role) }
        }
        add(.letter, [
            "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
            "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "varkappa": "ϰ", "lambda": "λ",
            "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ",
            "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ",
            "psi": "ψ", "omega": "ω", "digamma": "ϝ",
            "varGamma": "Γ", "varDelta": "Δ", "varTheta": "Θ", "varLambda": "Λ", "varXi": "Ξ", "varPi": "Π",
            "varSigma": "Σ", "varUpsilon": "Υ", "varPhi": "Φ", "varPsi": "Ψ", "varOmega": "Ω",
            "imath": "ı", "jmath": "ȷ",
        ])
        add(.upright, [
            "Alpha": "Α", "Beta": "Β", "Gamma": "Γ", "Delta": "Δ", "Epsilon": "Ε", "Zeta": "Ζ", "Eta": "Η",
            "Theta": "Θ", "Iota": "Ι", "Kappa": "Κ", "Lambda": "Λ", "Mu": "Μ", "Nu": "Ν", "Xi": "Ξ", "Omicron": "Ο",
            "Pi": "Π", "Rho": "Ρ", "Sigma": "Σ", "Tau": "Τ", "Upsilon": "Υ", "Phi": "Φ", "Chi": "Χ", "Psi": "Ψ",
            "Omega": "Ω", "nabla": "∇",
        ])
        add(.ordinary, [
            "infty": "∞", "partial": "∂", "ell": "ℓ", "hbar": "ℏ", "hslash": "ℏ", "aleph": "ℵ", "beth": "ℶ", "Re": "ℜ",
            "Im": "ℑ", "wp": "℘", "emptyset": "∅", "varnothing": "∅", "forall": "∀", "exists": "∃", "nexists": "∄",
            "neg": "¬", "lnot": "¬", "top": "⊤", "bot": "⊥", "angle": "∠", "measuredangle": "∡", "triangle": "△",
            "square": "□", "Box": "□", "degree": "°", "surd": "√", "flat": "♭", "natural": "♮", "sharp": "♯",
            "clubsuit": "♣", "diamondsuit": "♢", "heartsuit": "♡", "spadesuit": "♠", "checkmark": "✓",
            "%": "%", "_": "_", "&": "&", "#": "#", "$": "$",
        ])
        add(.plain, ["prime": "′", "backprime": "‵"])
        add(.bin, [
            "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆", "circ": "∘",
            "bullet": "∙", "oplus": "⊕", "ominus": "⊖", "otimes": "⊗", "oslash": "⊘", "odot": "⊙", "cup": "∪",
            "cap": "∩", "sqcup": "⊔", "sqcap": "⊓", "vee": "∨", "lor": "∨", "wedge": "∧", "land": "∧",
            "setminus": "∖", "smallsetminus": "∖", "wr": "≀", "uplus": "⊎", "amalg": "⨿", "dagger": "†",
            "ddagger": "‡", "diamond": "⋄", "bigtriangleup": "△", "bigtriangledown": "▽", "triangleleft": "◃",
            "triangleright": "▹", "ltimes": "⋉", "rtimes": "⋊", "bmod": "mod",
        ])
        add(.rel, [
            "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "leqslant": "⩽", "geqslant": "⩾", "ne": "≠", "neq": "≠",
            "approx": "≈", "approxeq": "≊", "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝",
            "ll": "≪", "gg": "≫", "lll": "⋘", "ggg": "⋙", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰",
            "in": "∈", "notin": "∉", "ni": "∋", "owns": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆",
            "supseteq": "⊇", "subsetneq": "⊊", "supsetneq": "⊋", "nsubseteq": "⊈", "sqsubseteq": "⊑",
            "sqsupseteq": "⊒", "mid": "∣", "nmid": "∤", "parallel": "∥", "nparallel": "∦", "perp": "⊥", "vdash": "⊢",
            "dashv": "⊣", "models": "⊨", "vDash": "⊨", "doteq": "≐", "asymp": "≍", "bowtie": "⋈", "smile": "⌣",
            "frown": "⌢", "coloneqq": "≔", "triangleq": "≜", "lesssim": "≲", "gtrsim": "≳", "nless": "≮",
            "ngtr": "≯", "nleq": "≰", "ngeq": "≱", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
            "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔", "mapsto": "↦",
            "longmapsto": "⟼", "implies": "⟹", "impliedby": "⟸", "iff": "⟺", "uparrow": "↑", "downarrow": "↓",
            "updownarrow": "↕", "Uparrow": "⇑", "Downarrow": "⇓", "Updownarrow": "⇕", "longrightarrow": "⟶",
            "longleftarrow": "⟵", "longleftrightarrow": "⟷", "Longrightarrow": "⟹", "Longleftarrow": "⟸",
            "Longleftrightarrow": "⟺", "hookrightarrow": "↪", "hookleftarrow": "↩", "nearrow": "↗", "searrow": "↘",
            "swarrow": "↙", "nwarrow": "↖", "rightharpoonup": "⇀", "rightharpoondown": "⇁", "leftharpoonup": "↼",
            "leftharpoondown": "↽", "rightleftharpoons": "⇌", "leftrightarrows": "⇆", "rightrightarrows": "⇉",
            "leadsto": "⇝",
        ])
        add(.open, [
            "{": "{", "langle": "⟨", "lbrace": "{", "lbrack": "[", "lfloor": "⌊", "lceil": "⌈", "lvert": "|",
            "lVert": "‖", "lgroup": "⟮",
        ])
        add(.close, [
            "}": "}", "rangle": "⟩", "rbrace": "}", "rbrack": "]", "rfloor": "⌋", "rceil": "⌉", "rvert": "|",
            "rVert": "‖", "rgroup": "⟯",
        ])
        add(.fence, ["|": "‖", "vert": "|", "Vert": "‖", "backslash": "\\"])
        add(.punct, ["colon": ":", "ldotp": ".", "cdotp": "⋅"])
        add(.plain, [
            "ldots": "…", "dots": "…", "dotsc": "…", "dotso": "…", "dotsb": "⋯", "dotsm": "⋯", "dotsi": "⋯",
            "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "iddots": "⋰",
        ])
        add(.largeOp, [
            "sum": "∑", "prod": "∏", "coprod": "∐", "bigcup": "⋃", "bigcap": "⋂", "bigvee": "⋁", "bigwedge": "⋀",
            "bigoplus": "⨁", "bigotimes": "⨂", "bigodot": "⨀", "biguplus": "⨄", "bigsqcup": "⨆",
        ])
        add(.integral, ["int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮", "oiint": "∯", "oiiint": "∰"])
        return table
    }()

    /// The role of a symbol typed as a Unicode character (`≤`, `∑`) rather than as a command.
    static let characterRoles: [Character: Role] = {
        var table: [Character: Role] = [:]
        for (text, role) in symbols.values where text.count == 1 && !text.unicodeScalars.allSatisfy(\.isASCII) {
            let character = Character(text)
            if table[character] == nil || role == .rel || role == .bin { table[character] = role }
        }
        table["·"] = .bin
        table["°"] = .ordinary
        return table
    }()

    /// Function names (upright `<mi>`); `limits` when `_`/`^` go under/over in display style (`\lim`, `\max`).
    static let functions: [String: (text: String, limits: Bool)] = {
        var table: [String: (text: String, limits: Bool)] = [:]
        for name in ["sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
                     "coth", "log", "ln", "lg", "exp", "dim", "ker", "deg", "hom", "arg"] {
            table[name] = (name, false)
        }
        for name in ["lim", "max", "min", "sup", "inf", "det", "gcd", "Pr"] { table[name] = (name, true) }
        table["liminf"] = ("lim inf", true)
        table["limsup"] = ("lim sup", true)
        table["argmin"] = ("arg min", true)
        table["argmax"] = ("arg max", true)
        return table
    }()

    /// Spacing commands and their `<mspace>` widths.
    static let spaces: [String: String] = [
        ",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em", "medspace": "0.2222em",
        ";": "0.2778em", "thickspace": "0.2778em", "!": "-0.1667em", "negthinspace": "-0.1667em",
        "negmedspace": "-0.2222em", "negthickspace": "-0.2778em", " ": "0.3333em", "enspace": "0.5em",
        "quad": "1em", "qquad": "2em",
    ]

    /// Accents: the mark, whether it stretches over its whole base, and whether it goes under it.
    static let accents: [String: (mark: String, stretchy: Bool, under: Bool)] = [
        "dot": ("˙", false, false), "ddot": ("¨", false, false), "hat": ("^", false, false),
        "widehat": ("^", true, false), "check": ("ˇ", false, false), "tilde": ("~", false, false),
        "widetilde": ("~", true, false), "bar": ("¯", false, false), "overline": ("‾", true, false),
        "vec": ("→", false, false), "overrightarrow": ("→", true, false), "overleftarrow": ("←", true, false),
        "overleftrightarrow": ("↔", true, false), "acute": ("´", false, false), "grave": ("`", false, false),
        "breve": ("˘", false, false), "mathring": ("˚", false, false), "underline": ("_", true, true),
    ]

    /// Delimiters after `\left`, `\right`, `\middle` and `\big…` written as commands.
    static let delimiters: [String: String] = [
        "{": "{", "}": "}", "|": "‖", "langle": "⟨", "rangle": "⟩", "lbrace": "{", "rbrace": "}", "lbrack": "[",
        "rbrack": "]", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "vert": "|", "Vert": "‖",
        "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "lgroup": "⟮", "rgroup": "⟯", "backslash": "\\",
        "uparrow": "↑", "downarrow": "↓", "updownarrow": "↕", "Uparrow": "⇑", "Downarrow": "⇓", "Updownarrow": "⇕",
    ]

    /// Sizes of `\big`, `\Big`, `\bigg`, `\Bigg`.
    static let bigSizes: [String: String] = ["big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.470em"]

    /// Negated relations for `\not`.
    static let negations: [String: String] = [
        "=": "≠", "∈": "∉", "<": "≮", ">": "≯", "≤": "≰", "≥": "≱", "≡": "≢", "∼": "≁", "≃": "≄", "≈": "≉",
        "≅": "≇", "⊂": "⊄", "⊃": "⊅", "⊆": "⊈", "⊇": "⊉", "∣": "∤", "∥": "∦", "∋": "∌", "→": "↛", "←": "↚",
        "⇒": "⇏", "⇔": "⇎", "↔": "↮",
    ]
}
