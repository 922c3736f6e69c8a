"""Command line: python -m vae_core {train, encode, evaluate, reconstruct, sample, interpolate, project} ...

Bad input prints one line on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

from .base.shipped import BASE, for_corpus, load_model
from .data.corpus import MAX_FILE_MB, CorpusOptions, load_corpus
from .data.streaming import StreamedCorpus
from .data.tokenizer import KINDS, TokenizerConfig
from .device import check_device_name
from .errors import InputError, LatentLabError
from .explore.latent import PATHS, encode, interpolate, sample_prior
from .explore.projection import DIMS, METHODS, MapView, project
from .measure import roundtrip
from .measure.metrics import evaluate
from .model.decoding import DETERMINISTIC, STRATEGIES, DecodeConfig
from .model.objective import SCHEDULES
from .model.refine import RefineConfig
from .model.vae import CELLS, ENCODERS, PRETRAINED_SUGGESTED, ModelConfig
from .store.bundle import check_bundle_target, save_bundle
from .store.export import encode_file, latent_frame, table_path, write_table
from .store.map_table import map_table, read_latents
from .train import distributed, settings
from .train.fit import ADAPT_MAX_EPOCHS, ADAPT_WORDS, adapt_config, adapt_epochs, check_trainable, fit
from .train.loop import PRECISIONS, Progress, TrainConfig, format_duration
from .train.seats import Seat

CHUNK_ROWS = 50_000  # rows per chunk when a corpus is streamed


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def _finite(text: str) -> float:
    """A number option: a finite float (NaN and infinity are refused where they are parsed)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _whole(low: int, high: int):
    """A whole-number option from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low:,} to {high:,}")
        return value

    parse.__name__ = "whole number"  # how argparse names the type in its message
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m vae_core", description="Sentence VAE: train, encode, evaluate, sample.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = _train_parser(sub)
    _model_args(p)
    _objective_args(p)
    _tokenizer_args(p)
    _measure_parsers(sub)
    _latent_parsers(sub)
    return parser


def _data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", help="corpus: .txt, .csv, .tsv, .jsonl or .parquet")
    p.add_argument("--text-column", help="text column of a table (default: 'text' or the likeliest)")
    p.add_argument("--label-column", help="optional label column of a table")
    p.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda")


def _refine_arg(p: argparse.ArgumentParser, zero: str, app: str) -> None:
    p.add_argument(
        "--refine",
        type=_whole(0, 500),
        default=0,
        metavar="STEPS",
        help="first move each sentence's mean this many gradient steps to a point the decoder writes the "
        f"sentence back from, within the posterior's reach (0: {zero}; the app's {app}: {roundtrip.REFINED.steps})",
    )


def _overwrite_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite", action="store_true", help="replace an existing output that Latent Lab wrote (else refused)"
    )


def _chunk_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--chunk-rows",
        type=_whole(1, 10**8),
        help=f"stream the corpus in chunks of this many rows (automatic, {CHUNK_ROWS:,}, above {MAX_FILE_MB} MB; "
        "de-duplication then works within a chunk)",
    )


def _decode_args(p: argparse.ArgumentParser, strategy: str) -> None:
    d = DecodeConfig()
    p.add_argument("--strategy", choices=STRATEGIES, default=strategy)
    p.add_argument("--temperature", type=_finite, default=d.temperature)
    p.add_argument("--top-k", type=int, default=d.top_k)
    p.add_argument("--top-p", type=_finite, default=d.top_p)
    p.add_argument(
        "--beam", type=int, help="beam width (beam), or candidates (rerank); alone it implies --strategy beam"
    )
    p.add_argument("--max-len", type=int, default=d.max_len)
    p.add_argument("--seed", type=_whole(0, 2**32 - 1), default=d.seed)
    p.add_argument(
        "--known-words-only",
        action="store_true",
        help="never write ▢ (a word outside the vocabulary): the likeliest known word instead",
    )
    p.add_argument("--device", default="auto")


def _train_parser(sub) -> argparse.ArgumentParser:
    """`train`: the corpus, where to start from, the output and the loop's length."""
    t, a = TrainConfig(), adapt_config()
    p = sub.add_parser("train", help="train a model on a corpus and save it as a bundle folder")
    _data_args(p)
    p.add_argument(
        "--from",
        dest="start",
        choices=(BASE, "scratch"),
        default=BASE,
        help=f"{BASE}: adapt the shipped base model to the corpus (minutes; its tokenizer and sizes); scratch: a new "
        "model that learns English from the corpus alone",
    )
    p.add_argument("--out", required=True, help="bundle folder to write (a new one, or a bundle with --overwrite)")
    _overwrite_arg(p)
    _chunk_arg(p)
    p.add_argument(
        "--epochs",
        type=int,
        help=f"default {t.epochs}; with --from base, 1-{ADAPT_MAX_EPOCHS} passes that read about {ADAPT_WORDS:,} words",
    )
    p.add_argument("--batch-size", type=int, default=t.batch_size)
    p.add_argument("--lr", type=_finite, help=f"default {t.lr}; {a.lr} with --from base")
    return p


