"""npm run simulate: a workspace on a laptop.

Generates a synthetic workspace (workspace.py) as Delta stand-ins of the system tables on local
Spark + Delta, then runs the product's own notebooks and SQL files, unchanged, in the order the
deployed jobs run them, one progress line per stage, and ends with a summary.

    .venv/bin/python scripts/simulate/run.py [--jobs 24] [--days 14] [--seed 7] [--out .simulation]

Stages plug in by what the checkout holds: the gold run model (sql/gold/*.sql) and its alert
evaluation (notebooks/evaluate_alerts.py) replace today's sql/analytics + sql/alerts queries once
they are on the branch, the ETL monitor SDK (notebooks/lib/etl_monitor) replaces the raw SQL
files, and the dashboard datasets (sql/dashboards/*.sql) run when present.

The one thing the simulation does itself that the platform would do at run time: local Spark's
clock cannot be moved, so the bronze stream of the stale table is stamped with the simulated time
its flow last ran (bronze_ingestion_timestamp = as_of - STALE_HOURS), and its later source rows
arrive after that run and are never ingested.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
for _p in (HERE, os.path.join(REPO, "test", "python"), os.path.join(REPO, "test", "python", "dlt_stub")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import workspace as wsmod  # noqa: E402

CATALOG = "spark_catalog"


@dataclass
class Schemas:
    bronze: str = "sim_bronze"
    gold: str = "sim_gold"
    etl: str = "sim_etl"
    mlops: str = "sim_mlops"


@dataclass
class Context:
    spark: object
    ws: wsmod.Workspace
    out: str
    config: dict
    schemas: Schemas = field(default_factory=Schemas)
    results: dict = field(default_factory=dict)
    etl_lib: str | None = None
    env_file: str = ""

    def params(self, **extra) -> dict:
        return {"catalog": CATALOG, "bronze_schema": self.schemas.bronze, "gold_schema": self.schemas.gold,
                "etl_schema": self.schemas.etl, **extra}


def log(message: str) -> None:
    print(message, flush=True)


def registry() -> list:
    with open(os.path.join(REPO, "sql", "registry", "system_tables.json"), encoding="utf-8") as fh:
        return json.load(fh)["tables"]


def load_config(env_file: str) -> dict:
    """Alerts and models of the environment file, read by the project's YAML parser (node)."""
    out = subprocess.run(["node", os.path.join(HERE, "config.mjs"), env_file], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr.strip() or f"could not read {env_file}")
    return json.loads(out.stdout)


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------


def stage_system_tables(ctx: Context) -> str:
    from system_tables import SYSTEM_TABLES, create_system_table

    spark, ws = ctx.spark, ctx.ws
    for name in sorted(SYSTEM_TABLES):
        create_system_table(spark, name, ws.tables.get(name) or None, replace=True)
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {ctx.schemas.mlops}")
    for model, rows in ws.payloads.items():
        payload_schema = ("request_date DATE, databricks_request_id STRING, client_request_id STRING, request_time TIMESTAMP, "
                          "status_code INT, sampling_fraction DOUBLE, execution_duration_ms BIGINT, request STRING, "
                          "response STRING, served_entity_id STRING, logging_error_codes ARRAY<STRING>, requester STRING")
        (spark.createDataFrame([tuple(r.values()) for r in rows], payload_schema)
         .write.format("delta").mode("overwrite").saveAsTable(f"{ctx.schemas.mlops}.{model}_payload"))
        label_type = wsmod.TEMPLATE_COLUMNS[_model(ctx, model)["template"]][0]
        (spark.createDataFrame([(r["client_request_id"], r["label"]) for r in ws.labels[model]],
                               f"client_request_id STRING, label {label_type.upper()}")
         .write.format("delta").mode("overwrite").saveAsTable(f"{ctx.schemas.mlops}.{model}_labels"))
    rows = sum(ws.row_counts().values()) - len(ws.stale_tail)
    return f"{len(SYSTEM_TABLES)} system tables, {rows} rows; {len(ws.payloads)} payload tables"


def _model(ctx: Context, name: str) -> dict:
    return next(m for m in ctx.config["models"] if m["name"] == name)


def _local_entries(mode: str) -> list:
    from system_tables import local_name

    return [dict(e, source=local_name(e["source"])) for e in registry() if e["mode"] == mode]


