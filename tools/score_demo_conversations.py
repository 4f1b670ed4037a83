#!/usr/bin/python3
"""How far the model's per-speaker emotions follow the script of each demo conversation.

    /usr/bin/python3 tools/score_demo_conversations.py [--dir demo/conversations] [--classify FILE.jsonl]
        [--model M] [--min-ratio R]

Runs `./emostream classify` on every FLAC of --dir (one stream per channel: channel 0 the customer, channel 1 the
agent; 3-s windows every 3 s with the service's window rule and speech gate, so these are the windows and labels
the service and the dashboard show) unless --classify names its saved output, and compares each window with the
script in turns.csv (written by tools/make_demo_conversations.py). A window belongs to the turn of its speaker it
overlaps most; "turn share" is how much of the window that turn covers (the rest is this speaker's silence while
the other party talks, or pauses). A window that overlaps none of its speaker's turns should be no_speech.

--escalation N:C also replays the escalation rule (emostream.escalation.consecutive-windows N and min-confidence C,
label angry) over each stream's windows in order, as the service does (no_speech windows neither extend nor break a
run), and prints where each stream would raise escalation.

--min-ratio R re-judges the saved windows as if emostream.speech-gate.min-ratio were R (a window whose
speech_ratio is below R becomes no_speech), to see what the setting would change without re-running classify.

Printed per conversation and speaker, turn by turn: the script's emotion and the window labels; then the totals:
  labelled windows agree  windows of a turn labelled with the turn's emotion / windows of a turn with a label
  turns agree             turns whose most frequent label (no ties) is the script's / turns
  no_speech in turns      windows of a turn the gate rejected / windows of a turn
  labelled silence        windows outside every turn of the speaker that still got an emotion
and the labelled windows split by turn share (below and at least one half).
"""
import argparse
import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HOME = Path(__file__).resolve().parents[1]
SPEAKERS = ["customer", "agent"]


def classify(directory, model):
    files = sorted(str(p) for p in Path(directory).glob("*.flac"))
    command = [str(HOME / "emostream"), "classify", *files] + (["--model", model] if model else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def replay_escalation(windows, needed, min_confidence, min_ratio):
    streams = defaultdict(list)
    for w in windows:
        streams[(Path(w["file"]).stem, SPEAKERS[w.get("channel", 0)])].append(w)
    for (conversation, speaker), stream in sorted(streams.items()):
        run, raised = [], None
        for w in sorted(stream, key=lambda w: w["start"]):
            if w["label"] == "no_speech" or (min_ratio is not None and w["speech_ratio"] < min_ratio):
                continue
            if w["label"] == "angry" and w["confidence"] >= min_confidence:
                run.append(w)
                if len(run) == needed and raised is None:
                    raised = w
            else:
                run = []
        angry = " ".join(f"{w['start']:.0f}s:{w['confidence']:.2f}" for w in stream if w["label"] == "angry")
        print(f"escalation {conversation} {speaker}: "
              + (f"raised at the window from {raised['start']:.0f} s" if raised else "not raised")
              + (f"  (angry windows, start:confidence: {angry})" if angry else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=str(HOME / "demo" / "conversations"))
    ap.add_argument("--classify", help="saved output of ./emostream classify on the FLACs of --dir")
    ap.add_argument("--model", help="model for ./emostream classify (default: its default)")
    ap.add_argument("--min-ratio", type=float, help="re-judge windows as if the gate's min ratio were this")
    ap.add_argument("--quiet", action="store_true", help="totals only")
    ap.add_argument("--escalation", metavar="N:C", help="replay the escalation rule: N windows at confidence >= C")
    args = ap.parse_args()

    turns = defaultdict(list)  # (conversation, speaker) -> [(turn, emotion, start, end)]
    for row in csv.DictReader(open(Path(args.dir) / "turns.csv")):
        turns[(row["conversation"], row["speaker"])].append(
            (int(row["turn"]), row["emotion"], float(row["start_s"]), float(row["end_s"])))
    windows = (json.load(open(args.classify)) if args.classify and args.classify.endswith(".json")
               else [json.loads(l) for l in open(args.classify) if l.strip()] if args.classify
               else classify(args.dir, args.model))

    per_turn = defaultdict(list)  # (conversation, speaker, turn) -> [label]
    silence = Counter()  # label of windows outside every turn
    by_share = defaultdict(Counter)  # "<0.5" / ">=0.5" -> agree / labelled
    for w in windows:
        conversation = Path(w["file"]).stem
        speaker = SPEAKERS[w.get("channel", 0)]
        label = w["label"]
        if args.min_ratio is not None and label != "no_speech" and w["speech_ratio"] < args.min_ratio:
            label = "no_speech"
        start, end = w["start"], w["end"]
        best, best_overlap = None, 0.0
        for turn in turns[(conversation, speaker)]:
            overlap = min(end, turn[3]) - max(start, turn[2])
            if overlap > best_overlap:
                best, best_overlap = turn, overlap
        if best is None:
            silence[label] += 1
            continue
        per_turn[(conversation, speaker, best[0])].append((label, best_overlap / (end - start)))
        if label != "no_speech":
            bucket = ">=0.5" if best_overlap / (end - start) >= 0.5 else "<0.5"
            by_share[bucket]["labelled"] += 1
            by_share[bucket]["agree"] += label == best[1]

    if args.escalation:
        needed, min_confidence = args.escalation.split(":")
        replay_escalation(windows, int(needed), float(min_confidence), args.min_ratio)

    totals = Counter()
    for (conversation, speaker), script in sorted(turns.items(), key=lambda kv: (kv[0][0], SPEAKERS.index(kv[0][1]))):
        counts = Counter()
        lines = []
        for number, emotion, start, end in script:
            got = per_turn.get((conversation, speaker, number), [])
            labels = [l for l, _ in got if l != "no_speech"]
            ranked = Counter(labels).most_common()
            top = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
            counts["windows"] += len(got)
            counts["labelled"] += len(labels)
            counts["agree"] += sum(l == emotion for l in labels)
            counts["no_speech"] += len(got) - len(labels)
            counts["turns"] += 1
            counts["turns_agree"] += top == emotion
            lines.append(f"    turn {number} {emotion:<8} {start:5.1f}-{end:5.1f} s: "
                         + " ".join(f"{l}({share:.0%})" for l, share in got)
                         + ("   ok" if top == emotion else ""))
        totals.update(counts)
        if not args.quiet:
            print(f"{conversation} {speaker}: labelled windows agree {counts['agree']}/{counts['labelled']}, "
                  f"turns agree {counts['turns_agree']}/{counts['turns']}, "
                  f"no_speech in turns {counts['no_speech']}/{counts['windows']}")
            print("\n".join(lines))
    labelled_silence = sum(n for label, n in silence.items() if label != "no_speech")
    print(f"TOTAL labelled windows agree {totals['agree']}/{totals['labelled']} "
          f"({totals['agree'] / max(1, totals['labelled']):.0%}), "
          f"turns agree {totals['turns_agree']}/{totals['turns']}, "
          f"no_speech in turns {totals['no_speech']}/{totals['windows']}, "
          f"labelled silence {labelled_silence}/{sum(silence.values())}")
    for bucket in ("<0.5", ">=0.5"):
        c = by_share[bucket]
        print(f"  turn share {bucket:>5}: labelled windows agree {c['agree']}/{c['labelled']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