def _model_args(p: argparse.ArgumentParser) -> None:
    """`train`'s network: sizes, encoder, precision and threads."""
    m, t = ModelConfig(), TrainConfig()
    p.add_argument(
        "--latent-dim",
        type=int,
        help=f"size of z (default {m.latent_dim}, {PRETRAINED_SUGGESTED['latent_dim']} with --encoder pretrained)",
    )
    p.add_argument("--embed-dim", type=int, help=f"default {m.embed_dim}")
    p.add_argument("--hidden-dim", type=int, help=f"default {m.hidden_dim}")
    p.add_argument("--layers", type=int, help=f"default {m.num_layers}")
    p.add_argument("--dropout", type=_finite, help=f"default {m.dropout}")
    p.add_argument("--cell", choices=CELLS, help=f"default {m.cell}")
    p.add_argument(
        "--bn-gamma",
        type=_finite,
        help=f"BN-VAE scale of μ (default {m.bn_gamma}, {PRETRAINED_SUGGESTED['bn_gamma']} with --encoder pretrained); "
        "0: off",
    )
    p.add_argument(
        "--bow-weight",
        type=_finite,
        help="weight of a bag-of-words loss (z must also predict the sentence's words in any order); 0: off",
    )
    p.add_argument(
        "--pretrain-epochs",
        type=int,
        help=f"autoencoder pre-training (default {t.pretrain_epochs}; 0 with --from base)",
    )
    p.add_argument(
        "--encoder",
        choices=ENCODERS,
        help=f"default {m.encoder}; rnn: learned from the corpus; pretrained: the {m.pretrained_name} sentence "
        "encoder; hybrid: both",
    )
    p.add_argument("--finetune-encoder", action="store_true", help="train the pretrained encoder too (slow on CPU)")
    p.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (default: every core); give each of several trainings on one machine its share",
    )
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=t.precision,
        help="of the training steps' matrix multiplies; auto: bf16 on a CPU with native bfloat16, else fp32",
    )


def _objective_args(p: argparse.ArgumentParser) -> None:
    """`train`'s objective: β and its schedule, free bits, word dropout, early stopping, the anchor, the replay."""
    t, a = TrainConfig(), adapt_config()
    b = t.beta
    p.add_argument("--beta-schedule", choices=SCHEDULES, help=f"default {b.kind}; constant with --from base")
    p.add_argument("--beta-max", type=_finite, help=f"default {b.beta_max}")
    p.add_argument("--beta-cycles", type=int, default=b.cycles)
    p.add_argument("--free-bits", type=_finite, default=t.free_bits, help="nats per latent dimension")
    p.add_argument("--word-dropout", type=_finite, help=f"default {t.word_dropout}; {a.word_dropout} with --from base")
    p.add_argument(
        "--patience", type=int, help=f"early stopping (default {t.patience}; 0 with --from base); 0 turns it off"
    )
    p.add_argument(
        "--anchor",
        type=_finite,
        help="pull toward the base model's weights while adapting (L2-SP; default "
        f"{a.anchor} with --from base, {t.anchor} from scratch)",
    )
    p.add_argument(
        "--replay-size", type=int, default=t.replay_size, help="sentences recorded for a replay of training (0: none)"
    )
    p.add_argument("--seed", type=_whole(0, 2**32 - 1), default=t.seed)


