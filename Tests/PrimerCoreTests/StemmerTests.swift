@testable import PrimerCore
import Testing

@Suite struct StemmerTests {
    /// Word → stem pairs produced by the Snowball (2.x) English stemmer, i.e. classic Porter2.
    static let table: [(String, String)] = [
        // Brief's examples and book vocabulary.
        ("caresses", "caress"), ("ponies", "poni"), ("running", "run"), ("generously", "generous"),
        ("controllers", "control"), ("robotics", "robot"), ("sensors", "sensor"), ("actuation", "actuat"),
        ("balancing", "balanc"), ("humanoid", "humanoid"), ("locomotion", "locomot"), ("simulation", "simul"),
        ("consignment", "consign"), ("knightly", "knight"), ("kinematics", "kinemat"), ("trajectories", "trajectori"),
        ("torque", "torqu"), ("reinforcement", "reinforc"), ("policies", "polici"), ("perception", "percept"),
        ("navigation", "navig"), ("manipulation", "manipul"), ("grasping", "grasp"), ("planning", "plan"),
        ("balance", "balanc"), ("balanced", "balanc"), ("robots", "robot"), ("language", "languag"),
        // Exceptional forms (checked first) and words left alone after step 1a.
        ("skies", "sky"), ("skis", "ski"), ("dying", "die"), ("lying", "lie"), ("news", "news"), ("sky", "sky"),
        ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"), ("early", "earli"), ("only", "onli"),
        ("singly", "singl"), ("atlas", "atlas"), ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"),
        ("inning", "inning"), ("outing", "outing"), ("canning", "canning"), ("herring", "herring"),
        ("proceed", "proceed"), ("exceed", "exceed"), ("succeed", "succeed"),
        // Step 1a.
        ("ties", "tie"), ("cries", "cri"), ("cried", "cri"), ("caress", "caress"), ("cats", "cat"),
        ("gas", "gas"), ("gaps", "gap"), ("kiwis", "kiwi"),
        // Step 1b (including undoubling, -at/-bl/-iz and short words) and step 1c.
        ("hoped", "hope"), ("hopping", "hop"), ("luxuriated", "luxuri"), ("agreed", "agre"), ("feed", "feed"),
        ("bled", "bled"), ("happy", "happi"), ("cry", "cri"), ("say", "say"), ("by", "by"),
        // Step 2.
        ("conditional", "condit"), ("relational", "relat"), ("rational", "ration"), ("valency", "valenc"),
        ("hesitancy", "hesit"), ("digitizer", "digit"), ("conformably", "conform"), ("radically", "radic"),
        ("differently", "differ"), ("vilely", "vile"), ("analogously", "analog"), ("vietnamization", "vietnam"),
        ("predication", "predic"), ("operator", "oper"), ("feudalism", "feudal"), ("decisiveness", "decis"),
        ("hopefulness", "hope"), ("callousness", "callous"), ("formality", "formal"), ("sensitivity", "sensit"),
        ("sensibility", "sensibl"), ("fluently", "fluentli"),
        // Step 3.
        ("formalize", "formal"), ("electrical", "electr"), ("hopefully", "hope"), ("goodness", "good"),
        ("activate", "activ"), ("effective", "effect"),
        // Step 4.
        ("revival", "reviv"), ("allowance", "allow"), ("inference", "infer"), ("airliner", "airlin"),
        ("gyroscopic", "gyroscop"), ("adjustable", "adjust"), ("defensible", "defens"), ("irritant", "irrit"),
        ("replacement", "replac"), ("adjustment", "adjust"), ("dependent", "depend"), ("adoption", "adopt"),
        ("communism", "communism"), ("angularity", "angular"), ("homologous", "homolog"), ("bowdlerize", "bowdler"),
        ("electrician", "electrician"),
        // Step 5 and the R1 prefix exceptions.
        ("probate", "probat"), ("rate", "rate"), ("cease", "ceas"), ("controll", "control"), ("roll", "roll"),
        ("generate", "generat"), ("generations", "generat"), ("communication", "communic"), ("arsenal", "arsenal"),
    ]

    @Test func porter2Table() {
        #expect(Self.table.count >= 60)
        for (word, stem) in Self.table {
            #expect(EnglishStemmer.stem(word) == stem, "\(word)")
        }
    }

    @Test func consonantalYIsRestoredAfterStemming() {
        #expect(EnglishStemmer.stem("yes") == "yes")
        #expect(EnglishStemmer.stem("enjoying") == "enjoy")
        #expect(EnglishStemmer.stem("players") == "player")
    }

    @Test func possessivesAreRemoved() {
        #expect(EnglishStemmer.stem("robot's") == "robot")
        #expect(EnglishStemmer.stem("dogs'") == "dog")
    }

    @Test(arguments: ["", "a", "is", "ros2", "x86", "naïve", "日本語", "ROBOTS"])
    func wordsOutsideTheAlgorithmsAlphabetAreUnchanged(word: String) {
        #expect(EnglishStemmer.stem(word) == word)
    }
}
