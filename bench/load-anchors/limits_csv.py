"""The same NDJSON rows as CSV for bench/load's limits: what the databases' own bulk paths
(`sqlite3 .import`, `psql \\copy`) take, flattened as ncp-load and the anchors flatten them
(nested keys joined by "_", lists as JSON text). Prints the CREATE TABLE for PostgreSQL with
every column as text, so the limit is the import alone, not typing.

  python3 limits_csv.py FILE.ndjson OUT.csv TABLE
"""
import csv
import json
import sys

from anchors import flatten


def main():
    source, target, table = sys.argv[1:4]
    with open(source, encoding="utf-8") as lines:
        records = [flatten(json.loads(line)) for line in lines if line.strip()]
    columns = []
    seen = set()
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            writer.writerow(["" if record.get(c) is None else (str(record[c]).lower() if isinstance(record[c], bool) else record[c]) for c in columns])
    quoted = ", ".join('"' + c.replace('"', '""') + '" TEXT' for c in columns)
    print(f'CREATE TABLE "{table}" ({quoted})')


if __name__ == "__main__":
    main()
