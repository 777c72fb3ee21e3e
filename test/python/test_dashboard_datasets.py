"""Dashboard datasets (sql/dashboards/) on real Spark + Delta.

The dashboards are defined in TypeScript (constructs/lakeview/dashboards.ts); their datasets
(SQL bound for this catalog and these schema names) and every widget's encoded fields are
exported to ``dashboard_definitions.json`` (scripts/export-dashboards.ts; a jest test keeps it
up to date). Here the gold, ETL, MLOps and bronze tables are created from their own DDL
(sql/gold/setup.sql, sql/etl_monitor/setup.sql, the unpack notebook's processed table) plus
fixture rows chosen so every widget has data, then:

- every dataset runs, bound with the dashboard parameters' defaults (last 30 days, all
  workspaces), and returns rows;
- every field a widget encodes is a column of its dataset's result, of a compatible type
  (numeric for SUM/AVG and quantitative axes, DATE/TIMESTAMP for time axes), with at least one
  non-null value;
- each dataset's rows are written as JSON for the offline preview
  (``npm run preview:dashboards``) to ``$DASHBOARD_PREVIEW_DATA`` or
  ``cdktf.out/previews/data/<dashboard>/<dataset>.json``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os

import pytest
from pyspark.sql import functions as F
from pyspark.sql import types as T

from notebook_loader import REPO_ROOT, load_notebook
from sqlharness import preview_rows, run_sql, run_sql_file, split_statements
from test_analytics_support import create_bronze_table

EXPORT = os.path.join(os.path.dirname(__file__), "dashboard_definitions.json")
with open(EXPORT, encoding="utf-8") as fh:
    DEFINITIONS = json.load(fh)
INPUT = DEFINITIONS["input"]
CATALOG = INPUT["catalog"]
GOLD, BRONZE, ETL, MLOPS = (INPUT["schemas"][k] for k in ("gold", "bronze", "etl", "mlops"))
PREVIEW_DATA = os.environ.get("DASHBOARD_PREVIEW_DATA") or os.path.join(REPO_ROOT, "cdktf.out", "previews", "data")

TODAY = dt.date.today()
NOW = dt.datetime.combine(TODAY, dt.time(12, 0))


def day(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def at(n: int, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour, 0))


def gold_ddl() -> str:
    """sql/gold/setup.sql, the gold run model's DDL."""
    with open(os.path.join(REPO_ROOT, "sql", "gold", "setup.sql"), encoding="utf-8") as f:
        return f.read()


def create_gold_tables(spark) -> None:
    """The CREATE TABLE statements of the gold DDL (its current-state views read bronze SCD2
    tables the dashboards do not use)."""
    statements = [s for s in split_statements(gold_ddl()) if "CREATE TABLE" in s.upper()]
    assert statements, "no CREATE TABLE in sql/gold/setup.sql"
    run_sql(spark, ";\n".join(statements), {"catalog": CATALOG, "gold_schema": GOLD, "bronze_schema": BRONZE})


def insert(spark, table: str, rows: list[dict]) -> None:
    """Appends rows (missing columns NULL) to an existing table with its own schema."""
    schema = spark.table(table).schema
    full = [tuple(r.get(f.name) for f in schema.fields) for r in rows]
    spark.createDataFrame(full, schema).write.insertInto(table)


D = decimal.Decimal


