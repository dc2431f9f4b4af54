"""Checks a --layout v2 run against the v2 system's contract, for tests/bats/v2.bats:
every table of tables.txt with exactly its columns and no other v2-named table, every table's
JSON file per customer with as many records as the table has rows for that customer, and the
hand-derived rows of rows.tsv present. Prints what differs and exits 1."""
import json
import os
import re
import sqlite3
import sys

golden, db, out = sys.argv[1], sys.argv[2], sys.argv[3]
problems = []
expected = {}
for line in open(os.path.join(golden, "tables.txt"), encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        name, columns = line.split(":", 1)
        expected[name] = columns.split()
connection = sqlite3.connect(db)
tables = [n for (n,) in connection.execute("select name from sqlite_master where type = 'table'")
          if re.match(r"^((pri|gov)_(VPC|Classic)_.+|All_Resource_List)$", n)]
for name in sorted(set(tables) | set(expected)):
    if name not in tables:
        problems.append(f"missing table {name}")
        continue
    if name not in expected:
        problems.append(f"unexpected table {name}")
        continue
    columns = [d[0] for d in connection.execute(f'select * from "{name}" limit 0').description]
    if columns != expected[name]:
        problems.append(f"{name}: columns {columns} != {expected[name]}")
    customer_column = "customerName" if name == "All_Resource_List" else "customer_id"
    for customer, count in connection.execute(f'select "{customer_column}", count(*) from "{name}" group by 1'):
        file = "all_resource_list.json" if name == "All_Resource_List" else f"{name}.json"
        path = os.path.join(out, customer, file)
        if not os.path.exists(path):
            problems.append(f"{name}: no file {customer}/{file}")
            continue
        records = json.load(open(path, encoding="utf-8"))
        # Classic Cloud DB files hold NCP's instances (v2 dumped its raw list), one per service.
        if re.match(r".*_Classic_[A-Z]+_list$", name):
            nodes = sum(len(item.get("cloudDBServerInstanceList", [])) for item in records)
            if nodes != count:
                problems.append(f"{customer}/{file}: {nodes} nodes, the table has {count} rows")
        elif len(records) != count:
            problems.append(f"{customer}/{file}: {len(records)} records, the table has {count} rows")
        elif any(key.startswith("_") for item in records for key in item):
            problems.append(f"{customer}/{file}: provenance keys in a v2 file")
rows_file = os.path.join(golden, "rows.tsv")
if os.path.exists(rows_file):
    for number, line in enumerate(open(rows_file, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, *values = line.rstrip("\n").split("\t")
        found = [tuple("" if v is None else str(v) for v in row)
                 for row in connection.execute(f'select * from "{name}"')] if name in tables else []
        if not any(row[:len(values)] == tuple(values) for row in found):
            problems.append(f"rows.tsv line {number}: no such row in {name}: {values}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
