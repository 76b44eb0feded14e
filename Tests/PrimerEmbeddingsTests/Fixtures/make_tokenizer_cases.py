#!/usr/bin/env python3
"""Generates tokenizer_cases.json: token ids from the reference BERT tokenizer of
shared/reference/minilm/minilm_ref.py (the ground truth) for edge-case texts, checked by
Tests/PrimerEmbeddingsTests/WordPieceTokenizerTests.swift.

Re-run from the repository root (minilm_ref.py imports numpy, hence the venv):

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install numpy
    scripts/fetch-model
    /tmp/tokvenv/bin/python Tests/PrimerEmbeddingsTests/Fixtures/make_tokenizer_cases.py

Environment: MINILM_REF_DIR (folder of minilm_ref.py, default ../shared/reference/minilm),
PRIMER_MODEL_DIR (folder of vocab.txt, default models/all-MiniLM-L6-v2).
The ids depend on Python's unicodedata tables (this file was made with Python 3.11, Unicode 14).
"""
import json
import os
import pathlib
import sys
import unicodedata

root = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, os.environ.get("MINILM_REF_DIR", str(root.parent / "shared/reference/minilm")))
import minilm_ref  # noqa: E402

vocab = pathlib.Path(os.environ.get("PRIMER_MODEL_DIR", root / "models/all-MiniLM-L6-v2")) / "vocab.txt"
tok = minilm_ref.BertTokenizer(str(vocab), max_len=256)

LONG_PARAGRAPH = (
    "ROS 2 (Robot Operating System 2) is a middleware framework: nodes publish messages on topics, "
    "offer services, and run long-lived actions. A node written with rclpy subscribes to /cmd_vel, "
    "converts the geometry_msgs/Twist into wheel velocities, and publishes odometry at 50 Hz. "
    "Quality-of-Service (QoS) profiles decide whether late subscribers receive old data. "
)

CASES = [
    # long words
    ("101 letters is [UNK]", "a" * 101),
    ("100 letters is split", "a" * 100),
    ("long valid words split into many pieces",
     "pneumonoultramicroscopicsilicovolcanoconiosis supercalifragilisticexpialidocious "
     "antidisestablishmentarianism"),
    ("long compound under 100 chars", "electroencephalographicallyphotolithographicallyinterdisciplinarily"),
    ("length counts after accent stripping (60 letters, 120 scalars)", "e\u0301" * 60),
    ("101 composed accented letters is [UNK]", "\u00e9" * 101),
    ("long word next to short ones", "start " + "xyz" * 40 + " end"),
    # accents
    ("accents", "Café naïve Ångström Zürich"),
    ("accents uppercase", "ÉCOLE CRÈME BRÛLÉE SÃO PAULO"),
    ("accents decomposed input", "Cafe\u0301 nai\u0308ve"),
    ("Spanish punctuation", "¿Qué pasó? ¡Sí, señor!"),
    # CJK and other scripts
    ("CJK", "中文"),
    ("Japanese mixed with Latin", "日本語のテキスト and English mixed: ROS2で動くロボット"),
    ("Chinese sentence with punctuation", "机器人使用传感器。它很聪明！"),
    ("CJK compatibility ideograph", "\uf900\uf901 test"),
    ("Hangul decomposes to jamo", "한국어 로봇"),
    ("fullwidth Latin", "ＡＢＣ１２３"),
    ("Cyrillic", "Привет, мир! Робототехника"),
    ("Arabic", "مرحبا بالعالم"),
    ("Devanagari", "हिन्दी रोबोट"),
    ("Thai", "หุ่นยนต์"),
    ("Greek final sigma", "ΟΔΟΣ ΟΔΟΣ. ΟΔΟΣ's Σ ΑΣ.Β ΣΑ"),
    ("Turkish dotted I, sharp s, ligature", "İstanbul STRASSE Straße ﬁne ﬂow Ǆ"),
    # emoji
    ("emoji", "🤖👍"),
    ("emoji in text", "I ❤️ robots 🤖! Great job 👍🏽"),
    ("emoji glued to a word", "robot🤖 ok"),
    ("flag and ZWJ sequence", "🇫🇷 👩\u200d💻"),
    # punctuation
    ("exclamation run", "Wait!!! What?!"),
    ("ellipsis", "So... and then… done"),
    ("em dash", "motors—servos—sensors"),
    ("curly quotes", "“quotes” and ‘single’ and «guillemets»"),
    ("abbreviations", "e.g., i.e., etc., vs."),
    ("brackets", "[a] {b} (c) <d> 「e」"),
    ("bullets and symbols", "• item · dot § 2 ¶ † ‡ © ® ™"),
    # control characters and whitespace
    ("tabs and newlines", "tab\there\nnew line\r\nCRLF\rCR"),
    ("NUL and C0 controls", "nul\x00byte bell\x07 del\x7f esc\x1b[0m"),
    ("format characters are dropped", "zero\u200bwidth soft\u00adhyphen \ufeffBOM joiner\u200dx"),
    ("unicode separators", "line\u2028sep para\u2029sep nbsp\u00a0space ideo\u3000space thin\u2009space nel\x85x"),
    ("replacement character", "bad \ufffd byte\ufffdhere"),
    # numbers and units
    ("rpm", "3000rpm"),
    ("range with en dash", "10–20 kHz"),
    ("plus-minus and degree", "±90°"),
    ("numbers", "3.14159 1,000,000 1e-9 0x1F ½ cup x² + y³ 5µm 20 °C 10Ω"),
    # code-like text
    ("assignment", "x_1 = f(x)->y"),
    ("shell", "ros2 topic echo /cmd_vel"),
    ("python", "def forward(self, x):\n    return self.fc(x)  # logits"),
    ("url", "https://example.com/path?q=1&r=2#frag"),
    ("C++", "std::vector<int> v; C++ & C#"),
    ("markdown", "## Setup\n\n```bash\nsudo apt install ros-humble-desktop\n```\n\n**Note:** see [docs](https://docs.ros.org)."),
    # truncation, empty
    ("over 256 tokens truncates", LONG_PARAGRAPH * 6),
    ("long text of pieces", "supercalifragilisticexpialidocious " * 40),
    ("empty", ""),
    ("whitespace only", "   \t\n  \r\n "),
    ("unicode whitespace only", "\u3000\u00a0\u2028\u200b"),
]

# The five sentences of reference_embeddings.json, whose ids the reference tokenizer must reproduce.
reference = json.loads((pathlib.Path(minilm_ref.__file__).parent / "reference_embeddings.json").read_text())
sentences = []
for s in reference["sentences"]:
    ids, _ = tok.encode(s["text"])
    assert ids == s["token_ids"], s["text"]
    sentences.append({"name": "reference: " + s["text"][:40], "text": s["text"], "ids": ids})

cases = []
for name, text in CASES:
    ids, _ = tok.encode(text)
    cases.append({"name": name, "text": text, "ids": ids})


def lines(items):
    return ",\n".join("    " + json.dumps(c, ensure_ascii=True) for c in items)


out = pathlib.Path(__file__).with_name("tokenizer_cases.json")
with open(out, "w", encoding="utf-8") as f:
    f.write('{"reference_sentences": [\n' + lines(sentences) + '\n],\n')
    f.write('"cases": [\n' + lines(cases) + "\n]}\n")
print(f"{len(sentences)} reference sentences + {len(cases)} cases -> {out} "
      f"(Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version})")
