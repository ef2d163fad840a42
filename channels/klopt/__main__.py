"""python -m channels.klopt import EXPORT_DIR [--dry-run] [--rejects FILE]"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from adapters.temporal.codec import connect_temporal
from channels.klopt.export import TABLES, count_lines
from channels.klopt.mapping import MappingError
from channels.klopt.run import BATCH, COUNTS, Options, Rejects, Summary, run_import
from config.settings import load_settings
from db.session import make_engine, make_sessionmaker


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m channels.klopt")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import an export of Klopt (format: FORMAT.md)")
    imp.add_argument("export_dir", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="report what would change")
    imp.add_argument("--rejects", type=Path, help="write each bad row here (JSON Lines)")
    imp.add_argument("--batch-size", type=int, default=BATCH)
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def progress_bar(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
    )


def summary_table(summary: Summary, dry_run: bool) -> Table:
    title = "Klopt import (dry run: nothing written)" if dry_run else "Klopt import"
    table = Table(title=title)
    table.add_column("table")
    for name in COUNTS:
        table.add_column(
            f"would be {name}" if dry_run and name != "rejected" else name, justify="right"
        )
    for name in TABLES:
        c = summary.counts[name]
        table.add_row(name, *(str(c[k]) for k in COUNTS))
    return table


async def main(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if not args.export_dir.is_dir():
        console.print(f"{args.export_dir} is not a folder")
        return 2
    settings = load_settings()
    engine = make_engine(settings)
    rejects_file = args.rejects.open("w", encoding="utf-8") if args.rejects else None
    try:
        with progress_bar(console, args.quiet) as bar:
            tasks = {
                name: bar.add_task(name, total=count_lines(path), rate="")
                for name in TABLES
                if (path := args.export_dir / f"{name}.jsonl").exists()
            }

            def advance(table: str, rows: int) -> None:
                bar.advance(tasks[table], rows)
                speed = bar.tasks[tasks[table]].speed
                bar.update(tasks[table], rate=f"{speed:,.0f} rows/s" if speed else "")

            options = Options(
                dry_run=args.dry_run,
                batch_size=args.batch_size,
                on_batch=advance,
                temporal=lambda: connect_temporal(settings),
            )
            summary = await run_import(
                make_sessionmaker(engine), settings, args.export_dir, Rejects(rejects_file), options
            )
    except MappingError as exc:
        console.print(f"mapping: {exc}")
        return 2
    finally:
        if rejects_file is not None:
            rejects_file.close()
        await engine.dispose()
    Console().print(summary_table(summary, args.dry_run))
    if summary.workflows_started or summary.workflows_waiting:
        print(f"workflows started: {summary.workflows_started}")
    if summary.workflows_waiting:
        print(f"open contacts waiting for their workflow (run again): {summary.workflows_waiting}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
