# Databricks notebook source
# Sample instrumented ETL process (dev): SAMPLE/ORDERS_DAILY, two stages and a watermark.
#
#   task 0  Initiation        sequence 0 LOAD_GO       the run marker (start -> ... -> end)
#   task 1  Stage orders      sequence 2 LOAD_DB_TRAN  mandatory; incremental on the DELTA_DATE
#                                                       watermark StageOrders (auto-advanced on DONE)
#   task 2  Build totals      sequence 6 PROCESS_DATA  daily totals from the staged orders
#
# The job runs this notebook once per stage (widget `stage`: init | stage_orders | build_totals
# | finish), all with execution_id = the job run id, so a repair run re-runs a failed stage as
# its automatic retry. `stage` = all runs everything in one go (interactive use).
#
# Widgets: lib_path (<workspaceRoot>/lib), catalog, etl_schema, sample_schema (where the sample
# source/staging/mart tables live, <catalog>.<schema>; '' = the ETL schema), execution_id, processing_date ('' = today,
# or the historic date in historic mode), stage, new_orders (rows the sample source gains per
# run, to show the watermark at work).

import sys

PROJECT, PROCESS = "SAMPLE", "ORDERS_DAILY"
STAGES = ("init", "stage_orders", "build_totals", "finish")


def register(monitor) -> None:
    """The process, its tasks and its watermark (idempotent: registering again updates)."""
    monitor.register_process(PROJECT, PROCESS, name="Sample orders daily", owner="Platform team", load_frequency="D")
    monitor.register_task(PROJECT, PROCESS, task_id=0, workflow_id=0, sequence_id=0, task_name="Initiation",
                          source_type="DBX_JOB")
    monitor.register_task(PROJECT, PROCESS, task_id=1, workflow_id=1, sequence_id=2, task_name="Stage orders",
                          source_type="DBX_JOB", source_system_code="StageOrders", task_mandatory=True, sla_minutes=30)
    monitor.register_task(PROJECT, PROCESS, task_id=2, workflow_id=1, sequence_id=6, task_name="Build totals",
                          source_type="DBX_JOB", sla_minutes=30)
    monitor.register_parameter(PROJECT, PROCESS, "SYSDT", "SYSTEM", description="Processing date (NULL = live)")
    monitor.register_parameter(PROJECT, PROCESS, "StageOrders", "DELTA_DATE", description="Last staged order change")


def ensure_sample_tables(spark, schema: str, new_orders: int) -> None:
    """A tiny source that gains ``new_orders`` changed rows per run."""
    spark.sql(f"CREATE TABLE IF NOT EXISTS {schema}.sample_orders_source "
              "(order_id BIGINT, order_date DATE, amount DOUBLE, modified_at TIMESTAMP)")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {schema}.sample_orders_staged "
              "(order_id BIGINT, order_date DATE, amount DOUBLE, modified_at TIMESTAMP, staged_at TIMESTAMP)")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {schema}.sample_daily_totals "
              "(order_date DATE, orders BIGINT, amount DOUBLE, built_at TIMESTAMP)")
    if new_orders > 0:
        spark.sql(f"""INSERT INTO {schema}.sample_orders_source
            SELECT (SELECT COALESCE(max(order_id), 0) FROM {schema}.sample_orders_source) + id + 1,
                   current_date(), round(10 + id * 2.5, 2), current_timestamp()
            FROM range({int(new_orders)})""")


def watermark(spark, monitor, name: str) -> str:
    """The ADF Lookup of the docs, in a notebook: v_watermarks.ActiveValue."""
    rows = spark.sql(f"SELECT ActiveValue FROM {monitor.table('v_watermarks')} WHERE ProjectCode = :p "
                     "AND ProcessLoad = :l AND ParameterName = :n", args={"p": PROJECT, "l": PROCESS, "n": name}).collect()
    if not rows:
        raise ValueError(f"watermark {name} of {PROJECT}/{PROCESS} is not registered")
    return rows[0].ActiveValue


def stage_orders(spark, monitor, schema: str) -> int:
    """Stages the source rows changed after the watermark (MERGE by order_id: a re-read row is
    updated, not duplicated)."""
    since = watermark(spark, monitor, "StageOrders")
    changed = spark.sql(f"SELECT * FROM {schema}.sample_orders_source WHERE modified_at > CAST(:since AS TIMESTAMP)",
                        args={"since": since})
    count = changed.count()
    changed.createOrReplaceTempView("sample_orders_changed")
    spark.sql(f"""MERGE INTO {schema}.sample_orders_staged AS t USING sample_orders_changed AS s ON t.order_id = s.order_id
        WHEN MATCHED THEN UPDATE SET order_date = s.order_date, amount = s.amount, modified_at = s.modified_at,
          staged_at = current_timestamp()
        WHEN NOT MATCHED THEN INSERT (order_id, order_date, amount, modified_at, staged_at)
          VALUES (s.order_id, s.order_date, s.amount, s.modified_at, current_timestamp())""")
    return count


def build_totals(spark, schema: str) -> None:
    spark.sql(f"""INSERT OVERWRITE {schema}.sample_daily_totals
        SELECT order_date, count(*), round(sum(amount), 2), current_timestamp()
        FROM {schema}.sample_orders_staged GROUP BY order_date""")


def run(spark, monitor, stage: str, execution_id: str, processing_date=None, schema: str = "", new_orders: int = 3) -> dict:
    if stage not in STAGES + ("all",):
        raise ValueError(f"stage {stage!r} is not one of {', '.join(STAGES + ('all',))}")
    schema = schema or f"`{monitor.catalog}`.`{monitor.schema}`"
    ids = dict(execution_id=execution_id, project_code=PROJECT, process_load=PROCESS)
    result: dict = {"execution_id": execution_id, "stage": stage}
    if stage in ("init", "all"):
        register(monitor)
        ensure_sample_tables(spark, schema, new_orders)
        monitor.generate_execution_steps(execution_id, PROJECT, PROCESS, processing_date)
        if monitor.get_pending_tasks(execution_id, PROJECT, PROCESS, sequence_id=0):
            monitor.start_task(**ids, task_id=0, workflow_id=0)
    if stage in ("stage_orders", "all"):
        with monitor.task(**ids, task_id=1, workflow_id=1, sequence_id=2) as task_run:
            result["staged"] = stage_orders(spark, monitor, schema)
            task_run["log_message"] = f"staged {result['staged']} changed order(s)"
    if stage in ("build_totals", "all"):
        with monitor.task(**ids, task_id=2, workflow_id=1, sequence_id=6):
            build_totals(spark, schema)
    if stage in ("finish", "all"):
        monitor.end_task(**ids, task_id=0, workflow_id=0, log_message="run complete")
    return result


# COMMAND ----------

if "dbutils" in globals():
    _w = globals()["dbutils"].widgets
    for _name, _default in (("lib_path", ""), ("catalog", ""), ("etl_schema", "etl_monitor"), ("sample_schema", ""),
                            ("execution_id", ""), ("processing_date", ""), ("stage", "all"), ("new_orders", "3")):
        _w.text(_name, _default)
    sys.path.insert(0, _w.get("lib_path"))
    from etl_monitor import ETLMonitorFramework

    _monitor = ETLMonitorFramework(globals()["spark"], catalog=_w.get("catalog"), schema=_w.get("etl_schema"))
    _execution_id = _w.get("execution_id") or ETLMonitorFramework.generate_execution_id()
    print(run(globals()["spark"], _monitor, _w.get("stage"), _execution_id, _w.get("processing_date") or None,
              _w.get("sample_schema"), int(_w.get("new_orders") or 0)))
