"""npm run bench:data: how the data path's cost grows, as ratios measured in one run.

Figures are printed, never asserted in tests; the exit code is non-zero when a ratio is over its
target. Every figure times the product's own SQL/notebooks (through the simulation's stages) on
bronze tables filled from the generator:

1. gold refresh vs history: the refresh after one new day on top of 30 days of history vs on top
   of 1 day (incremental processing: the cost should follow the new data, target <= 1.5x);
2. gold refresh throughput: a full refresh over 1x and 10x jobs (timeline rows/s; target time
   ratio <= 10x: nothing super-linear);
3. bronze MERGE (notebooks/bronze_nonstreaming_merge.py): rows merged per second, 1x vs 10x rows;
4. alert evaluation (every configured alert): 1x vs 10x jobs.

    .venv/bin/python scripts/simulate/bench.py [--jobs 8] [--days 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run as sim  # noqa: E402  (puts test/python on sys.path)
import workspace as wsmod  # noqa: E402

BRONZE_SOURCES = ("system.lakeflow.jobs", "system.lakeflow.job_run_timeline", "system.lakeflow.job_task_run_timeline",
                  "system.lakeflow.pipelines", "system.lakeflow.pipeline_update_timeline", "system.lakeflow.job_tasks",
                  "system.billing.usage", "system.billing.list_prices", "system.compute.clusters",
                  "system.compute.warehouses", "system.compute.node_timeline", "system.compute.node_types")


def fill_bronze(spark, schema: str, ws: wsmod.Workspace, keep=lambda source, row: True, as_history: bool = False) -> int:
    """Appends the workspace's rows to bronze tables shaped like the pipeline's output
    (system-table columns + bronze_ingestion_timestamp). New rows are ingested now; history
    (``as_history``) was ingested half an hour after each row ended, as a stream running all
    along would have, so an incremental refresh's watermark and look-back see real ages."""
    from test_analytics_support import create_bronze_table

    n = 0
    for source in BRONZE_SOURCES:
        rows = list(ws.tables.get(source, []))
        if source.endswith(wsmod.STALE_TABLE):
            rows += ws.stale_tail
        rows = [r for r in rows if keep(source, r)]
        if as_history:
            rows = [dict(r, bronze_ingestion_timestamp=(_end(source, r) or ws.as_of) + dt.timedelta(minutes=30)) for r in rows]
        create_bronze_table(spark, schema, source, rows)
        n += len(rows)
    return n


def _end(source: str, row: dict):
    for col in ("period_end_time", "usage_end_time", "end_time", "change_time", "price_start_time"):
        if row.get(col) is not None:
            return row[col]
    return None


def fresh_context(spark, ws, config, tag: str) -> sim.Context:
    ctx = sim.Context(spark=spark, ws=ws, out="", config=config, schemas=sim.Schemas(
        bronze=f"bench_{tag}_bronze", gold=f"bench_{tag}_gold", etl=f"bench_{tag}_etl", mlops=f"bench_{tag}_mlops"))
    ctx.ws_days = 0
    for s in vars(ctx.schemas).values():
        spark.sql(f"DROP SCHEMA IF EXISTS {s} CASCADE")
        spark.sql(f"CREATE SCHEMA {s}")
    return ctx


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _fact_end(row: dict):
    """When a fact row (timeline slice, usage record, node minute) ended; None for a dimension
    row (jobs, clusters, prices, ...), which every history holds whole."""
    for col in ("period_end_time", "usage_end_time", "end_time"):
        if row.get(col) is not None:
            return row[col]
    return None


def bench_history(spark, config, jobs: int) -> tuple:
    """Refresh after one new day, on top of 30 days vs 1 day of already refreshed history. One
    generated workspace serves both, so the new day's rows are the same rows in both cases."""
    ws = wsmod.generate(jobs=jobs, days=31, seed=11)
    cut = ws.as_of - wsmod.DAY
    out = {}
    for history in (30, 1):
        since = cut - history * wsmod.DAY
        ctx = fresh_context(spark, ws, config, f"h{history}")
        fill_bronze(spark, ctx.schemas.bronze, ws, lambda s, r: _fact_end(r) is None or since < _fact_end(r) <= cut,
                    as_history=True)
        sim.stage_gold(ctx)  # the history, refreshed once
        new_rows = fill_bronze(spark, ctx.schemas.bronze, ws, lambda s, r: _fact_end(r) is not None and _fact_end(r) > cut)
        out[history] = (timed(lambda: sim.stage_gold(ctx)), new_rows)
        _drop(spark, ctx)
    return out[30][0], out[1][0], out[30][1]


def bench_scale(spark, config, jobs: int, days: int) -> dict:
    """Full gold refresh and alert evaluation over 1x and 10x jobs."""
    out = {}
    for factor in (1, 10):
        ws = wsmod.generate(jobs=jobs * factor, days=days, seed=11)
        ctx = fresh_context(spark, ws, config, f"x{factor}")
        fill_bronze(spark, ctx.schemas.bronze, ws)
        sim.stage_etl(ctx)  # the ETL schema the etl_mandatory_blockers alert reads
        timeline = len(ws.tables["system.lakeflow.job_run_timeline"])
        gold = timed(lambda: sim.stage_gold(ctx))
        alerts = timed(lambda: sim.stage_alerts(ctx))
        out[factor] = {"timeline_rows": timeline, "gold": gold, "alerts": alerts}
        _drop(spark, ctx)
    return out


