"""Sums pytest's `--durations=0` lines per test file, slowest first: the order for
test/python/slow_first.txt.   npm run test:spark -- --durations=0 | python3 scripts/spark-durations.py"""

import re
import sys
from collections import defaultdict

LINE = re.compile(r"^\s*([0-9.]+)s\s+(setup|call|teardown)\s+(\S+?\.py)::")
per_file: dict = defaultdict(float)
for line in sys.stdin:
    m = LINE.match(line)
    if m:
        per_file[m.group(3).rsplit("/", 1)[-1]] += float(m.group(1))
if not per_file:
    sys.exit("no --durations lines on stdin (run pytest with --durations=0)")
for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1]):
    print(f"{seconds:8.1f}s  {name}")
print(f"{sum(per_file.values()):8.1f}s  total (both workers)")