def _tokenizer_args(p: argparse.ArgumentParser) -> None:
    """`train`'s tokenizer and corpus cleaning, and the closing measurement."""
    k, c = TokenizerConfig(), CorpusOptions()
    p.add_argument("--min-frequency", type=int, help=f"default {k.min_frequency}")
    p.add_argument("--max-vocab", type=int, help=f"word vocabulary size at most (default {k.max_vocab})")
    p.add_argument(
        "--tokenizer",
        choices=KINDS,
        help=f"default {k.kind}; word: whole words; bpe, byte-bpe: subword pieces (no <unk>)",
    )
    p.add_argument("--subword-vocab", type=int, help=f"BPE vocabulary size (default {k.subword_vocab})")
    p.add_argument("--max-tokens", type=int, default=c.max_tokens, help="longer sentences are truncated")
    p.add_argument("--drop-long", action="store_true", help="drop long sentences instead of truncating")
    p.add_argument("--lowercase", action="store_true", help="lower-case the corpus text")
    p.add_argument("--dedupe", action="store_true", help="drop repeated sentences")
    p.add_argument("--val-fraction", type=_finite, default=c.val_fraction)
    p.add_argument(
        "--iw-samples", type=_whole(0, 10000), default=100, help="importance samples for the final IW-NLL (0: skip it)"
    )
    quiet_arg(p)


def _measure_parsers(sub) -> None:
    """`encode`, `evaluate` and `reconstruct`: a model read on a corpus."""
    p = sub.add_parser("encode", help="write each sentence's posterior mean to .parquet or .csv")
    p.add_argument("model", help=f"bundle folder, or {BASE} for the shipped base model")
    _data_args(p)
    p.add_argument("--out", required=True, help="output file: .parquet or .csv")
    _overwrite_arg(p)
    _chunk_arg(p)
    quiet_arg(p)

    p = sub.add_parser("evaluate", help="print the standard metrics on a corpus as one JSON object")
    p.add_argument("model", help=f"bundle folder, or {BASE} for the shipped base model")
    _data_args(p)
    p.add_argument("--iw-samples", type=_whole(1, 10000), default=100, help="importance samples for the IW-NLL")
    p.add_argument("--seed", type=_whole(0, 2**32 - 1), default=0)

    p = sub.add_parser(
        "reconstruct", help="encode each sentence and decode it back: a table of input, output, exact, similarity"
    )
    p.add_argument("model", help=f"bundle folder, or {BASE} for the shipped base model")
    _data_args(p)
    p.add_argument("--out", required=True, help="output file: .parquet or .csv, one row per sentence")
    _overwrite_arg(p)
    p.add_argument("--judge-data", help="labelled corpus to fit the label judge on (default: DATA itself)")
    p.add_argument(
        "--strategy",
        choices=DETERMINISTIC,
        default="greedy",
        help="how to decode each posterior mean (greedy: the model card's measure; rerank: as Generate does)",
    )
    _refine_arg(p, "decode the mean itself", "Generate -> Reconstruct")
    p.add_argument("--seed", type=_whole(0, 2**32 - 1), default=0)
    quiet_arg(p)


def _latent_parsers(sub) -> None:
    """`sample`, `project` and `interpolate`: the latent space itself."""
    p = sub.add_parser("sample", help="decode sentences drawn from the prior")
    p.add_argument("model", help=f"bundle folder, or {BASE} for the shipped base model")
    p.add_argument("-n", type=_whole(1, 100000), default=10, help="how many sentences")
    _decode_args(p, "sample")

    p = sub.add_parser("project", help="compute a 2-D/3-D map of an encoded file's z_ columns")
    p.add_argument("latents", help="a .parquet or .csv written by `encode`")
    p.add_argument("--out", required=True, help="output: .parquet or .csv with x, y (, z) beside text and label")
    _overwrite_arg(p)
    p.add_argument("--method", choices=METHODS, default="umap")
    p.add_argument("--dims", type=int, choices=DIMS, default=2)
    p.add_argument("--seed", type=_whole(0, 2**32 - 1), default=0)
    p.add_argument("--device", default="auto", help="where the exact nearest neighbours are found: auto, cpu, cuda")
    quiet_arg(p)

    p = sub.add_parser("interpolate", help="decode the path between two sentences")
    p.add_argument("model", help=f"bundle folder, or {BASE} for the shipped base model")
    p.add_argument("sentence_a")
    p.add_argument("sentence_b")
    p.add_argument("--steps", type=_whole(2, 1000), default=8)
    p.add_argument("--method", choices=PATHS, default="slerp")
    _refine_arg(p, "walk between the two means", "the path's ends")
    _decode_args(p, "greedy")


