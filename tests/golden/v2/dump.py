"""Writes every v2 table of a SQLite database as TSV (header, then rows sorted), one file per
table, for tests/bats/v2.bats to compare with the reviewed files beside this script."""
import re
import sqlite3
import sys

db, out = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(db)
tables = [name for (name,) in connection.execute("select name from sqlite_master where type = 'table' order by name")
          if re.match(r"^((pri|gov)_(VPC|Classic)_.+|All_Resource_List)$", name)]
for table in tables:
    cursor = connection.execute(f'select * from "{table}"')
    columns = [d[0] for d in cursor.description]
    rows = sorted(tuple("" if v is None else str(v) for v in row) for row in cursor.fetchall())
    with open(f"{out}/{table}.tsv", "w", encoding="utf-8") as f:
        f.write("\t".join(columns) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
print("\n".join(tables))
