import Foundation

/// The questions an empty chat offers about the page being read: one about a term the page
/// defines ("What is a servo?"), then questions made from its section headings ("How a DC
/// motor works" → "How does a DC motor work?", "Gear ratios" → "What are gear ratios?").
/// Exercise, summary and navigation sections are skipped.
public enum StarterQuestions {
    /// Headings that are not topics a reader asks about.
    static let skipped = ["check your understanding", "exercise", "summary", "key takeaway", "next step", "what's next",
                          "further reading", "references", "resources", "quiz", "review question", "learning objective",
                          "prerequisite", "introduction", "overview", "conclusion", "wrap-up", "recap", "self-check", "try it",
                          "hands-on", "lab", "assessment", "glossary"]

    /// Words that make a heading too general to ask about on their own ("The core concepts").
    static let generic: Set<String> = ["the", "a", "an", "core", "concept", "concepts", "basic", "basics", "key", "main", "idea",
                                       "ideas", "background", "fundamentals", "getting", "started", "more", "details", "notes",
                                       "putting", "it", "all", "together", "in", "practice", "of", "and", "big", "picture", "why",
                                       "this", "matters", "what", "next", "section", "chapter", "part"]

    /// Up to three questions for `page`: `headings` are its section headings (level 2 and 3, in
    /// order), `terms` the terms it defines, asked about in the order the page introduces them.
    public static func questions(for page: BookPage, headings: [String], terms: [String]) -> [String] {
        let text = page.markdown.lowercased()
        let position = Dictionary(terms.map { ($0, text.range(of: $0.lowercased())?.lowerBound ?? text.endIndex) },
                                  uniquingKeysWith: { first, _ in first })
        return questions(headings: headings, terms: terms.sorted { position[$0]! < position[$1]! })
    }

    /// Up to `limit` questions for a page: `headings` are its section headings (level 2 and 3,
    /// in order), `terms` the terms it defines (most important first).
    public static func questions(headings: [String], terms: [String], limit: Int = 3) -> [String] {
        var questions: [String] = []
        func add(_ question: String?) {
            guard let question, questions.count < limit,
                  !questions.contains(where: { $0.lowercased() == question.lowercased() }) else { return }
            questions.append(question)
        }
        if let term = terms.first(where: { $0.count <= 40 }) { add(definition(term)) }
        for heading in headings { add(question(fromHeading: heading)) }
        for term in terms.dropFirst() { add(definition(term)) }
        return questions
    }

    /// "What does servo mean?" / "What are actuators?" / "What is ROS 2?" (no article is guessed:
    /// "a torque" would be wrong).
    static func definition(_ term: String) -> String {
        let subject = lowercasedStart(term)
        if isPlural(term) { return "What are \(subject)?" }
        let isName = subject.first?.isUppercase == true  // kept capitalised: a name or an acronym
        return isName ? "What is \(subject)?" : "What does \(subject) mean?"
    }

    /// A heading as a reader's question, or nil when the section is not a topic.
    public static func question(fromHeading raw: String) -> String? {
        var heading = raw.trimmingWhitespace()
        while let last = heading.last, ".:?!".contains(last) { heading.removeLast() }
        let lower = heading.lowercased()
        guard heading.count >= 3, heading.count <= 70, heading.contains(where: \.isLetter),
              !skipped.contains(where: { lower.hasPrefix($0) || lower.hasSuffix($0) }) else { return nil }
        if lower.hasPrefix("example") || lower.hasPrefix("step ") || lower.first?.isNumber == true { return nil }
        if lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).allSatisfy({ generic.contains(String($0)) }) { return nil }
        let words = heading.split(separator: " ").map(String.init)
        let first = words[0].lowercased()
        // Embedded questions: "How a DC motor works", "What ROS 2 is", "Why the physical world is hard".
        if first == "how", words.count >= 3, let verb = words.last, verb.lowercased().hasSuffix("s"), !raw.hasSuffix("?"),
           ["a", "an", "the"].contains(words[1].lowercased()) || words[1].first?.isUppercase == true {
            let subject = words.dropFirst().dropLast().joined(separator: " ")
            return "How does \(lowercasedStart(subject)) \(String(verb.dropLast()))?"
        }
        if first == "what", words.count >= 3, let verb = words.last?.lowercased(), verb == "is" || verb == "are" {
            return "What \(verb) \(words.dropFirst().dropLast().joined(separator: " "))?"
        }
        if first == "why", let index = words.firstIndex(where: { ["is", "are"].contains($0.lowercased()) }), index > 1,
           index < words.count - 1 {
            let subject = words[1..<index].joined(separator: " "), rest = words[(index + 1)...].joined(separator: " ")
            return "Why \(words[index].lowercased()) \(subject) \(rest)?"
        }
        if ["how", "what", "why", "when", "which", "where", "who", "can", "should", "do", "does", "is", "are"].contains(first) {
            return heading + "?"
        }
        if first.hasSuffix("ing"), words.count >= 2 {  // "Closing the gap", "Driving a motor"
            return "How do you go about \(lowercasedStart(heading))?"
        }
        return (isPlural(heading) ? "What are " : "What is ") + lowercasedStart(heading) + "?"
    }

    /// Lowercases the first word unless it is a name or an acronym ("ROS", "PID", "Moravec's").
    static func lowercasedStart(_ text: String) -> String {
        guard let first = text.split(separator: " ").first else { return text }
        let letters = first.filter(\.isLetter)
        let isName = letters.count > 1 && letters.dropFirst().contains(where: \.isUppercase)
            || first.contains("'") || first.contains("’") || first.contains(where: \.isNumber)
        return isName ? text : text.prefix(1).lowercased() + text.dropFirst()
    }

    /// A rough plural test on the last word of a noun phrase ("ratios", "sensors"; not "gas", "physics").
    static func isPlural(_ phrase: String) -> Bool {
        let words = phrase.lowercased().split(whereSeparator: { $0 == " " || $0 == "," })
        if words.contains("and") { return true }
        guard let last = words.last, last.count > 3, last.hasSuffix("s") else { return false }
        return !["ss", "us", "is", "ics", "sis"].contains(where: { last.hasSuffix($0) })
    }
}
