"""Anchor loaders for bench/load: the same NDJSON into the same database through the two
common Python paths, flattened the same way (nested keys joined by "_", lists as JSON text).

  python anchors.py pandas|arrow CONNECTION_STRING TABLE FILE

pandas: read_json(lines, dtype=False, precise_float) + json_normalize, then pyodbc executemany
(row by row: fast_executemany crashes sqliteodbc and ran out of memory with psqlODBC here). arrow: pyarrow table, then
arrow-odbc insert in one transaction. Both create the table from the inferred schema first."""
import json
import sys


def flatten(record, prefix="", out=None):
    out = {} if out is None else out
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict) and value:
            flatten(value, name + "_", out)
        elif isinstance(value, (list, dict)):
            out[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":")) if isinstance(value, list) else None
        else:
            out[name] = value
    return out


def sql_type(values, postgres):
    kinds = {type(v) for v in values if v is not None}
    if not kinds:  # null in every sampled row: text, as the arrow path casts it
        return "TEXT"
    if kinds <= {bool}:
        return "BOOLEAN" if postgres else "INTEGER"
    if kinds <= {int}:
        return "BIGINT" if postgres else "INTEGER"
    if kinds <= {int, float}:
        return "DOUBLE PRECISION" if postgres else "REAL"
    return "TEXT"


def main():
    tool, connection, table, path = sys.argv[1:5]
    postgres = "postgres" in connection.lower()
    import pandas as pd

    if tool == "pandas":
        frame = pd.read_json(path, lines=True, dtype=False, precise_float=True)
        frame = pd.json_normalize(frame.to_dict(orient="records"), sep="_")
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, list)).any():
                frame[column] = frame[column].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        columns = list(frame.columns)
    else:
        import pyarrow as pa

        with open(path, encoding="utf-8") as source:
            records = [flatten(json.loads(line)) for line in source]
        columns = list(dict.fromkeys(key for record in records for key in record))
        arrow_table = pa.Table.from_pylist(records)
        # A column null in every row (placementGroupNo in bench/gen-ncp-ndjson) is inferred as
        # arrow's null type, which arrow-odbc refuses to insert: make it text, as its DDL says.
        for index, field in enumerate(arrow_table.schema):
            if pa.types.is_null(field.type):
                arrow_table = arrow_table.set_column(index, field.name, arrow_table.column(index).cast(pa.string()))
        rows = None

    import pyodbc

    quoted = lambda name: '"' + name.replace('"', '""') + '"'
    connection_handle = pyodbc.connect(connection, autocommit=False)
    cursor = connection_handle.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {quoted(table)}")
    if tool == "pandas":
        samples = {c: [r[i] for r in rows[:5000]] for i, c in enumerate(columns)}
    else:
        samples = {c: [r.get(c) for r in records[:5000]] for c in columns}
    definition = ", ".join(f"{quoted(c)} {sql_type(samples[c], postgres)}" for c in columns)
    cursor.execute(f"CREATE TABLE {quoted(table)} ({definition})")
    connection_handle.commit()
    if tool == "pandas":
        cursor.fast_executemany = False  # with psqlODBC it ran out of memory here; sqliteodbc crashes with it
        placeholders = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {quoted(table)} ({', '.join(map(quoted, columns))}) VALUES ({placeholders})", rows)
        connection_handle.commit()
    else:
        connection_handle.close()
        from arrow_odbc import connect

        odbc = connect(connection_string=connection, autocommit=False)
        odbc.insert_into_table(reader=arrow_table.to_reader(max_chunksize=10_000), chunk_size=10_000, table=table)
        odbc.commit()


if __name__ == "__main__":
    main()
