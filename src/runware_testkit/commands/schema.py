"""``runware-testkit schema``: print a model's generated JSON Schema or OpenAPI document."""

from __future__ import annotations

import argparse
import json
import sys

KINDS = ("request", "result", "openapi")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``schema`` subcommand."""
    parser = sub.add_parser(
        "schema",
        help="print a model's request or result JSON Schema, or its OpenAPI document",
        description="Print the generated contract of MODEL (an AIR such as runway:2@1, or a "
        "slug such as runway-aleph) as JSON.",
    )
    parser.add_argument("model", metavar="MODEL", help="model AIR or slug")
    parser.add_argument(
        "--kind",
        choices=KINDS,
        default="request",
        help="which document to print (default: request)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the document; 2 if the model is unknown (the known models go to stderr)."""
    from ..contract import load_contract

    models = load_contract().models.values()
    wanted = args.model.strip()
    found = next((m for m in models if wanted.lower() in (m.air.lower(), m.slug)), None)
    if found is None:
        known = ", ".join(f"{m.air} ({m.slug})" for m in models)
        print(
            f"runware-testkit schema: unknown model {wanted!r}; known models: {known}",
            file=sys.stderr,
        )
        return 2
    document = {"request": found.request, "result": found.result, "openapi": found.openapi}
    print(json.dumps(document[args.kind], indent=2, ensure_ascii=False))
    return 0
