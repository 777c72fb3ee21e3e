"""The simulation (scripts/simulate) tells its story: on a small synthetic workspace, the
platform's own notebooks and SQL find exactly the injected failures, repair, timeout, duration
anomaly, cost spike, stale bronze table and ETL blocker, and no other alert fires."""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "simulate"))

import run as simulate  # noqa: E402
import workspace  # noqa: E402

AS_OF = dt.datetime(2026, 3, 10, 12, 30)


def test_generator_is_deterministic_for_a_seed():
    a = workspace.generate(jobs=8, days=4, seed=3, as_of=AS_OF)
    b = workspace.generate(jobs=8, days=4, seed=3, as_of=AS_OF)
    c = workspace.generate(jobs=8, days=4, seed=4, as_of=AS_OF)
    assert a.tables == b.tables and a.payloads == b.payloads and a.story == b.story
    assert a.tables["system.lakeflow.job_run_timeline"] != c.tables["system.lakeflow.job_run_timeline"]


def test_generator_encodes_the_documented_semantics():
    ws = workspace.generate(jobs=10, days=5, seed=1, as_of=AS_OF)
    slices = ws.tables["system.lakeflow.job_run_timeline"]
    by_run: dict = {}
    for s in slices:
        # hourly slices: no slice crosses a clock-hour boundary
        assert s["period_end_time"] - s["period_start_time"] <= dt.timedelta(hours=1)
        assert s["period_end_time"] <= s["period_start_time"].replace(minute=0, second=0) + dt.timedelta(hours=1)
        by_run.setdefault(s["run_id"], []).append(s)
    results = {r: [s["result_state"] for s in rows if s["result_state"]] for r, rows in by_run.items()}
    # one result per attempt: the repaired run has two, every finished run one, running runs none
    assert results[ws.story.repaired_run] == ["FAILED", "SUCCEEDED"]
    assert all(len(v) <= 1 for r, v in results.items() if r != ws.story.repaired_run)
    assert results[ws.story.timeout_run] == ["TIMED_OUT"]
    # usage is attributed to runs through usage_metadata.job_run_id, hourly
    usage = [u for u in ws.tables["system.billing.usage"] if u["billing_origin_product"] == "JOBS"]
    assert {u["usage_metadata"]["job_run_id"] for u in usage} <= set(by_run)
    assert all(u["usage_end_time"] - u["usage_start_time"] == dt.timedelta(hours=1) for u in usage)
    # the price change: two rows for the SKU, the first closed where the second starts
    prices = sorted((p for p in ws.tables["system.billing.list_prices"] if p["sku_name"] == workspace.JOBS_SKU),
                    key=lambda p: p["price_start_time"])
    assert [p["price_end_time"] for p in prices] == [ws.story.price_change_at, None]
    assert prices[1]["pricing"]["effective_list"]["default"] == prices[1]["pricing"]["default"]


def test_generator_refuses_sizes_too_small_for_the_story():
    with pytest.raises(ValueError, match="--jobs"):
        workspace.generate(jobs=3, days=5, seed=1, as_of=AS_OF)
    with pytest.raises(ValueError, match="--days"):
        workspace.generate(jobs=10, days=2, seed=1, as_of=AS_OF)


@pytest.fixture(scope="module")
def simulated(spark, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("simulation"))
    before = {db.name for db in spark.catalog.listDatabases()}
    ctx = simulate.run(jobs=8, days=4, seed=7, out=out, env_file=os.path.join(REPO, "environments", "dev.yaml"),
                       spark=spark, quiet=True)
    yield ctx
    for query in spark.streams.active:
        query.stop()
    # every schema the simulation created (its own and the system-table stand-ins), so later
    # test modules start from an empty catalog
    for db in spark.catalog.listDatabases():
        if db.name not in before:
            spark.sql(f"DROP SCHEMA IF EXISTS `{db.name}` CASCADE")


def test_exactly_the_injected_alerts_fire(simulated):
    story = simulated.ws.story
    fired = {kind: sorted(key for key, _ in rows) for kind, rows in simulated.results["alerts"].items()}
    assert fired == story.expected_alert_keys(simulate.gold_model_landed())
    messages = dict(simulated.results["alerts"]["failed_job_runs"])
    assert "failed 3 time(s)" in messages[f"{workspace.WORKSPACE_ID}/{story.failing_job}"]


