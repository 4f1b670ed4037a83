#!/usr/bin/python3
"""Assemble the demo's stereo conversations from CREMA-D test-split clips (run once; the output is committed).

    /usr/bin/python3 tools/make_demo_conversations.py [--data ../shared/data/crema-d] [--out demo/conversations]

Each conversation is a 2-channel 8 kHz FLAC, channel 0 the customer and channel 1 the agent (the default channel
layout of a stereo AudioChunk), like a contact-center recording: the speakers take turns of two clips each, with
the other channel silent, and a short pause between turns. Clips come from the **test** split only, one actor per
speaker and conversation, chosen (seeded) among the clips whose crowd vote agrees with the intended emotion, so the
demo plays speech whose emotion human listeners heard too. ATTRIBUTION.md lists every clip.
"""
import argparse
import csv
import random
from pathlib import Path

import numpy as np
import soundfile

HOME = Path(__file__).resolve().parents[1]
RATE = 8000
PAUSE = 0.4  # seconds between turns

# name: (customer actor's emotions turn by turn, agent's emotions turn by turn), two clips a turn
SCRIPTS = {
    "escalating-customer": (["neutral", "neutral", "angry", "angry"], ["neutral", "neutral", "neutral", "neutral"]),
    "cheered-up-customer": (["sad", "sad", "neutral", "happy"], ["happy", "happy", "happy", "happy"]),
    "calm-call": (["neutral", "happy", "neutral", "neutral"], ["neutral", "neutral", "happy", "neutral"]),
}


def load(path):
    wav, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    wav = wav.mean(axis=1)
    if rate != 16000:
        raise SystemExit(f"{path}: expected 16 kHz")
    # 16 -> 8 kHz by averaging pairs after a short low-pass (the demo needs intelligible speech, not parity)
    kernel = np.hanning(15)
    kernel /= kernel.sum()
    return np.convolve(wav, kernel, mode="same")[::2].astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HOME.parent / "shared" / "data" / "crema-d"))
    ap.add_argument("--out", default=str(HOME / "demo" / "conversations"))
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    data, out = Path(args.data), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [r for r in csv.DictReader(open(data / "labels.csv")) if r["split"] == "test" and not r["exclude"]
            and r["voice_vote"] == r["emotion"]]
    by_actor = {}
    for r in rows:
        by_actor.setdefault(r["actor"], {}).setdefault(r["emotion"], []).append(r)
    rng = random.Random(args.seed)
    used_actors, credits = set(), []
    for name, (customer_script, agent_script) in SCRIPTS.items():
        def actor_for(script):
            need = {e: script.count(e) * 2 for e in set(script)}
            fits = sorted(a for a, clips in by_actor.items() if a not in used_actors
                          and all(len(clips.get(e, [])) >= n for e, n in need.items()))
            actor = rng.choice(fits)
            used_actors.add(actor)
            pools = {e: rng.sample(by_actor[actor][e], len(by_actor[actor][e])) for e in need}
            return actor, pools

        customer, customer_pools = actor_for(customer_script)
        agent, agent_pools = actor_for(agent_script)
        channels = [[], []]
        for turn in range(len(customer_script)):
            for speaker, (script, pools) in enumerate(((customer_script, customer_pools), (agent_script, agent_pools))):
                clips = [pools[script[turn]].pop() for _ in range(2)]
                audio = np.concatenate([load(data / "audio" / c["file"]) for c in clips])
                silence = np.zeros(len(audio) + int(PAUSE * RATE), dtype=np.float32)
                channels[speaker].append(np.concatenate([audio, np.zeros(int(PAUSE * RATE), dtype=np.float32)]))
                channels[1 - speaker].append(silence)
                credits += [(name, ["customer", "agent"][speaker], c["file"], c["emotion"]) for c in clips]
        stereo = np.stack([np.concatenate(channels[0]), np.concatenate(channels[1])], axis=1)
        soundfile.write(str(out / f"{name}.flac"), stereo, RATE, subtype="PCM_16")
        print(f"{name}.flac: {len(stereo) / RATE:.1f} s, customer actor {customer}, agent actor {agent}")
    with open(out / "ATTRIBUTION.md", "w") as f:
        f.write("# Demo conversations: attribution\n\n"
                "Assembled by `tools/make_demo_conversations.py` from clips of the **test** split of CREMA-D, resampled "
                "to 8 kHz, two clips per turn, customer on channel 0 and agent on channel 1.\n\n"
                "CREMA-D is made available under the Open Database License (ODbL 1.0); rights in its contents are "
                "licensed under the Database Contents License (DbCL 1.0). Credit: Cao H, Cooper DG, Keutmann MK, Gur RC, "
                "Nenkova A, Verma R. CREMA-D: Crowd-sourced Emotional Multimodal Actors Dataset. IEEE Transactions on "
                "Affective Computing, 5(4):377-390, 2014. doi:10.1109/TAFFC.2014.2336244.\n\n"
                "| conversation | speaker | clip | intended emotion (crowd vote agrees) |\n|---|---|---|---|\n")
        for name, speaker, clip, emotion in credits:
            f.write(f"| {name} | {speaker} | {clip} | {emotion} |\n")


if __name__ == "__main__":
    main()