def stage_bronze_stream(ctx: Context) -> str:
    """notebooks/bronze_streaming_pipeline.py, imported with the dlt stand-in, once per pipeline
    (domain): each declared table's function is run as an availableNow stream into bronze."""
    import dlt
    from notebook_loader import load_notebook
    from pyspark.sql import functions as F

    spark = ctx.spark
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {ctx.schemas.bronze}")
    entries = _local_entries("stream")
    stale_clock = ctx.ws.story.stale_since
    queries = []
    for domain in sorted({e["domain"] for e in entries}):
        dlt.reset()
        spark.conf.set("observability.tables", json.dumps([e for e in entries if e["domain"] == domain]))
        load_notebook("notebooks/bronze_streaming_pipeline.py", spark=spark)
        for decl in dlt.registered("table"):
            df = decl.func()
            if decl.name == ctx.ws.story.stale_table:
                df = df.withColumn("bronze_ingestion_timestamp", F.lit(stale_clock))
            checkpoint = os.path.join(ctx.out, "checkpoints", decl.name)
            queries.append(df.writeStream.format("delta").option("checkpointLocation", checkpoint)
                           .trigger(availableNow=True).toTable(f"{ctx.schemas.bronze}.{decl.name}"))
    for q in queries:
        q.awaitTermination()
        if q.exception() is not None:
            raise RuntimeError(f"bronze stream failed: {q.exception()}")
    spark.conf.unset("observability.tables")
    # The stale table's flow broke after that run: its later source rows arrive but are never ingested.
    from system_tables import insert_rows

    if ctx.ws.stale_tail:
        insert_rows(spark, f"system.lakeflow.{ctx.ws.story.stale_table}", ctx.ws.stale_tail)
    n = sum(spark.table(f"{ctx.schemas.bronze}.{e['name']}").count() for e in entries)
    ctx.results["bronze_stream_rows"] = n
    return f"{len(queries)} streaming tables, {n} rows"


def stage_bronze_merge(ctx: Context) -> str:
    from notebook_loader import load_notebook
    from sqlharness import sql_executor

    spark = ctx.spark
    entries = _local_entries("merge")
    setup = load_notebook("notebooks/bronze_nonstreaming_setup.py", spark=spark)
    setup.raise_if_failed(setup.setup_all(spark, CATALOG, ctx.schemas.bronze, entries, execute_sql=sql_executor(spark)))
    merge = load_notebook("notebooks/bronze_nonstreaming_merge.py", spark=spark)
    outcomes = merge.merge_all(spark, CATALOG, ctx.schemas.bronze, entries)
    merge.raise_if_failed(outcomes)
    inserted = sum(o.inserted for o in outcomes)
    ctx.results["bronze_merge_rows"] = inserted
    return f"{len(outcomes)} MERGE tables, {inserted} rows inserted"


def gold_model_landed() -> bool:
    return os.path.isfile(os.path.join(REPO, "sql", "gold", "job_runs.sql"))


#: The gold run model's refresh, in dependency order (#14: usage_priced feeds job_runs,
#: pipeline_updates and daily_cost); then the analytics that read job_runs.
GOLD_REFRESH = ("sql/gold/setup.sql", "sql/gold/usage_priced.sql", "sql/gold/job_runs.sql", "sql/gold/job_task_runs.sql",
                "sql/gold/pipeline_updates.sql", "sql/gold/daily_cost.sql", "sql/gold/utilization_setup.sql",
                "sql/gold/utilization.sql")
ANALYTICS = ("sql/analytics/job_health_scores.sql", "sql/analytics/job_duration_anomalies.sql")
#: Parameters of the gold and analytics files beyond catalog/schemas: the stack's defaults
#: (stacks/config/analytics-schema.ts: healthWindowDays 30, anomaly 30 d / 24 h / 5 runs / z 3.5).
GOLD_PARAMS = {"as_of": "", "window_days": "30", "detection_hours": "24", "baseline_days": "30",
               "min_baseline_runs": "5", "z_threshold": "3.5", "lookback_hours": "24"}


def gold_refresh_files() -> list:
    """The refresh files present: the gold model's (plus any new sql/gold file, after them) and
    the analytics; before the model lands, today's sql/analytics with its own setup."""
    if not gold_model_landed():
        return ["sql/analytics/setup_gold_tables.sql", *ANALYTICS]
    present = {os.path.relpath(f, REPO) for f in glob.glob(os.path.join(REPO, "sql", "gold", "*.sql"))}
    extra = sorted(present - set(GOLD_REFRESH))
    return [f for f in GOLD_REFRESH if f in present] + extra + list(ANALYTICS)


