"""``runware-testkit models``: list the models the kit knows and where each contract comes from."""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``models`` subcommand."""
    parser = sub.add_parser(
        "models",
        help="list the models the kit knows",
        description="List every model in the registry (shipped, and user contract directories "
        "from --contract / RUNWARE_TESTKIT_CONTRACTS): its AIR, title, task type, documentation "
        "page and where its contract comes from.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the known models; always 0."""
    from ..contract import load_contract

    rows = [
        {
            "air": m.air,
            "slug": m.slug,
            "title": m.title,
            "taskType": m.task_type,
            "documentation": m.documentation,
            "origin": m.origin,
            "source": f"{m.source_format}: {m.source}" if m.source_format else m.source,
        }
        for m in load_contract().models.values()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    columns = [
        ("AIR", "air"),
        ("TITLE", "title"),
        ("TASK TYPE", "taskType"),
        ("ORIGIN", "origin"),
        ("SOURCE", "source"),
    ]
    widths = [max(len(head), *(len(r[key]) for r in rows)) for head, key in columns]
    lines = [[head for head, _ in columns], *([r[key] for _, key in columns] for r in rows)]
    for cells in lines:
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return 0