def test_the_failed_run_report_lists_the_failures_and_the_timeout(simulated):
    story = simulated.ws.story
    with open(simulated.results["report"]["path"], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted((r["Job_Id"], r["Status"]) for r in rows) == sorted((j, s) for j, _, s in story.expected_report_runs(simulate.gold_model_landed()))
    timeout = next(r for r in rows if r["Status"] == "TIMED_OUT")
    assert timeout["Error_Details"].startswith("[resource] termination_code=CANCELED")


def test_gold_finds_the_anomaly_and_models_the_repair(simulated, spark):
    story, gold = simulated.ws.story, simulated.schemas.gold
    if simulate.gold_model_landed():
        runs = {r.run_id: r for r in spark.table(f"{gold}.job_runs").collect()}
        assert runs[story.repaired_run].outcome == "repaired" and runs[story.repaired_run].attempts == 2
        assert runs[story.timeout_run].outcome == "timed_out"
        assert {runs[r].outcome for r in story.failed_runs} == {"failed"}
    slower = [(r.job_id, r.run_id) for r in spark.table(f"{gold}.job_duration_anomalies").collect()
              if r.direction == "slower" and r.robust_z_score >= 5]
    assert slower == [(story.anomaly_job, story.anomaly_run)]


def test_utilization_finds_the_overprovisioned_job_and_the_idle_cluster(simulated, spark):
    story, gold = simulated.ws.story, simulated.schemas.gold
    judged = {r.job_id: r for r in spark.table(f"{gold}.job_rightsizing").collect()}
    assert story.overprovisioned_job in judged and judged[story.overprovisioned_job].peak_cpu_percent < 10
    assert all(r.peak_cpu_percent > 30 for j, r in judged.items() if j != story.overprovisioned_job)
    idle = [(r.cluster_id, r.stretch_start, r.stretch_end, r.idle_node_minutes)
            for r in spark.table(f"{gold}.cluster_idle_stretches").collect()]
    start, end = story.idle_stretch
    assert idle == [(story.idle_cluster, start, end, workspace.IDLE_MINUTES * (workspace.WORKERS + 1))]


def test_the_etl_blocker_is_the_failed_mandatory_task(simulated, spark):
    blocked = simulated.ws.story.etl_blocked
    rows = spark.table(f"{simulated.schemas.etl}.v_mandatoryBlockers").collect()
    assert [(r.ProcessLoad, r.TaskID, r.AttemptNumber) for r in rows] == [(blocked["process"], blocked["task_id"], blocked["attempts"])]
    done = spark.sql(f"SELECT ProcessLoad, count(*) AS n FROM {simulated.schemas.etl}.v_currentFailures GROUP BY ProcessLoad").collect()
    assert [(r.ProcessLoad, r.n) for r in done] == [("FIN_DAILY", 1)]


def test_inference_payloads_are_unpacked(simulated):
    ws = simulated.ws
    for model, rows in ws.payloads.items():
        import json

        ok = [r for r in rows if r["status_code"] == 200
              and len(json.loads(r["request"])["dataframe_records"]) == len(json.loads(r["response"]).get("predictions") or [])]
        stats = simulated.results["inference"][model]
        assert stats["inserted"] == sum(len(json.loads(r["request"])["dataframe_records"]) for r in ok)
        assert stats["failed_requests"] == sum(1 for r in rows if r["status_code"] != 200)
        assert stats["malformed"] == len(rows) - len(ok) - stats["failed_requests"]
        # a label is per request (client_request_id), so it lands on every record of that request
        labelled = {lab["client_request_id"] for lab in ws.labels[model]}
        assert stats["labelled"] == sum(len(json.loads(r["request"])["dataframe_records"])
                                        for r in ok if r["client_request_id"] in labelled)
        assert 0 < len(labelled) < stats["labelled"]  # the story has multi-record labelled requests


def test_every_deployed_dashboard_dataset_runs_and_is_previewed(simulated):
    """The dashboards dev.yaml deploys, bound for the simulated schemas by the product's builder:
    every dataset runs on the simulated data, only the Lakehouse-monitor ones are reported as not
    run, and each dashboard gets an HTML preview drawn from these rows."""
    import json

    results = simulated.results
    previews = os.path.join(simulated.out, "previews")
    with open(os.path.join(previews, "dashboards.json"), encoding="utf-8") as fh:
        dashboards = json.load(fh)["dashboards"]
    names = {f"{d['id']}/{ds['name']}" for d in dashboards for ds in d["datasets"]}
    assert set(results["dashboards"]) | set(results["dashboards_not_run"]) == names
    assert set(results["dashboards_not_run"]) == {"model-monitoring/model_drift", "model-monitoring/model_quality"}
    assert all("monitor" in why for why in results["dashboards_not_run"].values())
    # the story's events reach the dashboards, not only the alerts
    assert results["dashboards"]["platform-health/duration_anomalies"] >= 1
    assert results["dashboards"]["etl-processes/etl_mandatory_blockers"] == 1
    assert results["dashboards"]["cost/idle_clusters"] >= 1
    assert [os.path.basename(p) for p in results["previews"]] == sorted(f"{d['id']}.html" for d in dashboards)
    health = open(os.path.join(previews, "platform-health.html"), encoding="utf-8").read()
    assert "rows of npm run simulate (8 jobs x 4 days, seed 7)" in health and "<svg" in health
    models = open(os.path.join(previews, "model-monitoring.html"), encoding="utf-8").read()
    assert "Not run on this data: Lakehouse monitor output" in models