def rightsizing_params(config: dict) -> dict:
    """sql/gold/utilization_setup.sql's thresholds: the environment file's, else the stack's
    defaults (stacks/config/resolve.ts: idleClusters cpuPercent 5, minMinutes 30; driverBound
    driverCpuPercent 70, workerCpuPercent 20)."""
    idle = config.get("idleClusters") or {}
    driver = config.get("driverBound") or {}
    return {"idle_cpu_percent": str(idle.get("cpuPercent", 5)), "idle_min_minutes": str(idle.get("minMinutes", 30)),
            "driver_cpu_percent": str(driver.get("driverCpuPercent", 70)),
            "worker_cpu_percent": str(driver.get("workerCpuPercent", 20))}


def stage_gold(ctx: Context) -> str:
    from sqlharness import run_sql_file, table_names

    spark = ctx.spark
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {ctx.schemas.gold}")
    p = ctx.params(**GOLD_PARAMS, **rightsizing_params(ctx.config))
    files = gold_refresh_files()
    for f in files:
        run_sql_file(spark, f, p)
    used = "sql/gold run model" if gold_model_landed() else "sql/analytics (gold run model not on this branch yet)"
    counts = {name: spark.table(f"{ctx.schemas.gold}.{name}").count()
              for name in table_names(spark, ctx.schemas.gold, views=False)}
    ctx.results["gold"] = counts
    return f"{used}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def stage_etl(ctx: Context) -> str:
    """Two ETL processes: HR_DAILY runs through; FIN_DAILY's mandatory staging task fails, is
    reset and fails again. Through the SDK when it is on the branch, else through the SQL files."""
    spark = ctx.spark
    lib = ctx.etl_lib or os.path.join(REPO, "notebooks", "lib")
    if os.path.isdir(os.path.join(lib, "etl_monitor")):
        how = _etl_with_sdk(ctx, lib)
    else:
        how = _etl_with_sql(ctx)
    views = {v: spark.table(f"{ctx.schemas.etl}.{v}").count()
             for v in ("v_processStatus", "v_runSummary", "v_taskDetail", "v_mandatoryBlockers", "v_currentFailures")}
    ctx.results["etl_views"] = views
    return f"{how}: " + ", ".join(f"{k} {v}" for k, v in views.items())


def _etl_with_sdk(ctx: Context, lib: str) -> str:
    from sqlharness import sql_executor

    if lib not in sys.path:
        sys.path.insert(0, lib)
    from etl_monitor import ETLMonitorFramework

    translate = sql_executor(ctx.spark)
    fw = ETLMonitorFramework(ctx.spark, CATALOG, ctx.schemas.etl,
                             execute_sql=lambda statement, args: _run_translated(ctx.spark, statement, args, translate))
    fw.setup()
    for p in ctx.ws.etl_processes:
        fw.register_process(p["project"], p["load"], name=p["name"], owner="data-engineers", load_frequency="D")
        for task_id, wf, seq, name, source, mandatory in p["tasks"]:
            fw.register_task(p["project"], p["load"], task_id, wf, seq, name, source_type=source, task_mandatory=mandatory)
        fw.generate_execution_steps(p["execution_id"], p["project"], p["load"], p["processing_date"])
        args = (p["execution_id"], p["project"], p["load"])
        for attempt in (1, 2):
            for task_id, wf, seq, *_ in _attempt_tasks(p, attempt):
                fw.start_task(*args, task_id, wf, processing_date=p["processing_date"], run_id=f"run-{task_id}-{attempt}")
                if task_id in p["fail"]:
                    fw.fail_task(*args, task_id, wf, processing_date=p["processing_date"], error_message=p["fail"][task_id])
                else:
                    fw.end_task(*args, task_id, wf, processing_date=p["processing_date"])
            if not p["fail"] or attempt == 2:
                break
            fw.status_reset(p["project"], p["load"], p["execution_id"])
    return "ETL monitor SDK (notebooks/lib/etl_monitor)"


