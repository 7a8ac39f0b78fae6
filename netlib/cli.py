"""The ``netlib`` command: thin wrappers over the library.

Every command turns a :class:`~netlib.errors.NetlibError` into one readable line on
stderr and exit status 2; no traceback reaches the user for bad data or parameters.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import warnings
from collections.abc import Sequence

from netlib import pipeline, registry, report, synth
from netlib.coordination import write_coshare_pairs
from netlib.errors import NetlibError, ParameterError
from netlib.io import detect_format, load
from netlib.io.scenario import write_scenario
from netlib.report.stix import write_sharing_package
from netlib.safe import terminal_text
from netlib.units import memory_size, seed_value, to_seconds

__all__ = ["main"]


def _seed(text: str) -> int:
    """argparse type: a seed is a whole number from 0 to 2**32 - 1."""
    try:
        return seed_value(text.strip())
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _window(text: str) -> float:
    """argparse type: a co-action window, seconds or a string such as 90s or 2min."""
    try:
        return to_seconds(text, name="window", allow_zero=True)
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _memory_limit(text: str) -> str:
    """argparse type: a memory size such as 4GB, 512MB or 1.5GiB."""
    try:
        return memory_size(text)
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def load_options(args: argparse.Namespace) -> dict:
    """Reader options from the command line: the key that hashes WhatsApp phone numbers."""
    key = getattr(args, "phone_key", None) or os.environ.get("NETLIB_PHONE_KEY")
    if not key:
        return {}
    fmt = args.format or detect_format(args.path)
    return {"key": key} if fmt == "whatsapp" else {}


def _lines(message: object) -> str:
    """A message for the terminal: each line's control characters shown as codes.

    Messages quote the data (a column name, a file name, a note about a handle), which
    may hold escape sequences meant to rewrite the screen.
    """
    return "\n".join(terminal_text(line) for line in str(message).split("\n"))


def _cmd_validate(args: argparse.Namespace) -> int:
    data = load(args.path, format=args.format, **load_options(args))
    for line in data.report.lines(limit=None if args.all else args.limit):
        print(_lines(line))
    print(f"summary: {len(data.accounts):,} accounts, {len(data.actions):,} actions kept; "
          f"{len(data.report.errors):,} errors, {len(data.report.warnings):,} warnings")
    return 0 if data.report.ok else 1


def _cmd_synth(args: argparse.Namespace) -> int:
    scenario = synth.generate(seed=args.seed, scale=args.scale, difficulty=args.difficulty)
    out = write_scenario(scenario, args.out_dir)
    print(f"wrote {out}: {scenario.summary()}")
    return 0


#: ``netlib analyze`` flags that set a config option: flag dest -> (analyses, option).
#: ``--seed`` reaches every analysis whose config has a seed.
ANALYZE_OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "window": (("coordination",), "window"),
    "min_participation": (("coordination",), "min_participation"),
    "fdr": (("coordination",), "fdr"),
    "engine": (("coordination",), "engine"),
    "memory_limit": (("coordination",), "memory_limit"),
    "temp_dir": (("coordination",), "temp_directory"),
    "silent_after": (("mirrors",), "silent_after"),
    "seed": (("coordination", "mirrors", "hubs"), "seed"),
}


def analyze_configs(args: argparse.Namespace) -> dict[str, dict]:
    """The options of each analysis: the ``--config`` file's, then the flags given."""
    configs = {name: {} for name in pipeline.CONFIGS}
    if args.config:
        for name, options in pipeline.read_config(args.config).items():
            configs[name].update(options)
    for dest, (analyses, option) in ANALYZE_OPTIONS.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        for name in analyses:
            fields = {f.name for f in dataclasses.fields(pipeline.CONFIGS[name])}
            if option in fields:
                configs[name][option] = value
    return configs


def _cmd_analyze(args: argparse.Namespace) -> int:
    configs = analyze_configs(args)
    written = pipeline.analyze_path(
        args.path, args.out, format=args.format, report=args.report or args.pdf,
        watchlist=args.watchlist, pseudonymize=args.pseudonymize,
        progress=not args.quiet, load_options=load_options(args), pdf=args.pdf, **configs)
    for path in written:
        print(path)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    if args.pdf:
        report.require_chromium()
    data = load(args.data, format=args.format) if args.data else None
    page = report.rebuild_report(args.out_dir, data=data)
    print(page)
    if args.pdf:
        print(report.write_pdf(page))
    return 0


