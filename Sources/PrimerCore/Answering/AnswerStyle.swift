/// How an answer is shaped for one reader and one question: from the whole profile and the
/// question's instructions ("explain simply" asks for the beginner style for this answer).
public struct AnswerStyle: Sendable, Equatable {
    public enum Level: String, Sendable, Equatable {
        /// Plain passages first (analogies, examples), a "Key terms" line, no code or formulas unless asked.
        case beginner
        /// Signed out or intermediate: the explaining passage, code only when asked or the reader programs.
        case general
        /// The technical passage, formulas and code from the section, less introduction.
        case advanced
    }

    public var level: Level
    public var includeCode: Bool
    public var includeFormulas: Bool
    /// The reader is a beginner or doesn't program, and didn't ask for code: code never leads.
    public var avoidsCode: Bool
    /// A beginner who didn't ask for a formula: a formula never leads.
    public var avoidsFormulas: Bool
    /// Prefer passages with examples and analogies.
    public var preferExamples: Bool
    /// Rough length of the prose, in words.
    public var wordBudget: Int
    /// How many passages may follow the leading one.
    public var supportingPassages: Int
    /// Below this many words, the blocks around the lead in its section are added.
    public var minimumWords: Int
    /// Define the answer's software and robotics jargon in a "Key terms" line (beginners).
    public var explainTerms: Bool
    /// Define the answer's electronics and mechanics terms (readers new to hardware).
    public var explainHardwareTerms: Bool
    /// The reader's interests as search terms (they break ties between equally relevant passages).
    public var interestTerms: Set<String>

    public init(profile: ReaderProfile?, intent: QuestionIntent) {
        let level: Level
        if intent.simpler {
            level = .beginner
        } else {
            switch profile?.softwareExperience {
            case nil, .some(.intermediate): level = .general
            case .some(.beginner): level = .beginner
            case .some(.advanced): level = .advanced
            }
        }
        self.level = level
        let programming = profile?.programmingBackground
        let programs = programming == .intermediate || programming == .advanced
        switch (level, programming) {
        case _ where intent.wantsCode: includeCode = true
        case (.beginner, _), (_, .some(.none)): includeCode = false
        case (.advanced, _): includeCode = profile != nil
        case (.general, _): includeCode = programs
        }
        includeFormulas = intent.wantsFormula || level == .advanced
        avoidsCode = !intent.wantsCode && (level == .beginner || programming == ProgrammingBackground.none)
        avoidsFormulas = !intent.wantsFormula && level == .beginner
        preferExamples = intent.wantsExample || level == .beginner
        switch level {
        case .beginner: (wordBudget, supportingPassages, minimumWords) = (90, 1, 50)
        case .general: (wordBudget, supportingPassages, minimumWords) = (150, 2, 70)
        case .advanced: (wordBudget, supportingPassages, minimumWords) = (220, 2, 90)
        }
        let hardware = profile?.hardwareExperience
        explainTerms = level == .beginner
        switch hardware {
        case .some(.none): explainHardwareTerms = true
        case .some(.basic): explainHardwareTerms = level != .advanced
        case nil: explainHardwareTerms = level == .beginner
        case .some(.intermediate), .some(.advanced): explainHardwareTerms = false
        }
        interestTerms = Set((profile?.interests ?? []).flatMap { TextTokenizer.terms($0) })
    }
}