def bench_merge(spark, rows: int) -> dict:
    """notebooks/bronze_nonstreaming_merge.py over assistant_events (keyed by event_id, sequenced by
    event_time), rows vs 10x rows merged into an empty bronze table."""
    from notebook_loader import load_notebook
    from sqlharness import sql_executor
    from system_tables import create_system_table, local_name

    setup = load_notebook("notebooks/bronze_nonstreaming_setup.py", spark=spark)
    merge = load_notebook("notebooks/bronze_nonstreaming_merge.py", spark=spark)
    entry = next(dict(e, source=local_name(e["source"])) for e in sim.registry() if e["name"] == "assistant_events")
    base = dt.datetime(2026, 1, 1)
    out = {}
    for factor in (1, 10):
        n = rows * factor
        create_system_table(spark, "system.access.assistant_events", [
            {"account_id": wsmod.ACCOUNT_ID, "workspace_id": wsmod.WORKSPACE_ID, "event_time": base + dt.timedelta(seconds=i),
             "event_date": base.date(), "event_id": f"ev-{i:08d}", "initiated_by": "user@example.com", "user_agent": "notebook"}
            for i in range(n)], replace=True)
        schema = f"bench_merge_{factor}"
        spark.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        spark.sql(f"CREATE SCHEMA {schema}")
        setup.raise_if_failed(setup.setup_all(spark, sim.CATALOG, schema, [entry], execute_sql=sql_executor(spark)))
        outcomes = []
        seconds = timed(lambda: outcomes.extend(merge.merge_all(spark, sim.CATALOG, schema, [entry])))
        merge.raise_if_failed(outcomes)
        out[factor] = {"rows": outcomes[0].inserted, "seconds": seconds}
        spark.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return out


def _drop(spark, ctx) -> None:
    for s in vars(ctx.schemas).values():
        spark.sql(f"DROP SCHEMA IF EXISTS {s} CASCADE")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--merge-rows", type=int, default=2000)
    ap.add_argument("--out", default=os.path.join(sim.REPO, ".simulation", "bench"))
    args = ap.parse_args(argv)
    from spark_session import build_spark

    shutil.rmtree(args.out, ignore_errors=True)
    spark = build_spark(args.out, app_name="bench-data")
    config = sim.load_config(os.path.join(sim.REPO, "environments", "dev.yaml"))
    gold_impl = "sql/gold (run model)" if sim.gold_model_landed() else "sql/analytics (full recompute; gold run model not on this branch)"
    print(f"[bench:data] gold refresh = {gold_impl}", flush=True)
    # Warm-up: JIT and Delta code paths, so the first measured figure is not the slowest.
    warm = wsmod.generate(jobs=8, days=4, seed=1)
    ctx = fresh_context(spark, warm, config, "warm")
    fill_bronze(spark, ctx.schemas.bronze, warm)
    sim.stage_gold(ctx)
    _drop(spark, ctx)

    figures = []
    h30, h1, new_rows = bench_history(spark, config, args.jobs)
    figures.append(("gold refresh: +1 day on 30 days vs on 1 day of history", h30 / h1, 1.5,
                    f"{h30:.1f}s vs {h1:.1f}s for {new_rows} new bronze rows"))
    _print_figure(figures[-1])  # as measured, so a later failure keeps it
    scale = bench_scale(spark, config, args.jobs, args.days)
    x1, x10 = scale[1], scale[10]
    figures.append(("gold refresh: 10x jobs vs 1x (time)", x10["gold"] / x1["gold"], 10.0,
                    f"{x1['timeline_rows'] / x1['gold']:.0f} vs {x10['timeline_rows'] / x10['gold']:.0f} timeline rows/s"
                    f" ({x1['gold']:.1f}s, {x10['gold']:.1f}s)"))
    figures.append(("alert evaluation: 10x jobs vs 1x (time)", x10["alerts"] / x1["alerts"], 10.0,
                    f"{x1['alerts']:.1f}s vs {x10['alerts']:.1f}s"))
    _print_figure(figures[-2])
    _print_figure(figures[-1])
    m = bench_merge(spark, args.merge_rows)
    figures.append(("bronze MERGE: 10x rows vs 1x (time)", m[10]["seconds"] / m[1]["seconds"], 10.0,
                    f"{m[1]['rows'] / m[1]['seconds']:.0f} vs {m[10]['rows'] / m[10]['seconds']:.0f} rows/s"))
    spark.stop()

    failed = 0
    print("\n== bench:data (ratios measured in this run) ==")
    for figure in figures:
        failed += not _print_figure(figure)
    return 1 if failed else 0


def _print_figure(figure) -> bool:
    name, ratio, target, detail = figure
    ok = ratio <= target
    print(f"{'ok  ' if ok else 'OVER'} {name:<58} {ratio:5.2f}x (target <= {target}x)  {detail}", flush=True)
    return ok


if __name__ == "__main__":
    sys.exit(main())