def _cmd_pairs(args: argparse.Namespace) -> int:
    info = write_coshare_pairs(
        args.path, args.out, window=args.window, min_participation=args.min_participation,
        engine=args.engine, max_object_shares=args.max_object_shares,
        memory_limit=args.memory_limit, temp_directory=args.temp_dir, threads=args.threads,
        rows_per_file=args.rows_per_file, progress=not args.quiet)
    read = info["counts"].get("shares_read")
    source = f" from {read:,} shares" if read is not None else ""
    print(f"{info['rows']:,} pairs{source} in {len(info['files'])} files under {args.out} "
          f"({info['seconds']:.1f} s)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    for path in write_sharing_package(args.out_dir, stix=args.stix, meta_csv=args.meta_csv,
                                      data=args.data, identity=args.identity):
        print(path)
    return 0


def _print_table(frame) -> None:
    """Print a frame on the terminal with every text cell made safe (hostile handles)."""
    shown = frame.astype(object).map(terminal_text)
    print(shown.to_string(index=False) if len(shown) else "(none)")


def _cmd_registry_add(args: argparse.Namespace) -> int:
    args.path = args.data or args.source  # what load_options detects the format of
    config = {"infer_takedowns": not args.no_infer}
    if args.silent_after is not None:
        config["silent_after"] = args.silent_after
    batch = registry.register(args.db, args.source, data=args.data, format=args.format,
                              config=pipeline.CONFIGS["mirrors"](**config),
                              load_options=load_options(args))
    print(f"batch {batch['batch_id']}: {batch['n_removed']:,} removed accounts in "
          f"{terminal_text(batch['source'])}; {batch['n_added']:,} added, "
          f"{batch['n_duplicate']:,} already recorded ({args.db})")
    return 0


def _cmd_registry_list(args: argparse.Namespace) -> int:
    with registry.Registry(args.db, read_only=True) as reg:
        print(f"{terminal_text(reg.path.name)}: schema version {reg.schema_version}, "
              f"{len(reg):,} entries")
        if args.batches:
            _print_table(reg.batches())
        else:
            _print_table(reg.accounts(limit=args.limit))
    return 0


def _rhythm_line(value) -> str:
    """An hour-of-week histogram in words: its total and busiest hour."""
    if not isinstance(value, list | tuple) and not hasattr(value, "__array__"):
        return "(none)"
    counts = list(value)
    busiest = max(range(len(counts)), key=counts.__getitem__)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return (f"{int(sum(counts))} actions by hour of week (UTC); busiest "
            f"{days[busiest // 24]} {busiest % 24:02d}h")


def _cmd_registry_show(args: argparse.Namespace) -> int:
    with registry.Registry(args.db, read_only=True) as reg:
        rows = reg.show(args.account)
    if not len(rows):
        print(f"no entry for {terminal_text(args.account)}")
        return 1
    for _, row in rows.iterrows():
        print(f"--- entry {row['entry_id']} (batch {row['batch_id']})")
        for name, value in row.items():
            if name in ("bio_minhash", "audience_minhash"):
                value = (f"MinHash, {len(value) // 4} positions"
                         if isinstance(value, bytes | bytearray) else "(none)")
            elif name == "rhythm":
                value = _rhythm_line(value)
            print(f"{name}: {terminal_text(value)}")
    return 0


def _cmd_screen(args: argparse.Namespace) -> int:
    options = {k: getattr(args, k) for k in ("max_candidates", "min_score")
               if getattr(args, k) is not None}
    result, written = registry.screen_path(
        args.path, args.registry, args.out, format=args.format,
        config=registry.ScreenConfig(**options), load_options=load_options(args))
    print(terminal_text(repr(result)))
    for path in written:
        print(path)
    return 0