def gold_fixtures(spark) -> None:
    g = f"{CATALOG}.{GOLD}"
    jobs = [("1001", "11", "nightly_etl"), ("1001", "12", "hourly_sync"), ("2002", "21", "ml_training")]
    outcomes = ["succeeded", "failed", "repaired", "succeeded", "timed_out", "succeeded"]
    runs = []
    for i in range(12):
        ws, job, name = jobs[i % 3]
        outcome = outcomes[(i // 2) % len(outcomes)]  # two outcomes per day
        runs.append({
            "workspace_id": ws, "job_id": job, "run_id": f"r{i}", "job_name": name, "run_name": name,
            "trigger_type": "CRON", "run_type": "JOB_RUN", "run_as": "sp-etl",
            "first_start_time": at(i % 6, 2), "last_end_time": at(i % 6, 3), "run_date": day(i % 6),
            "execution_seconds": 600.0 + 60 * i, "attempts": 2 if outcome == "repaired" else 1,
            "is_repaired": outcome == "repaired", "result_state": "SUCCEEDED" if outcome in ("succeeded", "repaired") else "FAILED",
            "outcome": outcome, "dbus": D("1.5") + i, "usd": D("0.75") * (i + 1), "slices": 1,
        })
    insert(spark, f"{g}.job_runs", runs)
    insert(spark, f"{g}.job_health_scores", [
        {"workspace_id": ws, "job_id": job, "job_name": name, "calculation_time": at(1), "window_days": 30,
         "total_runs": 20, "successful_runs": s, "failed_runs": 20 - s, "success_rate": s / 20, "health_score": score,
         "trend": trend, "repaired_runs": 1}
        for (ws, job, name), s, score, trend in zip(jobs, (19, 12, 5), (95.0, 62.5, 21.0), ("stable", "degrading", "degrading"))
    ] + [  # an older score of the first job: only the latest counts
        {"workspace_id": "1001", "job_id": "11", "job_name": "nightly_etl", "calculation_time": at(5), "health_score": 40.0, "total_runs": 1}
    ])
    insert(spark, f"{g}.job_duration_anomalies", [
        {"workspace_id": "1001", "job_id": "11", "job_name": "nightly_etl", "run_id": "r0", "run_start_time": at(2, 2),
         "run_end_time": at(2, 4), "result_state": "SUCCEEDED", "duration_seconds": 7200.0, "baseline_runs": 20,
         "baseline_median_seconds": 900.0, "baseline_mad_seconds": 60.0, "robust_z_score": 82.1, "direction": "slower",
         "z_threshold": 3.5, "detected_at": at(1)},
        {"workspace_id": "2002", "job_id": "21", "job_name": "ml_training", "run_id": "r2", "run_start_time": at(3, 2),
         "run_end_time": at(3, 2), "result_state": "SUCCEEDED", "duration_seconds": 60.0, "baseline_runs": 15,
         "baseline_median_seconds": 1800.0, "baseline_mad_seconds": 120.0, "robust_z_score": -9.8, "direction": "faster",
         "z_threshold": 3.5, "detected_at": at(1)},
    ])
    entities = [
        ("1001", "JOB", "11", "JOBS", "PREMIUM_JOBS_COMPUTE", {"team": "data", "env": "dev"}),
        ("1001", "JOB", "12", "JOBS", "PREMIUM_JOBS_SERVERLESS_COMPUTE", {"team": "data"}),
        ("2002", "JOB", "21", "JOBS", "PREMIUM_JOBS_COMPUTE", {"team": "ml"}),
        ("2002", "WAREHOUSE", "wh-1", "SQL", "PREMIUM_SERVERLESS_SQL_COMPUTE", {"team": "bi"}),
        ("1001", "WAREHOUSE", "wh-2", "SQL", "PREMIUM_SQL_PRO_COMPUTE", {"team": "bi"}),
        ("1001", "SERVING_ENDPOINT", "ep-churn", "MODEL_SERVING", "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE", None),
        ("2002", "OTHER", None, "NOTEBOOKS", "PREMIUM_ALL_PURPOSE_COMPUTE", None),
    ]
    cost = []
    for n in range(5):
        for k, (ws, etype, eid, product, sku, tags) in enumerate(entities):
            dbus = D(str(2 + k + n))
            cost.append({"usage_date": day(n), "workspace_id": ws, "sku_name": sku,
                         "billing_origin_product": product, "usage_unit": "DBU", "entity_type": etype, "entity_id": eid,
                         "custom_tags": tags, "usage_quantity": dbus, "dbus": dbus, "usd": dbus * D("0.55"),
                         "unpriced_records": 0, "records": 3})
    insert(spark, f"{g}.daily_cost", cost)
    insert(spark, f"{g}.alert_history", [
        {"kind": "failed_job_runs", "alert_key": "1001/11", "workspace_id": "1001", "job_id": "11", "severity": "high",
         "message": "3 failed runs", "first_seen_at": at(4, 7), "last_seen_at": at(3, 7), "resolved_at": at(3, 9),
         "fire_count": 5, "notify_count": 2, "channels_sent": ["platform-email", "slack-oncall"], "value": 3.0},
        {"kind": "failed_job_runs", "alert_key": "1001/11", "workspace_id": "1001", "job_id": "11", "severity": "high",
         "message": "4 failed runs", "first_seen_at": at(1, 7), "last_seen_at": at(0, 7), "resolved_at": None,
         "fire_count": 3, "notify_count": 1, "channels_sent": ["platform-email"], "value": 4.0},
        {"kind": "job_duration_anomaly", "alert_key": "2002/21/r2", "workspace_id": "2002", "job_id": "21", "severity": "medium",
         "message": "faster than baseline", "first_seen_at": at(3, 8), "last_seen_at": at(3, 8), "resolved_at": at(2, 8),
         "fire_count": 1, "notify_count": 1, "channels_sent": [], "value": -9.8},
        {"kind": "dbu_cost_spike", "alert_key": "1001", "workspace_id": "1001", "job_id": None, "severity": "low",
         "message": "DBUs up 80%", "first_seen_at": at(2, 6), "last_seen_at": at(2, 6), "resolved_at": at(1, 6),
         "fire_count": 2, "notify_count": 1, "channels_sent": ["teams-platform"], "value": 1.8},
    ])


def etl_fixtures(spark) -> None:
    run_sql_file(spark, "sql/etl_monitor/setup.sql", {"catalog": CATALOG, "etl_schema": ETL})
    e = f"{CATALOG}.{ETL}"
    insert(spark, f"{e}.ETLconfigProcess", [
        {"ProjectCode": "CORP", "ProcessLoad": "HR_DAILY", "ProcessName": "HR daily load", "ProcessOwner": "HR team",
         "LoadFrequency": "D", "IsActive": True, "IsBulkMode": False, "IsHistoricMode": False},
        {"ProjectCode": "CORP", "ProcessLoad": "FIN_DAILY", "ProcessName": "Finance daily load", "ProcessOwner": "Finance",
         "LoadFrequency": "D", "IsActive": True, "IsBulkMode": True, "IsHistoricMode": False},
    ])
    insert(spark, f"{e}.ETLconfigParameters", [
        {"ProjectCode": "CORP", "ProcessLoad": "HR_DAILY", "ParameterName": "LoadEmployees", "ParameterType": "DELTA_DATE",
         "ValueDateTime": at(1, 23), "Description": "watermark", "UpdatedAt": at(0, 5)},
        {"ProjectCode": "CORP", "ProcessLoad": "FIN_DAILY", "ParameterName": "LoadLedger", "ParameterType": "DELTA_ID",
         "ValueINT": 4711, "Description": "id watermark", "UpdatedAt": at(1, 5)},
    ])

    def step(exec_id, load, date_n, task, seq, attempt, status, name, mandatory, sla, start, minutes, error=None):
        start_ts = at(date_n, start)
        return {"ExecutionID": exec_id, "ProjectCode": "CORP", "ProcessLoad": load, "ProcessingDate": day(date_n),
                "TaskID": task, "WorkFlowID": 1, "SequenceID": seq, "AttemptNumber": attempt, "Status": status,
                "TaskName": name, "SourceType": "DBX_NOTEBOOK", "TaskMandatory": mandatory, "SLAMinutes": sla,
                "StartTime": start_ts if status != "NQUE" else None,
                "EndTime": start_ts + dt.timedelta(minutes=minutes) if status in ("DONE", "FAIL") else None,
                "RunID": f"run-{exec_id}-{task}-{attempt}", "ErrorMessage": error,
                "CreatedAt": at(date_n, 1), "UpdatedAt": at(date_n, start + 1)}

    insert(spark, f"{e}.ETLProcessingSteps", [
        step("hr-0", "HR_DAILY", 2, 1, 2, 1, "DONE", "Load employees", True, 30, 2, 25),
        step("hr-0", "HR_DAILY", 2, 2, 4, 1, "DONE", "Validate badges", True, 20, 3, 5),
        step("fin-0", "FIN_DAILY", 3, 1, 2, 1, "FAIL", "Load ledger", False, 15, 2, 3, "lock timeout"),
        step("fin-0", "FIN_DAILY", 3, 2, 6, 1, "FAIL", "Build finance mart", True, 60, 4, 2, "no ledger rows"),
        step("hr-1", "HR_DAILY", 0, 1, 2, 1, "DONE", "Load employees", True, 30, 2, 45),  # SLA breach
        step("hr-1", "HR_DAILY", 0, 2, 4, 1, "FAIL", "Validate badges", True, 20, 3, 5, "badge feed missing"),
        step("hr-1", "HR_DAILY", 0, 3, 6, 1, "NQUE", "Build HR mart", True, None, 4, 0),  # blocked
        step("fin-1", "FIN_DAILY", 1, 1, 2, 1, "FAIL", "Load ledger", False, 15, 2, 3, "timeout"),
        step("fin-1", "FIN_DAILY", 1, 1, 2, 2, "DONE", "Load ledger", False, 15, 3, 10),
        step("fin-1", "FIN_DAILY", 1, 2, 6, 1, "DONE", "Build finance mart", True, 60, 4, 20),
    ])


def processed_spec(nb, model: dict, table: str, prediction: str, label: str, ptype: str):
    return nb.UnpackSpec(payload_table="unused", target_table=table, prediction_col=prediction, label_col=label,
                         model_id_col=model["modelIdCol"], prediction_type=ptype,
                         features=[{"name": "tenure_months", "type": "double"}])


# Columns of the monitor metric tables the dashboards read, with their documented types
# (https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output, "Column schemas for
# generated tables"); the model id column is named as configured on the monitor.
WINDOW = "struct<start:timestamp,end:timestamp>"


def profile_metrics_ddl(model_id_col: str) -> str:
    return (f"`window` {WINDOW}, granularity string, `{model_id_col}` string, log_type string, "
            "logging_table_commit_version int, monitor_version bigint, slice_key string, slice_value string, "
            "column_name string, data_type string, `count` bigint, num_nulls bigint, percent_null double, "
            "accuracy_score double, mean_absolute_error double, r2_score double")


def drift_metrics_ddl(model_id_col: str) -> str:
    return (f"`window` {WINDOW}, window_cmp {WINDOW}, drift_type string, granularity string, `{model_id_col}` string, "
            "slice_key string, slice_value string, column_name string, data_type string, monitor_version bigint, "
            "count_delta double, js_distance double, tv_distance double, l_infinity_distance double")


def mlops_fixtures(spark) -> None:
    nb = load_notebook("notebooks/mlops_unpack_inference.py", spark=spark)
    m = f"{CATALOG}.{MLOPS}"
    for k, model in enumerate(INPUT["models"]):
        classification = model["problemType"] == "PROBLEM_TYPE_CLASSIFICATION"
        prediction, label, ptype = ("prediction", "label", "string") if classification else ("forecast", "actual", "double")
        processed = f"{m}.{model['processedTable']}"
        nb.create_processed_table(spark, processed_spec(nb, model, processed, prediction, label, ptype))
        rows = []
        for n in range(4):
            for r in range(3 + n + k):
                rows.append({"request_id": f"{model['name']}-{n}-{r}", "record_index": 0, "timestamp": at(n, 9),
                             "request_date": day(n), model["modelIdCol"]: f"{model['name']}-1",
                             prediction: ("churn" if r % 2 else "stay") if classification else 10.0 + r,
                             "status_code": 200, "execution_duration_ms": 40 + 15 * r + 30 * k, "tenure_months": 12.0})
        insert(spark, processed, rows)
        payload = f"{m}.{model['payloadTable']}"
        spark.sql(f"CREATE TABLE {payload} (request_date DATE, databricks_request_id STRING, client_request_id STRING, "
                  "request_time TIMESTAMP, status_code INT, sampling_fraction DOUBLE, execution_duration_ms BIGINT, "
                  "request STRING, response STRING, served_entity_id STRING, logging_error_codes ARRAY<STRING>, requester STRING)")
        insert(spark, payload, [
            {"request_date": day(n), "databricks_request_id": f"{model['name']}-{n}-{r}", "request_time": at(n, 9),
             "status_code": 500 if r <= k and n % 2 == k % 2 else 200, "execution_duration_ms": 50, "request": "{}", "response": "{}"}
            for n in range(4) for r in range(4)
        ])
        col = model["modelIdCol"]
        spark.sql(f"CREATE TABLE {processed}_profile_metrics ({profile_metrics_ddl(col)})")
        spark.sql(f"CREATE TABLE {processed}_drift_metrics ({drift_metrics_ddl(col)})")
        quality = "accuracy_score" if classification else "mean_absolute_error"
        window = lambda n: (at(n, 0), at(n - 1, 0))  # noqa: E731
        insert(spark, f"{processed}_profile_metrics", [
            {"window": window(n), "granularity": model["granularity"], col: None, "log_type": "INPUT", "slice_key": None,
             "column_name": ":table", "count": 10 + n, "percent_null": 0.0, quality: 0.9 - 0.05 * n if classification else 1.5 + 0.2 * n}
            for n in range(1, 4)
        ] + [  # rows the dashboard must skip: a column-level row, a slice, the baseline
            {"window": window(1), "granularity": model["granularity"], "log_type": "INPUT", "slice_key": None, "column_name": "tenure_months", "count": 11},
            {"window": window(1), "granularity": model["granularity"], "log_type": "INPUT", "slice_key": "plan", "slice_value": "pro", "column_name": ":table", "count": 3, quality: 0.1},
            {"window": window(1), "granularity": model["granularity"], "log_type": "BASELINE", "slice_key": None, "column_name": ":table", "count": 1000, quality: 0.5},
        ])
        insert(spark, f"{processed}_drift_metrics", [
            {"window": window(n), "drift_type": "BASELINE", "granularity": model["granularity"], "slice_key": None,
             "column_name": c, "js_distance": 0.02 * n + 0.04 * k + (0.05 if c == prediction else 0.0), "tv_distance": 0.03 * n,
             "l_infinity_distance": 0.04 * n}
            for n in range(1, 4) for c in ("tenure_months", prediction)
        ] + [
            {"window": window(1), "window_cmp": window(2), "drift_type": "CONSECUTIVE", "granularity": model["granularity"], "column_name": "tenure_months", "js_distance": 0.9},
        ])


def bronze_fixtures(spark) -> None:
    for k, table in enumerate(INPUT["bronzeTables"]):
        name = f"{CATALOG}.{BRONZE}.{table['name']}"
        spark.sql(f"CREATE TABLE {name} (id STRING, bronze_ingestion_timestamp TIMESTAMP)")
        insert(spark, name, [{"id": "a", "bronze_ingestion_timestamp": NOW - dt.timedelta(hours=2 + 20 * k)},
                             {"id": "b", "bronze_ingestion_timestamp": NOW - dt.timedelta(hours=30 + 20 * k)}])


def utilization_fixtures(spark) -> None:
    """The rightsizing page: bronze node_timeline (documented schema) with two idle stretches,
    then sql/gold/utilization_setup.sql (job_run_utilization and its two views) and per-run
    utilization rows of the fixture jobs (a multi-node job that idles, a single-node one, a
    multi-node one on a shared cluster)."""
    minute = dt.timedelta(minutes=1)

    def node_minutes(ws, cluster, start, minutes, workers, cpu):
        return [{"workspace_id": ws, "cluster_id": cluster, "instance_id": f"{cluster}-{i}", "start_time": start + m * minute,
                 "end_time": start + (m + 1) * minute, "driver": i == 0, "node_type": "m5.xlarge",
                 "cpu_user_percent": cpu * 0.8, "cpu_system_percent": cpu * 0.2, "mem_used_percent": 20.0}
                for m in range(minutes) for i in range(workers + 1)]

    create_bronze_table(spark, f"{CATALOG}.{BRONZE}", "system.compute.node_timeline",
                        node_minutes("1001", "0101-idle-a", at(2, 4), 45, 2, 1.0)
                        + node_minutes("2002", "0202-idle-b", at(1, 8), 30, 0, 2.0)
                        + node_minutes("1001", "0303-busy", at(1, 8), 40, 2, 70.0))
    # 0101-idle-a has a name in bronze clusters, 0202-idle-b none yet: the chart labels it by id
    create_bronze_table(spark, f"{CATALOG}.{BRONZE}", "system.compute.clusters", [
        {"workspace_id": "1001", "cluster_id": "0101-idle-a", "cluster_name": "bi-shared", "owned_by": "bi@example.com",
         "change_time": at(9, 1)}])
    # the default idle levels (5 %, 30 minutes); a driver level of 40 % makes job 11 driver-bound
    run_sql_file(spark, "sql/gold/utilization_setup.sql", {"catalog": CATALOG, "bronze_schema": BRONZE, "gold_schema": GOLD,
                                                           "idle_cpu_percent": "5", "idle_min_minutes": "30",
                                                           "driver_cpu_percent": "40", "worker_cpu_percent": "20"})

    def run(ws, job, run_id, n, cluster, nodes, cpu, peak, mem, driver_cpu, shared=0):
        return {"workspace_id": ws, "job_id": job, "run_id": run_id, "cluster_id": cluster, "compute_kind": "classic",
                "window_start": at(n, 2), "window_end": at(n, 3), "outcome": "succeeded", "node_minutes": 60 * nodes,
                "max_nodes": nodes, "min_nodes": nodes, "worker_node_type": "m5.xlarge", "avg_cpu_percent": cpu,
                "peak_cpu_percent": peak, "avg_mem_used_percent": mem, "peak_mem_used_percent": mem + 5,
                "driver_avg_cpu_percent": driver_cpu, "shared_with_runs": shared, "refreshed_at": NOW}

    insert(spark, f"{CATALOG}.{GOLD}.job_run_utilization", [
        run("1001", "11", "r0", 1, "c-11", 5, 6.0, 12.0, 20.0, 40.0),
        run("1001", "11", "r3", 2, "c-11", 5, 8.0, 14.0, 22.0, 45.0),
        run("1001", "12", "r1", 1, "c-12", 1, 35.0, 60.0, 50.0, 35.0),
        run("2002", "21", "r2", 1, "c-shared", 3, 25.0, 55.0, 40.0, 10.0, shared=1),
    ])


@pytest.fixture(scope="module")
def platform(spark):
    for schema in (GOLD, BRONZE, ETL, MLOPS):
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS {CATALOG}.{schema}")
    try:
        create_gold_tables(spark)
        gold_fixtures(spark)
        etl_fixtures(spark)
        mlops_fixtures(spark)
        bronze_fixtures(spark)
        utilization_fixtures(spark)
        yield spark
    finally:
        for schema in (GOLD, BRONZE, ETL, MLOPS):
            spark.sql(f"DROP SCHEMA IF EXISTS {CATALOG}.{schema} CASCADE")


def parameter_values(parameters: list[dict]) -> dict:
    """The defaults of the dashboard parameters: the last 30 days, every workspace."""
    values = {}
    for p in parameters:
        if p["kind"] == "date-range":
            assert (p["defaultMin"], p["defaultMax"]) == ("now-30d/d", "now/d"), p
            values[p["keyword"]] = F.struct(F.lit(day(30)).alias("min"), F.lit(TODAY).alias("max"))
        else:
            values[p["keyword"]] = p["defaultValue"]
    return values


NUMERIC = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType, T.DecimalType)
TEMPORAL = (T.DateType, T.TimestampType, T.TimestampNTZType)


def compatible(requirement: str, data_type: T.DataType) -> bool:
    if requirement == "numeric":
        return isinstance(data_type, NUMERIC)
    if requirement == "temporal":
        return isinstance(data_type, TEMPORAL)
    return not isinstance(data_type, (T.MapType, T.StructType, T.BinaryType))


CASES = [(d["id"], ds["name"]) for d in DEFINITIONS["dashboards"] for ds in d["datasets"]]


def test_export_covers_five_dashboards():
    assert [d["id"] for d in DEFINITIONS["dashboards"]] == ["platform-health", "cost", "etl-processes", "alerts", "model-monitoring"]
    assert len(CASES) == len({c for c in CASES})


@pytest.mark.parametrize(("dashboard_id", "dataset_name"), CASES, ids=[f"{a}/{b}" for a, b in CASES])
def test_dataset_feeds_its_widgets(platform, dashboard_id, dataset_name):
    dashboard = next(d for d in DEFINITIONS["dashboards"] if d["id"] == dashboard_id)
    dataset = next(ds for ds in dashboard["datasets"] if ds["name"] == dataset_name)
    assert "system." not in dataset["sql"].lower()
    df = platform.sql(dataset["sql"], args=parameter_values(dataset["parameters"]) or None)
    rows = df.collect()
    assert rows, f"{dashboard_id}/{dataset_name} returned no rows: every widget must have data"
    types = {f.name: f.dataType for f in df.schema.fields}
    widgets = [w for p in dashboard["pages"] for w in p["widgets"] if w.get("dataset") == dataset_name]
    assert widgets, f"{dataset_name} feeds no widget"
    for w in widgets:
        for f in w["fields"]:
            where = f"{dashboard_id}/{dataset_name}, widget {w['title']!r}, field {f['name']!r}"
            assert f["column"] in types, f"{where}: column {f['column']!r} not in the result ({sorted(types)})"
            assert compatible(f["requires"], types[f["column"]]), f"{where}: needs {f['requires']}, column is {types[f['column']].simpleString()}"
            assert any(r[f["column"]] is not None for r in rows), f"{where}: column {f['column']!r} is NULL in every row"
    filters = [w for p in dashboard["pages"] for w in p["widgets"] if dataset_name in (w.get("datasets") or [])]
    for w in filters:
        assert w["parameter"] in {p["keyword"] for p in dataset["parameters"]}

    out = os.path.join(PREVIEW_DATA, dashboard_id)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{dataset_name}.json"), "w", encoding="utf-8") as fh:
        json.dump(preview_rows(df, rows), fh, indent=1)


def test_filters_restrict_rows(platform):
    """The workspace and date parameters really filter: one workspace has fewer cost rows than
    all, and a range before every fixture date has none."""
    dashboard = next(d for d in DEFINITIONS["dashboards"] if d["id"] == "cost")
    dataset = next(ds for ds in dashboard["datasets"] if ds["name"] == "cost_daily")
    values = parameter_values(dataset["parameters"])
    everything = platform.sql(dataset["sql"], args=values).count()
    one = platform.sql(dataset["sql"], args={**values, "workspace_id": "2002"}).collect()
    assert 0 < len(one) < everything and {r["workspace_id"] for r in one} == {"2002"}
    old = F.struct(F.lit(day(400)).alias("min"), F.lit(day(300)).alias("max"))
    assert platform.sql(dataset["sql"], args={**values, "date_range": old}).count() == 0


def test_health_scores_take_the_latest_score_per_job(platform):
    dashboard = next(d for d in DEFINITIONS["dashboards"] if d["id"] == "platform-health")
    dataset = next(ds for ds in dashboard["datasets"] if ds["name"] == "health_scores")
    rows = platform.sql(dataset["sql"], args=parameter_values(dataset["parameters"])).collect()
    assert sorted((r["job_id"], r["health_score"], r["score_band"]) for r in rows) == [
        ("11", 95.0, "90-100"), ("12", 62.5, "50-74"), ("21", 21.0, "0-24")]


def test_rightsizing_page_datasets(platform):
    """The table lists every job of job_rightsizing, the chart only the multi-node ones by
    lowest peak CPU; idle stretches are the clusters whose every node idled 30+ minutes."""
    dashboard = next(d for d in DEFINITIONS["dashboards"] if d["id"] == "cost")

    def rows(name):
        dataset = next(ds for ds in dashboard["datasets"] if ds["name"] == name)
        return platform.sql(dataset["sql"], args=parameter_values(dataset["parameters"])).collect()

    jobs = {r["job_id"]: r for r in rows("rightsizing_jobs")}
    assert set(jobs) == {"11", "12", "21"}
    assert (jobs["11"]["job_name"], jobs["11"]["runs"], jobs["11"]["max_nodes"]) == ("nightly_etl", 2, 5)
    assert jobs["11"]["peak_cpu_percent"] == pytest.approx(14.0) and jobs["11"]["driver_minus_worker_cpu"] == pytest.approx(35.5)
    assert jobs["21"]["shared_runs"] == 1
    # 11: 5 nodes, driver 42.5 %, workers 7 %; 12 is single-node; 21's driver idles (10 %)
    assert {k: r["driver_bound"] for k, r in jobs.items()} == {"11": True, "12": False, "21": False}
    lowest = [(r["job_id"], r["multi_node_cpu_rank"]) for r in sorted(rows("rightsizing_lowest_cpu"), key=lambda r: r["multi_node_cpu_rank"])]
    assert lowest == [("11", 1), ("21", 2)]
    idle = sorted((r["cluster_id"], r["idle_minutes"], r["max_nodes"], r["idle_node_minutes"]) for r in rows("idle_clusters"))
    assert idle == [("0101-idle-a", 45, 3, 135), ("0202-idle-b", 30, 1, 30)]
    labels = sorted((r["cluster_label"], r["cluster_name"], r["owned_by"]) for r in rows("idle_clusters"))
    assert labels == [("0202-idle-b", None, None), ("bi-shared (0101-idle-a)", "bi-shared", "bi@example.com")]
