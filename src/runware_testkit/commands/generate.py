"""``runware-testkit generate``: build schemas from Runware model pages and schema documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``generate`` subcommand."""
    parser = sub.add_parser(
        "generate",
        help="generate JSON Schemas and OpenAPI documents from model pages and schema documents",
        description="Read Runware model pages (markdown or flattened page text), Runware's "
        "per-model OpenAPI 3.1 documents and schema service replies (told apart by content) and "
        "write JSON Schema 2020-12 and OpenAPI 3.1 documents. A source that cannot be read fully "
        "is an error naming its line or JSON pointer; nothing is written then.",
    )
    parser.add_argument(
        "sources",
        nargs="*",
        type=Path,
        metavar="SOURCE",
        help="model page files, OpenAPI documents (schema.json) or schema service replies",
    )
    parser.add_argument(
        "--sources",
        dest="sources_file",
        type=Path,
        help="a sources.json listing pinned pages and documents",
    )
    parser.add_argument(
        "--url", help="page URL, for a single flattened page that lacks one (or a document's URL)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--platform", type=Path, help="platform contract data (default: shipped)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output directory is out of date",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Generate (or check) the schemas; 0 ok, 1 out of date, 2 unreadable page or bad usage."""
    from ..resources import contract_dir
    from ..schemagen.generate import SourceInput, generate, inputs_from_sources, write
    from ..schemagen.model import SourceError

    if args.url and len(args.sources) != 1:
        print("runware-testkit generate: --url needs exactly one SOURCE", file=sys.stderr)
        return 2
    platform = args.platform or contract_dir() / "platform.json"
    try:
        inputs: list[SourceInput] = []
        if args.sources_file:
            inputs += inputs_from_sources(args.sources_file)
        inputs += [SourceInput(path=p, display=str(p), url=args.url) for p in args.sources]
        if not inputs:
            print("runware-testkit generate: give SOURCE files or --sources", file=sys.stderr)
            return 2
        files = generate(inputs, platform)
    except SourceError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"runware-testkit generate: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            name
            for name, text in sorted(files.items())
            if not (args.out / name).is_file()
            or (args.out / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"out of date: {args.out / name}")
        return 1 if stale else 0
    changed = write(files, args.out)
    print(f"wrote {len(files)} files to {args.out} ({len(changed)} changed)")
    return 0