def _add_registry_parsers(sub) -> None:
    """``netlib registry add|list|show`` and ``netlib screen``."""
    p = sub.add_parser("registry", help="a registry of removed accounts (DuckDB file)")
    reg = p.add_subparsers(dest="registry_command", required=True)
    q = reg.add_parser("add", help="record the removed accounts of a dataset or an "
                                   "analyze output folder")
    q.add_argument("source", help="data folder or export file, or a netlib analyze output")
    q.add_argument("--db", required=True, help="registry file (created when missing)")
    q.add_argument("--data", default=None,
                   help="with an output folder: its dataset, if run.json's is not found")
    q.add_argument("--format", default=None)
    q.add_argument("--silent-after", default=None,
                   help="an account silent this long before the data ends counts as gone")
    q.add_argument("--no-infer", action="store_true",
                   help="record only known removals (no inference from silence)")
    q.add_argument("--phone-key", default=None, metavar="KEY",
                   help="key for hashing phone-number senders (WhatsApp)")
    q.set_defaults(func=_cmd_registry_add)
    q = reg.add_parser("list", help="print the registry's entries (or its batches)")
    q.add_argument("--db", required=True)
    q.add_argument("--limit", type=int, default=200, help="entries to print (default 200)")
    q.add_argument("--batches", action="store_true", help="print the batches instead")
    q.set_defaults(func=_cmd_registry_list)
    q = reg.add_parser("show", help="print every entry of one account (id or handle)")
    q.add_argument("account")
    q.add_argument("--db", required=True)
    q.set_defaults(func=_cmd_registry_show)

    p = sub.add_parser("screen", help="score new accounts against a registry of removed "
                                      "accounts (at creation)")
    p.add_argument("path", help="the new accounts: data folder or export file")
    p.add_argument("--registry", required=True, help="registry file")
    p.add_argument("--out", required=True, help="output folder (alerts.csv, screened.csv)")
    p.add_argument("--format", default=None)
    screen = registry.ScreenConfig()  # the defaults the help states
    p.add_argument("--max-candidates", type=int, default=None,
                   help=f"removed accounts scored per new account (default "
                        f"{screen.max_candidates})")
    p.add_argument("--min-score", type=float, default=None,
                   help=f"leave out alerts scoring below this (default {screen.min_score:g})")
    p.add_argument("--phone-key", default=None, metavar="KEY",
                   help="key for hashing phone-number senders (WhatsApp)")
    p.set_defaults(func=_cmd_screen)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netlib",
        description="Trace coordinated account networks, mirror accounts and operator hubs.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="load a dataset and print the load report; "
                       "exit 1 if any row was rejected")
    p.add_argument("path", help="data folder or export file")
    p.add_argument("--format", default=None, help="force a reader instead of detecting it")
    p.add_argument("--limit", type=int, default=200, help="issues to print (default 200)")
    p.add_argument("--all", action="store_true", help="print every issue")
    p.add_argument("--phone-key", default=None, metavar="KEY",
                   help="key for hashing phone-number senders (WhatsApp); or set "
                        "NETLIB_PHONE_KEY")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("synth", help="write a synthetic scenario with planted truth")
    p.add_argument("out_dir")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--scale", type=float, default=1.0, help="size multiplier (default 1.0)")
    p.add_argument("--difficulty", default="medium", choices=["easy", "medium", "hard"])
    p.set_defaults(func=_cmd_synth)

    coord = pipeline.CONFIGS["coordination"]()  # the defaults the help states
    p = sub.add_parser("analyze", help="run every analysis and write tables (and a report)")
    p.add_argument("path", help="data folder or export file")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--format", default=None)
    p.add_argument("--phone-key", default=None, metavar="KEY",
                   help="key for hashing phone-number senders (WhatsApp); or set "
                        "NETLIB_PHONE_KEY")
    p.add_argument("--config", default=None, metavar="FILE.toml",
                   help="options for [coordination], [mirrors] and [hubs]; flags win")
    p.add_argument("--window", default=None,
                   help=f"co-action window: seconds or e.g. 90s, 2min (default "
                        f"{coord.window:g})")
    p.add_argument("--min-participation", type=int, default=None,
                   help=f"co-shares an account needs to enter the network (default "
                        f"{coord.min_participation})")
    p.add_argument("--fdr", type=float, default=None,
                   help=f"false discovery rate of the coordination tests (default "
                        f"{coord.fdr:g})")
    p.add_argument("--silent-after", default=None,
                   help="an account silent this long before the data ends counts as gone, "
                        "e.g. 30D")
    p.add_argument("--seed", type=_seed, default=None, help="seed for every randomised step")
    p.add_argument("--report", action="store_true", help="also write report.html")
    p.add_argument("--pdf", action="store_true",
                   help="also write report.pdf (implies --report; needs Chromium)")
    p.add_argument("--watchlist", default=None, help="CSV of handles/account ids to triage")
    p.add_argument("--pseudonymize", default=None, metavar="KEY",
                   help="replace identifiers with keyed hashes in every output")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--engine", default=None, choices=["duckdb", "spark"],
                   help="where the co-action join and the null model's expected "
                        "counts run (same results)")
    p.add_argument("--memory-limit", default=None, type=_memory_limit,
                   help="DuckDB memory cap for the co-action join and the null model's "
                        "joins, e.g. 4GB (they spill; default 1/16 and 1/8 of the memory, "
                        "1-3 GiB)")
    p.add_argument("--temp-dir", default=None, help="DuckDB spill folder")
    p.set_defaults(func=_cmd_analyze)

    p = sub.add_parser(
        "report", help="rebuild report.html (and report.pdf) from an analyze output folder",
        description="Rebuild the briefing from the tables and run.json of an existing "
                    "`netlib analyze` output folder, without running the analyses again. "
                    "A pseudonymised folder stays pseudonymised.")
    p.add_argument("out_dir", help="a folder written by `netlib analyze`")
    p.add_argument("--data", default=None,
                   help="the input data again, for posts, example co-actions and activity "
                        "figures (refused for a pseudonymised folder)")
    p.add_argument("--format", default=None, help="force the reader of --data")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (needs Chromium)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "pairs", help="co-share pairs of large inputs, streamed to a folder of Parquet files",
        description="Co-share pairs (CooRTweet rules) of CSV or Parquet shares, computed "
                    "out of core and written to OUT/part-*.parquet with a _netlib.json "
                    "manifest. Input columns: object_id, account_id, content_id, "
                    "timestamp_share, or a trace table (account_id, trace, object_id, "
                    "timestamp, action_id).")
    p.add_argument("path", help="CSV or Parquet file, or a quoted glob ('shares/*.parquet')")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--window", type=_window, default=60.0,
                   help="co-share window: seconds or e.g. 90s, 2min (default 60)")
    p.add_argument("--min-participation", type=int, default=2)
    p.add_argument("--max-object-shares", type=int, default=None,
                   help="leave out objects with more shares than this")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    p.add_argument("--memory-limit", default=None, type=_memory_limit,
                   help="DuckDB memory limit, e.g. 4GB")
    p.add_argument("--temp-dir", default=None, help="DuckDB spill folder")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--rows-per-file", type=int, default=1_000_000)
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=_cmd_pairs)

    p = sub.add_parser("export", help="a sharing package for platforms from an analyze output "
                       "folder: a STIX 2.1 bundle and/or Meta's indicator CSV")
    p.add_argument("out_dir", help="output folder written by netlib analyze (not pseudonymised)")
    p.add_argument("--stix", default=None, metavar="BUNDLE.json", help="write a STIX 2.1 bundle")
    p.add_argument("--meta-csv", default=None, metavar="FILE.csv",
                   help="write the indicator CSV layout of Meta's threat reports")
    p.add_argument("--data", default=None,
                   help="the analysed data (default: the source run.json names)")
    p.add_argument("--identity", default="netlib analysis",
                   help="name of the analysing organisation in the bundle")
    p.set_defaults(func=_cmd_export)

    _add_registry_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            status = args.func(args)
        for warning in caught:  # one readable line each, no source location
            print(f"netlib {args.command}: note: {_lines(warning.message)}", file=sys.stderr)
        return status
    except NetlibError as err:
        print(f"netlib {args.command}: error: {_lines(err)}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as err:
        print(f"netlib {args.command}: error: {_lines(err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"netlib {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
