@testable import PrimerCore
import Testing

@Suite struct TokenizerTests {
    @Test func splitsOnNonAlphanumericsAndLowercases() {
        #expect(TextTokenizer.words("Hello, World! Foo_bar/baz.qux") == ["hello", "world", "foo", "bar", "baz", "qux"])
        #expect(TextTokenizer.words("  \n\t ") == [])
        #expect(TextTokenizer.words("") == [])
    }

    @Test func keepsLetterDigitRunsAndSplitsHyphens() {
        #expect(TextTokenizer.words("ROS2 on x86-64, IPv6 and 3.14") == ["ros2", "on", "x86", "64", "ipv6", "and", "3", "14"])
        #expect(TextTokenizer.words("state-of-the-art") == ["state", "of", "the", "art"])
    }

    @Test func foldsDiacriticsAndSpecialLatinLetters() {
        #expect(TextTokenizer.words("Naïve café Über Ångström") == ["naive", "cafe", "uber", "angstrom"])
        #expect(TextTokenizer.words("Straße Æsir smørrebrød Łódź") == ["strasse", "aesir", "smorrebrod", "lodz"])
        // Decomposed input (e + combining acute) folds the same way as precomposed.
        #expect(TextTokenizer.words("cafe\u{301} re\u{301}sume\u{301}") == ["cafe", "resume"])
        // Full-width forms and ligatures become plain letters.
        #expect(TextTokenizer.words("ＲＯＳ２ ﬁlter") == ["ros2", "filter"])
    }

    @Test func nonLatinScriptsKeepTheirLetters() {
        #expect(TextTokenizer.words("Привет, мир") == ["привет", "мир"])
        #expect(TextTokenizer.words("ΑΒΓ") == ["αβγ"])
        #expect(TextTokenizer.words("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"])
    }

    @Test func chineseAndJapaneseRunsBecomeBigrams() {
        #expect(TextTokenizer.words("日本語") == ["日本", "本語"])
        #expect(TextTokenizer.words("机器人。ROS2") == ["机器", "器人", "ros2"])
        #expect(TextTokenizer.words("猫") == ["猫"])
    }

    @Test func apostrophesJoinWordsAndDropPossessives() {
        #expect(TextTokenizer.words("the robot's arm, don’t stop, robots' legs, 'quoted'") ==
            ["the", "robot", "arm", "dont", "stop", "robots", "legs", "quoted"])
    }

    @Test func termsDropStopWordsAndStem() {
        #expect(TextTokenizer.terms("The robots are balancing on their legs") == ["robot", "balanc", "leg"])
        #expect(TextTokenizer.terms("How do I use it?") == ["use"])
        #expect(TextTokenizer.terms("the and of to") == [])
    }

    @Test func codeIshTextKeepsCommandWords() {
        #expect(TextTokenizer.terms("ros2 topic list") == ["ros2", "topic", "list"])
        #expect(TextTokenizer.terms("colcon build --symlink-install") == ["colcon", "build", "symlink", "instal"])
        #expect(TextTokenizer.terms("self.create_publisher(Twist, '/cmd_vel', 10)") ==
            ["self", "creat", "publish", "twist", "cmd", "vel", "10"])
    }

    @Test func documentsAndQueriesNormaliseAlike() {
        #expect(TextTokenizer.terms("Naïve BALANCING") == TextTokenizer.terms("naive balancing"))
    }
}
