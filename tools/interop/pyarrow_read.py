"""What pyarrow (Arrow C++'s Parquet reader) reads from the lake's Parquet files, as JSON on stdout.

Called by libs/storage/src/lib/pyarrow-crosscheck.spec.ts with one argument, a JSON request:
  {"files": [path, ...],
   "datasets": [{"name": str, "source": path or [path, ...], "base": path or null, "partitioning": "hive" or null}]}
and answers
  {"pyarrow": version,
   "files": {path: {"created_by", "format_version", "schema", "columns", "row_groups"} or {"error"}},
   "datasets": {name: {"schema", "columns"} or {"error"}}}
"schema" lists [name, Arrow type, nullable]; "columns" holds every value, column by column, timestamps as epoch
integers of their unit (exact, no float seconds); "row_groups" the chunk metadata as pyarrow sees it. A file or
dataset pyarrow cannot read answers {"error": message} so the spec can say which one failed.
"""

import json
import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq


def plain_columns(table):
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.int64())
        elif pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns[name] = column.to_pylist()
    return columns


def schema_of(schema):
    return [[field.name, str(field.type), field.nullable] for field in schema]


def chunk_of(chunk):
    statistics = chunk.statistics if chunk.is_stats_set else None
    has_min_max = bool(statistics is not None and statistics.has_min_max)
    integer = chunk.physical_type in ("INT32", "INT64")
    return {
        "name": chunk.path_in_schema,
        "physical_type": chunk.physical_type,
        "compression": chunk.compression,
        "encodings": list(chunk.encodings),
        "has_dictionary_page": chunk.has_dictionary_page,
        "has_min_max": has_min_max,
        # Integers and timestamps as their physical value; strings as text.
        "min": (statistics.min_raw if integer else statistics.min) if has_min_max else None,
        "max": (statistics.max_raw if integer else statistics.max) if has_min_max else None,
        "null_count": statistics.null_count if statistics is not None and statistics.has_null_count else None,
        "distinct_count": statistics.distinct_count if statistics is not None and statistics.has_distinct_count else None,
    }


def read_file(path):
    parquet_file = pq.ParquetFile(path)
    metadata = parquet_file.metadata
    table = parquet_file.read()
    return {
        "created_by": metadata.created_by,
        "format_version": metadata.format_version,
        "num_rows": metadata.num_rows,
        "schema": schema_of(table.schema),
        "columns": plain_columns(table),
        "row_groups": [
            {
                "num_rows": metadata.row_group(i).num_rows,
                "columns": [chunk_of(metadata.row_group(i).column(j)) for j in range(metadata.num_columns)],
            }
            for i in range(metadata.num_row_groups)
        ],
    }


def read_dataset(request):
    dataset = ds.dataset(
        request["source"],
        format="parquet",
        partitioning=request.get("partitioning"),
        partition_base_dir=request.get("base"),
    )
    table = dataset.to_table()
    return {"schema": schema_of(table.schema), "columns": plain_columns(table)}


def answer(read, argument):
    try:
        return read(argument)
    except Exception as error:  # noqa: BLE001 -- every failure is the answer for this file
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    with open(sys.argv[1], encoding="utf-8") as request_file:
        request = json.load(request_file)
    result = {
        "pyarrow": pa.__version__,
        "files": {path: answer(read_file, path) for path in request.get("files", [])},
        "datasets": {entry["name"]: answer(read_dataset, entry) for entry in request.get("datasets", [])},
    }
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
