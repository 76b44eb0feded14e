extension BM25Index {
    /// Accumulates postings and weighted lengths while an index is built.
    struct Builder: WordSink {
        let headingWeight: Double
        private(set) var termNumbers: [String: Int] = [:]
        private(set) var postings: [[(doc: Int32, frequency: Float)]] = []
        private(set) var lengths: [Double] = []
        private(set) var pageNumbers: [String: Int32] = [:]
        private(set) var pageOfDoc: [Int32] = []
        /// Normalised word → term number (−1 for stop words), so each distinct word is stemmed once.
        private var wordTerms = WordTable()
        /// Weighted frequency of each term in the document being added, and the terms it touched.
        private var frequencies: [Double] = []
        private var touched: [Int] = []
        private var weight = 1.0
        private var length = 0.0

        init(headingWeight: Double) { self.headingWeight = headingWeight }

        mutating func add(_ document: SearchDocument) {
            length = 0
            weight = headingWeight
            for heading in document.headings { WordScanner.scan(heading, into: &self) }
            weight = 1
            WordScanner.scan(document.body, into: &self)
            let number = Int32(lengths.count)
            for term in touched {
                postings[term].append((number, Float(frequencies[term])))
                frequencies[term] = 0
            }
            touched.removeAll(keepingCapacity: true)
            lengths.append(length)
            let page = pageNumbers[document.pageSlug] ?? Int32(pageNumbers.count)
            pageNumbers[document.pageSlug] = page
            pageOfDoc.append(page)
        }

        mutating func word(_ utf8: UnsafeBufferPointer<UInt8>) {
            guard weight > 0 else { return }
            let term = termNumber(forWord: utf8)
            guard term >= 0 else { return }
            if frequencies[term] == 0 { touched.append(term) }
            frequencies[term] += weight
            length += weight
        }

        private mutating func termNumber(forWord utf8: UnsafeBufferPointer<UInt8>) -> Int {
            if let known = wordTerms.value(for: utf8) { return known }
            var number = -1
            if let term = TextTokenizer.term(forWord: String(decoding: utf8, as: UTF8.self)) {
                if let existing = termNumbers[term] {
                    number = existing
                } else {
                    number = postings.count
                    termNumbers[term] = number
                    postings.append([])
                    frequencies.append(0)
                }
            }
            wordTerms.insert(utf8, value: number)
            return number
        }
    }
}
