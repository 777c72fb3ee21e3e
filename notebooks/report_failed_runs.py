# Databricks notebook source
# Writes the failed-run report as a dated CSV into the platform's reports volume:
#   <output_dir>/failed_runs_YYYY-MM-DD.csv
# with the exact header  Job_Id,Job_Name,Timestamp (UTC),Status,Error_Details
#
# Parameters (job task base_parameters / widgets):
#   sql_path       workspace path of sql/reports/failed_runs.sql (deployed as a workspace file)
#   catalog        catalog of the platform
#   gold_schema    schema of the gold run model (job_runs, job_task_runs)
#   output_dir     /Volumes/<catalog>/<schema>/<volume>[/subdir]
#   window_hours   runs that ended in the last N hours (default 24)
#   as_of          end of the window ('' = now); the file is named after its UTC date
#
# The report is small (one row per failed run), so it is collected and written with the csv
# module: one file with exactly the header above, not a Spark output directory.

import csv
import datetime as dt
import os
from typing import Callable, Iterable, Sequence

CSV_HEADER = ("Job_Id", "Job_Name", "Timestamp (UTC)", "Status", "Error_Details")


def report_file_name(report_date: dt.date) -> str:
    return f"failed_runs_{report_date.isoformat()}.csv"


def report_date_of(as_of: str, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> dt.date:
    """The UTC date the report is for: the date of ``as_of`` or today."""
    if not as_of.strip():
        return now().date()
    return dt.datetime.fromisoformat(as_of.strip().replace("Z", "+00:00")).date()


def clean(value) -> str:
    """One CSV cell: None -> '', newlines and tabs collapsed so a row stays one line."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def fetch_report_rows(execute_sql: Callable, sql_text: str) -> list:
    """Runs the report query (one statement) and returns its rows as tuples in CSV order."""
    df = execute_sql(sql_text.strip().rstrip(";"))
    return [tuple(clean(row[c]) for c in CSV_HEADER) for row in df.collect()]


def write_report_csv(rows: Iterable[Sequence[str]], output_dir: str, report_date: dt.date) -> str:
    """Writes the CSV (header first, even with no rows) and returns its path. The file is
    written under a temporary name and renamed, so readers never see half a report."""
    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, report_file_name(report_date))
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


def run_report(execute_sql: Callable, sql_text: str, output_dir: str, as_of: str) -> str:
    rows = fetch_report_rows(execute_sql, sql_text)
    path = write_report_csv(rows, output_dir, report_date_of(as_of))
    print(f"wrote {len(rows)} failed run(s) to {path}")
    return path


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name, default in (("sql_path", ""), ("catalog", ""), ("gold_schema", ""), ("output_dir", ""),
                          ("window_hours", "24"), ("as_of", "")):
        widgets.text(name, default)
    session = globals()["spark"]
    params = {
        "catalog": widgets.get("catalog"),
        "gold_schema": widgets.get("gold_schema"),
        "window_hours": widgets.get("window_hours"),
        "as_of": widgets.get("as_of"),
    }
    with open(widgets.get("sql_path"), encoding="utf-8") as sql_file:
        report_sql = sql_file.read()
    run_report(lambda statement: session.sql(statement, args=params), report_sql, widgets.get("output_dir"), params["as_of"])
