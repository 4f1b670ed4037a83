#!/usr/bin/python3
"""Assemble the demo's stereo conversations from CREMA-D test-split clips (run once; the output is committed).

    /usr/bin/python3 tools/make_demo_conversations.py [--data ../shared/data/crema-d] [--out demo/conversations]
        [--clips-per-turn N] [--gap S] [--pause S] [--from ATTRIBUTION.md]

Each conversation is a 2-channel 8 kHz FLAC, channel 0 the customer and channel 1 the agent (the default channel
layout of a stereo AudioChunk), like a contact-center recording: the speakers take turns, the other channel
silent, with a short pause between turns. A turn is several clips of the same actor and emotion, a short gap
between them, so that it lasts several seconds as a turn of a real call does: the service judges 3-s windows,
and a window that is mostly the other party's turn is mostly silence for this speaker.

Clips come from the **test** split only, one actor per speaker and conversation, chosen (seeded) among the clips
whose crowd vote agrees with the intended emotion, so the demo plays speech whose emotion human listeners heard
too. ATTRIBUTION.md lists every clip and its turn; turns.csv is the script (speaker, emotion, start and end of
every turn), which tools/score_demo_conversations.py compares with what the model says. --from rebuilds the
conversations from the clips an ATTRIBUTION.md lists (consecutive rows of one speaker are a turn when it has no
turn column) instead of choosing them.
"""
import argparse
import csv
import random
from pathlib import Path

import numpy as np
import soundfile

HOME = Path(__file__).resolve().parents[1]
RATE = 8000

# name: (customer's emotions turn by turn, agent's emotions turn by turn); the customer speaks first in each turn.
# Clips agreeing with the crowd vote are scarce for sad (at most 5 per test actor) and happy (at most 8), which
# bounds how many turns of those a speaker can have at 3 clips a turn.
SCRIPTS = {
    "escalating-customer": (["neutral", "neutral", "angry", "angry"], ["neutral", "neutral", "neutral", "neutral"]),
    "cheered-up-customer": (["sad", "neutral", "happy", "happy"], ["neutral", "happy", "happy", "neutral"]),
    "calm-call": (["neutral", "happy", "neutral", "neutral"], ["neutral", "neutral", "happy", "neutral"]),
}


def _telephone_low_pass():
    """16 -> 8 kHz anti-alias filter: 129-tap Kaiser-windowed sinc (beta 8), cut-off 3.6 kHz: flat to 3.3 kHz,
    -14 dB at 3.7 kHz, below -60 dB from 3.9 kHz: the band of an 8 kHz telephone line."""
    n = np.arange(129) - 64
    kernel = 2 * 0.225 * np.sinc(2 * 0.225 * n) * np.kaiser(129, 8.0)
    return kernel / kernel.sum()


def _hann_15():
    """The first version's filter: a 15-tap Hann window, -4.5 dB at 1 kHz, -11 dB at 1.5 kHz, -24 dB at 2 kHz,
    so the speech lost most of its upper band (kept to rebuild the first conversations: --filter hann15)."""
    kernel = np.hanning(15)
    return kernel / kernel.sum()


LOW_PASS = {"telephone": _telephone_low_pass(), "hann15": _hann_15()}


def load(path, kernel):
    wav, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    wav = wav.mean(axis=1)
    if rate != 16000:
        raise SystemExit(f"{path}: expected 16 kHz")
    return np.convolve(wav, kernel, mode="same")[::2].astype(np.float32)


def choose(data, seed, clips_per_turn):
    """{conversation: [(speaker, turn, [clip rows])...] in speaking order}, chosen seeded among agreeing clips."""
    rows = [r for r in csv.DictReader(open(data / "labels.csv")) if r["split"] == "test" and not r["exclude"]
            and r["voice_vote"] == r["emotion"]]
    by_actor = {}
    for r in sorted(rows, key=lambda r: r["file"]):
        by_actor.setdefault(r["actor"], {}).setdefault(r["emotion"], []).append(r)
    rng = random.Random(seed)
    used_actors, plan = set(), {}

    def actor_for(name, script):
        need = {e: script.count(e) * clips_per_turn for e in sorted(set(script))}
        fits = sorted(a for a, clips in by_actor.items() if a not in used_actors
                      and all(len(clips.get(e, [])) >= n for e, n in need.items()))
        if not fits:
            raise SystemExit(f"{name}: no unused test actor has {need} clips the crowd heard as intended")
        actor = rng.choice(fits)
        used_actors.add(actor)
        return {e: rng.sample(by_actor[actor][e], len(by_actor[actor][e])) for e in need}

    for name, (customer_script, agent_script) in SCRIPTS.items():
        pools = [actor_for(name, customer_script), actor_for(name, agent_script)]
        turns = []
        for turn in range(len(customer_script)):
            for speaker, script in enumerate((customer_script, agent_script)):
                turns.append((speaker, turn + 1, [pools[speaker][script[turn]].pop() for _ in range(clips_per_turn)]))
        plan[name] = turns
    return plan