def _attempt_tasks(process: dict, attempt: int) -> list:
    """Tasks run in an attempt, in sequence order. The first runs until a failed mandatory task
    blocks the later sequences; after the status reset only the re-queued ones (the failed
    tasks and the initiation task 0) run again."""
    failed_sequences = [seq for tid, _, seq, *_ in process["tasks"] if tid in process["fail"]]
    stop = min(failed_sequences) if failed_sequences else None
    tasks = [t for t in process["tasks"] if stop is None or t[2] <= stop]
    return tasks if attempt == 1 else [t for t in tasks if t[0] == 0 or t[0] in process["fail"]]


def _run_translated(spark, statement, args, translate):
    from sqlharness import translate_statement

    text = translate_statement(statement)
    return spark.sql(text, args=dict(args) or None) if text else spark.range(0)


def _etl_with_sql(ctx: Context) -> str:
    from sqlharness import run_sql, run_sql_file

    spark, s = ctx.spark, ctx.schemas.etl
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {s}")
    run_sql_file(spark, "sql/etl_monitor/setup.sql", ctx.params())
    spark.sql(f"SET CATALOG {CATALOG}")
    for p in ctx.ws.etl_processes:
        run_sql(spark, f"INSERT INTO {s}.ETLconfigProcess VALUES (:p, :l, :n, 'data-engineers', 'D', true, false, false, NULL, now(), now())",
                {"p": p["project"], "l": p["load"], "n": p["name"]})
        values = ", ".join(f"('{p['project']}', '{p['load']}', {t}, {wf}, {seq}, '{name}', '{src}', NULL, {str(m).lower()}, NULL, true, now(), now())"
                           for t, wf, seq, name, src, m in p["tasks"])
        spark.sql(f"INSERT INTO {s}.ETLconfigTasks VALUES {values}")
        run_sql_file(spark, "sql/etl_monitor/generate_execution_steps.sql", ctx.params(
            execution_id=p["execution_id"], project_code=p["project"], process_load=p["load"],
            processing_date=p["processing_date"].isoformat()))
        for attempt in (1, 2):
            # One statement per attempt (each Delta commit costs a second or more locally).
            ids = [t[0] for t in _attempt_tasks(p, attempt)]
            failed = [t for t in ids if t in p["fail"]]
            run_sql(spark, f"""UPDATE {s}.ETLProcessingSteps
                    SET Status = CASE WHEN array_contains(from_json(:failed, 'array<int>'), TaskID) THEN 'FAIL' ELSE 'DONE' END,
                        ErrorMessage = CASE WHEN array_contains(from_json(:failed, 'array<int>'), TaskID) THEN NULLIF(:err, '') END,
                        StartTime = now(), EndTime = now(), RunID = concat('run-', TaskID, '-', :a), UpdatedAt = now()
                    WHERE ExecutionID = :e AND array_contains(from_json(:ids, 'array<int>'), TaskID)
                      AND Status IN ('NQUE', 'RQUE')""",
                    {"failed": json.dumps(failed), "ids": json.dumps(ids), "e": p["execution_id"], "a": str(attempt),
                     "err": "; ".join(p["fail"][t] for t in failed)})
            if not p["fail"] or attempt == 2:
                break
            run_sql_file(spark, "sql/etl_monitor/status_reset.sql", ctx.params(
                execution_id=p["execution_id"], task_id="", workflow_id=""))
    return "sql/etl_monitor files (ETL SDK not on this branch yet)"


def alerts_landed() -> bool:
    return os.path.isfile(os.path.join(REPO, "notebooks", "evaluate_alerts.py"))


