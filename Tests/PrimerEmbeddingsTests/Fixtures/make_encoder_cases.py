#!/usr/bin/env python3
"""Generates encoder_cases.json: the five sentences of reference_embeddings.json (checked
against it) and more all-MiniLM-L6-v2 reference embeddings for the Swift
encoder tests (MiniLMEncoderTests), computed with the numpy ground truth minilm_ref.py
(float64 forward pass; BERT uncased WordPiece tokenizer, max 256 tokens).

Usage (numpy in a throwaway venv):
    python3 -m venv /tmp/npvenv && /tmp/npvenv/bin/pip install numpy
    /tmp/npvenv/bin/python Tests/PrimerEmbeddingsTests/Fixtures/make_encoder_cases.py

Environment: MINILM_REF (folder with minilm_ref.py; default ../shared/reference/minilm
relative to the package root), MINILM_DIR (model.safetensors + vocab.txt; default
models/all-MiniLM-L6-v2 under the package root).
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
REF = os.environ.get("MINILM_REF", os.path.join(ROOT, "..", "shared", "reference", "minilm"))
MODEL = os.environ.get("MINILM_DIR", os.path.join(ROOT, "models", "all-MiniLM-L6-v2"))
sys.path.insert(0, REF)

import numpy as np  # noqa: E402
import minilm_ref  # noqa: E402

LONG = (
    "A humanoid robot closes the loop between perception and action many times per second. "
    "Cameras and depth sensors stream images into a perception stack that estimates the pose of "
    "objects, while joint encoders and an inertial measurement unit report the state of the body. "
    "A whole-body controller turns a desired task, such as reaching for a cup, into joint torques "
    "that respect balance, friction limits and actuator saturation. Simulation in Gazebo or Isaac Sim "
    "lets engineers test these controllers safely: the same ROS 2 nodes run against a physics engine "
    "before they ever touch hardware. Domain randomisation varies lighting, masses and textures so that "
    "policies trained in simulation transfer to the real world. Vision-language-action models go one "
    "step further and map camera frames and a spoken instruction directly to motor commands, but they "
    "still rely on classical safety layers underneath. Latency matters everywhere: a servo loop at one "
    "kilohertz leaves one millisecond for sensing, estimation and control, so heavy neural networks run "
    "asynchronously at lower rates and hand targets to fast low-level loops."
)

CASES = [
    ("empty", ""),
    ("single_word", "robot"),
    ("accents", "Crème brûlée à la française: naïve Zoë visits São Paulo and Kraków, déjà vu!"),
    ("cjk", "机器人使用传感器感知环境。Robots perceive the world; ロボットは学習する。"),
    ("punctuation_emoji", "ROS 2 nodes publish /cmd_vel @ 10 Hz \u2014 latency < 5 ms? \U0001F916 #robotics"),
    ("whitespace_controls", "  tabs\tand\nnew lines\r\n and a zero\u200bwidth space\u00a0here  "),
    ("code", "def forward(self, x): return torch.relu(self.fc1(x)) + x[:, 0]"),
    ("long_250", " ".join((LONG + " " + LONG).split()[:199])),
    ("truncated_over_256", LONG + " " + LONG),
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def reference_sentences():
    """The five sentences of reference_embeddings.json, checked against it."""
    with open(os.path.join(REF, "reference_embeddings.json"), encoding="utf-8") as f:
        reference = json.load(f)
    return [(f"reference_{i + 1}", s["text"], s) for i, s in enumerate(reference["sentences"])]


def main():
    weights = minilm_ref.load_safetensors(os.path.join(MODEL, "model.safetensors"))
    tokenizer = minilm_ref.BertTokenizer(os.path.join(MODEL, "vocab.txt"))
    cases = []
    for name, text, expected in reference_sentences() + [(n, t, None) for n, t in CASES]:
        ids, tokens = tokenizer.encode(text)
        embedding = minilm_ref.forward(weights, ids, np.float64)
        if expected is not None:
            assert ids == expected["token_ids"], name
            assert np.abs(embedding - np.array(expected["embedding"])).max() < 1e-8, name
        cases.append({
            "name": name,
            "text": text,
            "token_ids": ids,
            "tokens": tokens,
            "embedding": [round(float(v), 7) for v in embedding],
        })
        print(f"{name}: {len(ids)} tokens", file=sys.stderr)
    out = {
        "generator": "Tests/PrimerEmbeddingsTests/Fixtures/make_encoder_cases.py (numpy float64, minilm_ref.py)",
        "model_safetensors_sha256": sha256(os.path.join(MODEL, "model.safetensors")),
        "cases": cases,
    }
    with open(os.path.join(HERE, "encoder_cases.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
