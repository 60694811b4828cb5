"""Run every benchmark under bench/ (``make bench``) and print their figures.

Each ``bench_*.py`` takes ``--db NAME`` and creates that database itself when it
is missing; figures are printed as ``name: value`` lines.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        db = f"crisis_{script.stem}"
        print(f"== {script.name} (database {db})", flush=True)
        failures += (
            subprocess.run([sys.executable, str(script), "--db", db]).returncode != 0
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