def stage_alerts(ctx: Context) -> str:
    """The configured alerts of the environment file with their thresholds. With the gold model:
    notebooks/evaluate_alerts.py, which also writes the alert history; before it: each
    sql/alerts/<kind>.sql query (no history is written)."""
    from sqlharness import run_sql_file

    spark = ctx.spark
    over = ctx.config.get("overprovisioned") or {}
    extra = {"platform_job_ids": ",".join(j for j, _ in wsmod.PLATFORM_JOBS),
             "platform_pipeline_ids": ",".join(r["pipeline_id"] for r in ctx.ws.tables["system.lakeflow.pipelines"]),
             # job_overprovisioned's thresholds besides its CPU threshold: the environment file's,
             # else the stack's defaults (stacks/config/resolve.ts: memoryPercent 40, minRuns 3)
             "mem_threshold": str(over.get("memoryPercent", 40)), "min_runs": str(over.get("minRuns", 3))}
    fired = {}
    if alerts_landed():
        from notebook_loader import load_notebook
        from sqlharness import load_sql, sql_executor

        nb = load_notebook("notebooks/evaluate_alerts.py", spark=spark)
        alerts = [{"name": a["name"], "kind": a["kind"], "parameters": {"threshold": str(a["threshold"]), **extra},
                   "subscribers": [f"destination:{d}" for d in a["destinations"]], "retrigger_minutes": a["retriggerMinutes"]}
                  for a in ctx.config["alerts"]]
        history = f"{CATALOG}.{ctx.schemas.gold}.alert_history"
        nb.evaluate_alerts(spark, sql_executor(spark), lambda kind: load_sql(f"sql/alerts/{kind}.sql"), alerts,
                           ctx.params(), history, "")
        open_rows = spark.sql(f"SELECT kind, alert_key, message FROM {history} WHERE resolved_at IS NULL").collect()
        for a in ctx.config["alerts"]:
            fired[a["name"]] = sorted((r["alert_key"], r["message"]) for r in open_rows if r["kind"] == a["name"])
        how = f"notebooks/evaluate_alerts.py, {spark.table(history).count()} alert_history rows"
    else:
        for a in ctx.config["alerts"]:
            rows = run_sql_file(spark, f"sql/alerts/{a['kind']}.sql", ctx.params(threshold=str(a["threshold"]), **extra))
            fired[a["name"]] = sorted((r["alert_key"], r["message"]) for r in rows)
        how = "sql/alerts queries (alert history waits for notebooks/evaluate_alerts.py)"
    ctx.results["alerts"] = fired
    return f"{how}: " + ", ".join(f"{k} {len(v)}" for k, v in fired.items())


def stage_report(ctx: Context) -> str:
    from notebook_loader import load_notebook
    from sqlharness import load_sql, sql_executor

    nb = load_notebook("notebooks/report_failed_runs.py", spark=ctx.spark)
    params = ctx.params(window_hours="24", as_of="")
    path = nb.run_report(sql_executor(ctx.spark, params), load_sql("sql/reports/failed_runs.sql"),
                         os.path.join(ctx.out, "reports", "failed_runs"), "")
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    ctx.results["report"] = {"path": path, "rows": lines[1:]}
    return f"{len(lines) - 1} failed run(s) -> {os.path.relpath(path, REPO)}"


def stage_inference(ctx: Context) -> str:
    from notebook_loader import load_notebook

    nb = load_notebook("notebooks/mlops_unpack_inference.py", spark=ctx.spark)
    out = []
    stats_all = {}
    for m in ctx.config["models"]:
        prediction_type, cols = wsmod.TEMPLATE_COLUMNS[m["template"]]
        spec = nb.UnpackSpec(
            payload_table=f"{ctx.schemas.mlops}.{m['name']}_payload", target_table=f"{ctx.schemas.mlops}.{m['name']}_processed",
            prediction_col=cols["prediction"], label_col=cols["label"], model_id_col=cols["modelId"],
            timestamp_col=cols["timestamp"], prediction_type=prediction_type, features=m["features"],
            label_table=f"{ctx.schemas.mlops}.{m['name']}_labels", label_join_key="client_request_id", label_source_col="label",
            retention_days=ctx.ws_days + 2, lookback_hours=24, default_model_id=f"{m.get('model')}/{m.get('version')}")
        nb.create_processed_table(ctx.spark, spec)  # what the stack's databricks_sql_table creates
        stats = nb.run(ctx.spark, spec)
        stats_all[m["name"]] = stats.__dict__
        out.append(f"{m['name']} {stats.inserted} records ({stats.malformed} malformed, {stats.failed_requests} non-200, "
                   f"{stats.labelled} labelled)")
    ctx.results["inference"] = stats_all
    return "; ".join(out)


#: The Lakehouse monitor writes these tables (monitor-output docs,
#: https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output); the monitor service
#: has no local equivalent, so datasets reading them are reported, not run.
MONITOR_OUTPUT = re.compile(r"`([A-Za-z0-9_]+_(?:profile|drift)_metrics)`")


def _node(args: list[str], env: dict | None = None) -> None:
    done = subprocess.run(["node", *args], cwd=REPO, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"node {' '.join(args)} failed ({done.returncode}):\n{done.stderr.strip() or done.stdout.strip()}")