def _corpus_options(args, **overrides) -> CorpusOptions:
    return CorpusOptions(text_column=args.text_column, label_column=args.label_column, **overrides)


def _refined(args) -> RefineConfig | None:
    """How `--refine STEPS` asks for each sentence's point to be refined (None: the posterior mean)."""
    return replace(roundtrip.REFINED, steps=args.refine) if args.refine else None


def _decode_config(args) -> DecodeConfig:
    return DecodeConfig(
        strategy="beam" if args.beam and args.strategy not in ("beam", "rerank") else args.strategy,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        beam_size=args.beam or DecodeConfig.beam_size,
        candidates=args.beam or DecodeConfig.candidates,
        max_len=args.max_len,
        seed=args.seed,
        unknown_words=not args.known_words_only,
    )


def quiet_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def progress_bar(args, what: str, unit: str) -> Callable[[int, int], None] | None:
    """A tqdm bar on stderr that follows long work as `on_progress(done, total)`, shown once the work has taken 2 s
    (a short command prints only its result); None with --quiet."""
    if getattr(args, "quiet", False):
        return None
    from tqdm import tqdm

    bar = None

    def follow(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=what, unit=f" {unit}", file=sys.stderr, dynamic_ncols=True, delay=2.0)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return follow


class ProgressBar:
    """A one-line progress bar on stderr (a line every 5% when stderr is not a terminal)."""

    def __init__(self, stream=sys.stderr):
        self.stream, self.tty, self.last_pct, self.phase = stream, stream.isatty(), -5, "embed"

    def __call__(self, p: Progress) -> None:
        pct = 100 * p.step // max(p.total_steps, 1)
        if p.phase != self.phase:  # each phase has its own 0-100%
            self.phase, self.last_pct = p.phase, -5
        if not self.tty and pct < self.last_pct + 5 and p.val is None:
            return
        self.last_pct = pct if p.val is None else self.last_pct
        bar = "#" * (pct // 5) + "." * (20 - pct // 5)
        stage = "pre-training" if p.phase == "pretrain" else f"epoch {p.epoch}/{p.epochs}"
        line = (
            f"{stage} [{bar}] {pct:3d}% rec {p.rec:6.2f} kl {p.kl:5.2f} β {p.beta:.2f} "
            f"AU {p.active_units} {p.tokens_per_s / 1000:.1f}k tok/s ETA {format_duration(p.eta_s)}"
            + (f" (slower now: {p.pace:.0%} of the pace so far)" if p.slowed else "")
        )
        if p.phase == "embed":
            line = f"embedding sentences [{bar}] {pct:3d}% {p.step}/{p.total_steps} ETA {format_duration(p.eta_s)}"
        if p.phase == "measure":
            line = (
                f"measuring on held-out sentences [{bar}] {pct:3d}% {p.step}/{p.total_steps} "
                f"ETA {format_duration(p.eta_s)}"
            )
        if p.val:
            line = f"epoch {p.epoch} done: val rec {p.val['rec']:.2f} kl {p.val['kl']:.2f} AU {p.val['active_units']}"
        self.stream.write(("\r" + line.ljust(110)) if self.tty and p.val is None else line + "\n")
        self.stream.flush()


ARG_OF = {"num_layers": "layers", "kind": "tokenizer"}  # the few train options not named for their setting


def _option(name: str) -> str:
    """The command-line option that gives the training setting `name`."""
    return "--" + ARG_OF.get(name, name).replace("_", "-")


def _train_configs(args) -> tuple[ModelConfig | None, TrainConfig, TokenizerConfig | None]:
    """The settings `train` runs with: the library's one mapping from flat settings to configs (the Train form's)."""
    given = {name: getattr(args, ARG_OF.get(name, name)) for name in settings.FIELDS}
    return settings.configs(given, args.start == BASE, label=_option, scratch="add --from scratch")


def cmd_train(args) -> None:
    check_bundle_target(args.out, args.overwrite)  # before any work: a taken --out is refused at once
    model_config, train_config, tokenizer_config = _train_configs(args)
    start_from = load_model(BASE) if args.start == BASE else None
    if args.threads is not None:
        if not 1 <= args.threads <= 1024:
            raise InputError(f"--threads must be from 1 to 1024 (got {args.threads}).")
        torch.set_num_threads(args.threads)
    if distributed.launched_by_torchrun():
        distributed.start(args.device)
    main_rank = distributed.is_main()
    options = _corpus_options(
        args,
        lowercase=args.lowercase,
        max_tokens=args.max_tokens,
        dedupe=args.dedupe,
        long_lines="drop" if args.drop_long else "truncate",
        val_fraction=args.val_fraction,
        seed=args.seed,
    )
    if _streams(args):
        corpus = StreamedCorpus.scan(args.data, options, args.chunk_rows or CHUNK_ROWS)
    else:
        corpus = load_corpus(args.data, options)
    check_trainable(corpus)
    if args.start == BASE and args.epochs is None:
        train_config = replace(train_config, epochs=adapt_epochs(corpus))
    if main_rank:
        print(corpus.report.summary(), file=sys.stderr)
        for note in corpus.report.notes:
            print(f"note: {note}", file=sys.stderr)
    bar = None if args.quiet or not main_rank else ProgressBar()
    shares = args.threads is None and not distributed.active()  # --threads or torchrun: the cores are as given
    with Seat() if shares else nullcontext() as seat:

        def on_progress(p: Progress) -> None:
            if seat is not None:
                seat.share()  # follows other trainings on this machine starting and ending
            if bar is not None:
                bar(p)

        tm = fit(corpus, model_config, train_config, tokenizer_config, on_progress=on_progress,
                 iw_samples=args.iw_samples, start_from=start_from)  # fmt: skip
    if main_rank:  # one writer; the save is atomic
        save_bundle(tm, args.out, overwrite=args.overwrite)
        print(json.dumps(tm.metrics, indent=2))
        print(f"saved {args.out} ({tm.metrics['stop_reason']}, {tm.metrics['train_seconds']:.1f} s)", file=sys.stderr)
    distributed.finish()


def cmd_encode(args) -> None:
    out = table_path(args.out, args.overwrite)
    tm = load_model(args.model, device=args.device)
    options = _corpus_options(args, max_tokens=None, val_fraction=0.0)
    batch_size = 1024 if tm.model.device.type == "cuda" else 256  # a GPU wants large batches

    def encode_texts(texts: list[str], on_progress=None):
        return encode(tm.model, tm.tokenizer, texts, batch_size=batch_size, on_progress=on_progress)[0]

    start = time.perf_counter()
    if _streams(args):

        def report(done: int, seconds: float) -> None:
            print(f"encoded {done:,} sentences ({done / max(seconds, 1e-9):,.0f}/s)", file=sys.stderr, flush=True)

        n = encode_file(encode_texts, args.data, out, options, args.chunk_rows or CHUNK_ROWS, on_progress=report)
    else:  # fits in memory: read it whole, with every check load_corpus makes
        corpus = load_corpus(args.data, options)
        frame = latent_frame(corpus, encode_texts(corpus.texts, progress_bar(args, "encoding", "sentences")))
        write_table(frame, out)
        n = len(frame)
    print(f"encoded {n} sentences in {time.perf_counter() - start:.1f} s -> {out}", file=sys.stderr)


def _streams(args) -> bool:
    """Read the corpus in chunks: when asked to (--chunk-rows), or when the file is too big to read whole."""
    source = Path(args.data)
    return bool(args.chunk_rows) or (source.is_file() and source.stat().st_size > MAX_FILE_MB * 2**20)


def cmd_project(args) -> None:
    out = table_path(args.out, args.overwrite)
    check_device_name(args.device)  # refused even where the method (PCA) would not use it
    source = Path(args.latents)
    if not source.is_file() or source.suffix.lower() not in (".parquet", ".csv"):
        raise InputError(f"{source}: give a .parquet or .csv file written by `encode`.")
    try:
        frame = pd.read_parquet(source) if source.suffix.lower() == ".parquet" else pd.read_csv(source)
    except Exception as e:  # pyarrow and pandas raise several types for damaged files
        raise InputError(f"{source}: could not read it: {e}") from e
    latents = read_latents(frame, str(source))
    start = time.perf_counter()
    view = MapView(args.method, args.dims, args.seed)
    follow = progress_bar(args, "laying out the map", "epochs")
    coords = project(latents, view.method, view.dims, view.seed, device=args.device, on_progress=follow)
    result = map_table(frame[[c for c in ("text", "label") if c in frame.columns]], coords, view)
    write_table(result, out)
    print(
        f"mapped {len(result)} points ({view.label}) in {time.perf_counter() - start:.1f} s -> {out}",
        file=sys.stderr,
    )


def cmd_evaluate(args) -> None:
    corpus = load_corpus(args.data, _corpus_options(args, max_tokens=None, val_fraction=0.0))
    tm = for_corpus(load_model(args.model, device=args.device), corpus.texts)
    metrics = evaluate(tm.model, tm.tokenizer, corpus.texts, iw_samples=args.iw_samples, seed=args.seed)
    judge = roundtrip.label_judge(corpus.texts, corpus.labels)
    found = roundtrip.measure(tm.model, tm.tokenizer, corpus.texts, labels=corpus.labels, judge=judge, seed=args.seed)
    found.pop("roundtrip_examples", None)
    print(json.dumps({**metrics, **found}))


def cmd_reconstruct(args) -> None:
    out = table_path(args.out, args.overwrite)
    corpus = load_corpus(args.data, _corpus_options(args, max_tokens=None, val_fraction=0.0))
    tm = for_corpus(load_model(args.model, device=args.device), corpus.texts)  # writes back in the corpus's style
    judged = corpus
    if args.judge_data:
        judged = load_corpus(args.judge_data, _corpus_options(args, max_tokens=None, val_fraction=0.0))
    judge = roundtrip.label_judge(judged.texts, judged.labels)
    decoding = replace(roundtrip.GREEDY, strategy=args.strategy)  # the card's measure, decoded as asked
    result = roundtrip.round_trip(
        tm.model,
        tm.tokenizer,
        corpus.texts,
        labels=corpus.labels,
        judge=judge,
        decoding=decoding,
        refined=_refined(args),
        on_progress=progress_bar(args, "writing back", "sentences"),
    )
    write_table(pd.DataFrame(result.rows()), out)
    summary = result.summary()
    how = args.strategy + (f", z refined {args.refine} steps" if args.refine else "")
    line = f"{summary['roundtrip_n']} sentences ({how}): exact {summary['roundtrip_exact']:.1%}, "
    line += f"chrF {summary['roundtrip_chrf']:.1f}, "
    line += f"{summary['roundtrip_unknown']:.0%} hold a word outside the vocabulary"
    if "roundtrip_similarity" in summary:
        line += f", similarity {summary['roundtrip_similarity']:.3f} "
        line += f"(random pairs {summary['roundtrip_similarity_random']:.3f}, "
        line += f"a perfect round trip {summary['roundtrip_similarity_ceiling']:.3f})"
    if "roundtrip_label_agreement" in summary:
        line += f", same label {summary['roundtrip_label_agreement']:.1%} "
        line += f"(judge right on inputs {summary['roundtrip_judge_accuracy']:.1%})"
    print(f"{line} -> {out}", file=sys.stderr)


def cmd_sample(args) -> None:
    tm = load_model(args.model, device=args.device)
    _, texts = sample_prior(tm.model, tm.tokenizer, args.n, _decode_config(args), seed=args.seed)
    print("\n".join(texts))


def cmd_interpolate(args) -> None:
    tm = load_model(args.model, device=args.device)
    path = interpolate(
        tm.model,
        tm.tokenizer,
        args.sentence_a,
        args.sentence_b,
        args.steps,
        args.method,
        _decode_config(args),
        _refined(args),
    )
    for t, text in path:
        print(f"{t:.2f}\t{text}")


COMMANDS = {
    "train": cmd_train,
    "encode": cmd_encode,
    "evaluate": cmd_evaluate,
    "reconstruct": cmd_reconstruct,
    "sample": cmd_sample,
    "interpolate": cmd_interpolate,
    "project": cmd_project,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except LatentLabError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # unreadable input, unwritable output, full disk
        print(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