def from_attribution(path):
    """The plan of an ATTRIBUTION.md: its clips in order, grouped into turns by its turn column or by speaker."""
    plan = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[1] not in ("customer", "agent"):
            continue
        name, speaker, clip, emotion = cells[0], ["customer", "agent"].index(cells[1]), cells[2], cells[3]
        turns = plan.setdefault(name, [])
        turn = int(cells[4]) if len(cells) > 4 and cells[4].isdigit() else None
        last = turns[-1] if turns else None
        if last and last[0] == speaker and (turn is None or last[1] == turn):
            last[2].append({"file": clip, "emotion": emotion})
        else:
            number = turn if turn is not None else sum(1 for t in turns if t[0] == speaker) + 1
            turns.append((speaker, number, [{"file": clip, "emotion": emotion}]))
    return plan


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HOME.parent / "shared" / "data" / "crema-d"))
    ap.add_argument("--out", default=str(HOME / "demo" / "conversations"))
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--clips-per-turn", type=int, default=3)
    ap.add_argument("--gap", type=float, default=0.15, help="seconds between the clips of a turn")
    ap.add_argument("--pause", type=float, default=0.4, help="seconds between turns")
    ap.add_argument("--filter", choices=sorted(LOW_PASS), default="telephone", help="16 -> 8 kHz low-pass")
    ap.add_argument("--from", dest="attribution", help="rebuild from the clips of this ATTRIBUTION.md")
    args = ap.parse_args()
    data, out = Path(args.data), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan = from_attribution(args.attribution) if args.attribution else choose(data, args.seed, args.clips_per_turn)
    speakers = ["customer", "agent"]
    credits, script_rows = [], []
    for name, turns in plan.items():
        channels, at = [[], []], 0
        for speaker, number, clips in turns:
            parts = []
            for i, clip in enumerate(clips):
                if i:
                    parts.append(np.zeros(int(args.gap * RATE), dtype=np.float32))
                parts.append(load(data / "audio" / clip["file"], LOW_PASS[args.filter]))
            audio = np.concatenate(parts)
            channels[speaker].append(np.concatenate([audio, np.zeros(int(args.pause * RATE), dtype=np.float32)]))
            channels[1 - speaker].append(np.zeros(len(audio) + int(args.pause * RATE), dtype=np.float32))
            emotion = clips[0]["emotion"]
            script_rows.append((name, speakers[speaker], number, emotion, at / RATE, (at + len(audio)) / RATE,
                                " ".join(c["file"] for c in clips)))
            credits += [(name, speakers[speaker], c["file"], c["emotion"], number) for c in clips]
            at += len(audio) + int(args.pause * RATE)
        stereo = np.stack([np.concatenate(channels[0]), np.concatenate(channels[1])], axis=1)
        soundfile.write(str(out / f"{name}.flac"), stereo, RATE, subtype="PCM_16")
        print(f"{name}.flac: {len(stereo) / RATE:.1f} s, {len(turns)} turns")
    with open(out / "turns.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["conversation", "speaker", "turn", "emotion", "start_s", "end_s", "clips"])
        for name, speaker, number, emotion, start, end, clips in script_rows:
            w.writerow([name, speaker, number, emotion, f"{start:.3f}", f"{end:.3f}", clips])
    with open(out / "ATTRIBUTION.md", "w") as f:
        f.write("# Demo conversations: attribution\n\n"
                "Assembled by `tools/make_demo_conversations.py` from clips of the **test** split of CREMA-D, resampled "
                f"to 8 kHz ({args.filter} low-pass), customer on channel 0 and agent on channel 1; a turn is "
                + (f"{args.clips_per_turn} clips" if not args.attribution else "the clips listed with its number")
                + f" of one actor and emotion, {args.gap:g} s apart, {args.pause:g} s between turns (`turns.csv`: when "
                "each turn starts and ends).\n\n"
                "CREMA-D is made available under the Open Database License (ODbL 1.0); rights in its contents are "
                "licensed under the Database Contents License (DbCL 1.0). Credit: Cao H, Cooper DG, Keutmann MK, Gur RC, "
                "Nenkova A, Verma R. CREMA-D: Crowd-sourced Emotional Multimodal Actors Dataset. IEEE Transactions on "
                "Affective Computing, 5(4):377-390, 2014. doi:10.1109/TAFFC.2014.2336244.\n\n"
                "| conversation | speaker | clip | intended emotion (crowd vote agrees) | turn |\n|---|---|---|---|---|\n")
        for name, speaker, clip, emotion, number in credits:
            f.write(f"| {name} | {speaker} | {clip} | {emotion} | {number} |\n")


if __name__ == "__main__":
    main()