def dashboard_values(ctx: Context, parameters: list[dict]) -> dict:
    """The dashboard parameters' values: every workspace (their defaults) and, for the date
    range, the simulated window (Lakeview binds a RANGE as a struct of min and max)."""
    from pyspark.sql import functions as F

    start = (ctx.ws.as_of - dt.timedelta(days=ctx.ws_days)).date()
    values = {}
    for p in parameters:
        if p["kind"] == "date-range":
            values[p["keyword"]] = F.struct(F.lit(start).alias("min"), F.lit(ctx.ws.as_of.date()).alias("max"))
        else:
            values[p["keyword"]] = p["defaultValue"]
    return values


def stage_dashboards(ctx: Context) -> str:
    """Every dataset of the dashboards the environment file would deploy, bound for this
    workspace's schemas and models by the product's own builder (scripts/export-dashboards.ts
    --env), runs on the simulated data; its rows feed the offline preview
    (scripts/preview-dashboards.ts), written to <out>/previews/<dashboard>.html."""
    import shutil

    from sqlharness import preview_rows

    spark, previews = ctx.spark, os.path.join(ctx.out, "previews")
    data_dir, definitions = os.path.join(previews, "data"), os.path.join(previews, "dashboards.json")
    shutil.rmtree(previews, ignore_errors=True)
    _node(["scripts/cdktf-app.js", "--build"])  # dist/ current with the sources (a transpile, no type-check)
    s = ctx.schemas
    _node(["dist/scripts/export-dashboards.js", "--env", ctx.env_file, "--catalog", CATALOG,
           "--schemas", f"gold={s.gold},bronze={s.bronze},etl={s.etl},mlops={s.mlops}", "--out", definitions])
    with open(definitions, encoding="utf-8") as fh:
        dashboards = json.load(fh)["dashboards"]
    counts, not_run = {}, {}
    for d in dashboards:
        os.makedirs(os.path.join(data_dir, d["id"]), exist_ok=True)
        for ds in d["datasets"]:
            name = f"{d['id']}/{ds['name']}"
            absent = sorted({t for t in MONITOR_OUTPUT.findall(ds["sql"]) if not spark.catalog.tableExists(f"{CATALOG}.{s.mlops}.{t}")})
            if absent:
                not_run[name] = f"Lakehouse monitor output {', '.join(absent)} (written by the monitor service, not simulated)"
                rows = {"columns": {}, "rows": [], "notRun": not_run[name]}
            else:
                rows = preview_rows(spark.sql(ds["sql"], args=dashboard_values(ctx, ds["parameters"]) or None))
                counts[name] = len(rows["rows"])
            with open(os.path.join(data_dir, d["id"], f"{ds['name']}.json"), "w", encoding="utf-8") as fh:
                json.dump(rows, fh, indent=1)
    _node(["dist/scripts/preview-dashboards.js"], env={
        "DASHBOARD_PREVIEW_DEFINITIONS": definitions, "DASHBOARD_PREVIEW_DATA": data_dir, "DASHBOARD_PREVIEW_OUT": previews,
        "DASHBOARD_PREVIEW_SOURCE": f"rows of npm run simulate ({ctx.ws_jobs} jobs x {ctx.ws_days} days, seed {ctx.ws_seed})"})
    ctx.results["dashboards"] = counts
    ctx.results["dashboards_not_run"] = not_run
    ctx.results["previews"] = sorted(glob.glob(os.path.join(previews, "*.html")))
    total = len(counts) + len(not_run)
    return (f"{len(counts)} of {total} datasets: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            + (f"; not run: {', '.join(sorted(not_run))}" if not_run else "")
            + f"; {len(ctx.results['previews'])} previews")


STAGES: list[tuple[str, Callable[[Context], str]]] = [
    ("system tables", stage_system_tables),
    ("bronze streaming source", stage_bronze_stream),
    ("bronze MERGE", stage_bronze_merge),
    ("gold refresh", stage_gold),
    ("ETL monitor", stage_etl),
    ("alert evaluation", stage_alerts),
    ("failed-run report", stage_report),
    ("inference unpacking", stage_inference),
    ("dashboard datasets", stage_dashboards),
]


