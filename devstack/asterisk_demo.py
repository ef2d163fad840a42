"""The Asterisk configuration of the demo lines, with no database (asterisk/ in the
repository is generated this way):

    python -m devstack.asterisk_demo --out asterisk
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from devstack.demo.phone import DEMO_LINES
from services.phone.asterisk_config import Line, write_all


def demo_lines() -> list[Line]:
    return [Line(code, queue, number) for code, (queue, number) in DEMO_LINES.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    this_year = date.today().year
    parser.add_argument("--years", type=int, nargs="+", default=[this_year, this_year + 1])
    args = parser.parse_args()
    for path in write_all(args.out, demo_lines(), args.years):
        print(path)


if __name__ == "__main__":
    main()