def run(jobs: int, days: int, seed: int, out: str, env_file: str, spark=None, etl_lib: str | None = None,
        stages: list | None = None, quiet: bool = False) -> Context:
    say = (lambda _m: None) if quiet else log
    t0 = time.time()
    config = load_config(env_file)
    ws = wsmod.generate(jobs=jobs, days=days, seed=seed)
    say(f"[simulate] generated {jobs} jobs x {days} days (seed {seed}), as_of {ws.as_of:%Y-%m-%d %H:%M} UTC "
        f"in {time.time() - t0:.1f}s")
    if spark is None:
        import shutil

        from spark_session import build_spark

        for sub in ("spark", "checkpoints"):  # a fresh warehouse: the catalog is in memory
            shutil.rmtree(os.path.join(out, sub), ignore_errors=True)

        spark = build_spark(os.path.join(out, "spark"), app_name="simulate")
    ctx = Context(spark=spark, ws=ws, out=out, config=config, etl_lib=etl_lib, env_file=os.path.abspath(env_file))
    ctx.ws_jobs, ctx.ws_days, ctx.ws_seed = jobs, days, seed
    for i, (name, fn) in enumerate(stages or STAGES, 1):
        t = time.time()
        detail = fn(ctx)
        ctx.results.setdefault("timings", {})[name] = round(time.time() - t, 1)
        say(f"[simulate] {i}/{len(stages or STAGES)} {name:<24} {time.time() - t:6.1f}s  {detail}")
    ctx.results["total_seconds"] = round(time.time() - t0, 1)
    return ctx


def summary(ctx: Context) -> str:
    r, story = ctx.results, ctx.ws.story
    lines = ["", "== summary =="]
    lines.append(f"system tables : {sum(ctx.ws.row_counts().values())} rows "
                 f"(job_run_timeline {ctx.ws.row_counts()['system.lakeflow.job_run_timeline']}, "
                 f"usage {ctx.ws.row_counts()['system.billing.usage']})")
    lines.append(f"bronze        : {r.get('bronze_stream_rows', 0)} streamed + {r.get('bronze_merge_rows', 0)} merged rows")
    lines.append("gold          : " + ", ".join(f"{k} {v}" for k, v in sorted(r.get("gold", {}).items())))
    lines.append("ETL views     : " + ", ".join(f"{k} {v}" for k, v in r.get("etl_views", {}).items()))
    lines.append("inference     : " + ", ".join(f"{k} {v['inserted']} records" for k, v in r.get("inference", {}).items()))
    lines.append("alerts fired  :")
    for kind, rows in r.get("alerts", {}).items():
        for key, message in rows:
            lines.append(f"  {kind:<24} {key}: {message}")
        if not rows:
            lines.append(f"  {kind:<24} (quiet)")
    expected = story.expected_alert_keys(gold_model_landed())
    got = {k: sorted(key for key, _ in v) for k, v in r.get("alerts", {}).items()}
    lines.append("story         : " + ("every injected event found, nothing else fired" if got == {k: sorted(v) for k, v in expected.items() if k in got}
                                       else f"MISMATCH expected {expected}"))
    rep = r.get("report")
    if rep:
        lines.append(f"report        : {os.path.relpath(rep['path'], REPO)} ({len(rep['rows'])} rows)")
    if r.get("dashboards"):
        lines.append("dashboards    : " + ", ".join(f"{k} {v} rows" for k, v in r["dashboards"].items()))
    for name, why in r.get("dashboards_not_run", {}).items():
        lines.append(f"  not run     : {name}: {why}")
    if r.get("previews"):
        lines.append(f"previews      : {len(r['previews'])} in {os.path.relpath(os.path.dirname(r['previews'][0]), REPO)}/ ("
                     + ", ".join(os.path.basename(p) for p in r["previews"]) + ")")
    lines.append(f"total         : {r.get('total_seconds')}s")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Simulate a workspace on local Spark and run the platform on it.")
    ap.add_argument("--jobs", type=int, default=24)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(REPO, ".simulation"))
    ap.add_argument("--env", default=os.path.join(REPO, "environments", "dev.yaml"))
    ap.add_argument("--etl-lib", default=None, help="directory holding the etl_monitor package (default notebooks/lib)")
    args = ap.parse_args(argv)
    try:
        ctx = run(args.jobs, args.days, args.seed, os.path.abspath(args.out), args.env, etl_lib=args.etl_lib)
    except ValueError as e:
        print(f"[simulate] error: {e}", file=sys.stderr)
        return 2
    print(summary(ctx))
    return 0


if __name__ == "__main__":
    sys.exit(main())
