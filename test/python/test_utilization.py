"""Gold job_run_utilization, the job_rightsizing and cluster_idle_stretches views and the
job_overprovisioned alert (sql/gold/utilization_setup.sql, utilization.sql; the alert
sql/alerts/job_overprovisioned.sql) on real Spark + Delta.

Bronze node_timeline / node_types / job_task_run_timeline come from the documented schemas
(system_table_schemas.json). gold job_runs is the run model of sql/gold/setup.sql (helper C);
until that file is on this branch the test creates the contract's columns of it (PLAN.md)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from sqlharness import run_sql, run_sql_file
from test_analytics_support import create_bronze_table, params

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
NOW = dt.datetime.now().replace(second=0, microsecond=0)
MIN = dt.timedelta(minutes=1)
JOB_RUNS_CONTRACT = """workspace_id STRING, job_id STRING, run_id STRING, job_name STRING, trigger_type STRING,
    run_type STRING, run_as STRING, first_start_time TIMESTAMP, last_end_time TIMESTAMP, run_date DATE,
    execution_seconds DOUBLE, attempts INT, is_repaired BOOLEAN, result_state STRING, termination_code STRING,
    first_failure_state STRING, first_failure_code STRING, outcome STRING, dbus DECIMAL(38,18), usd DECIMAL(38,18)"""


def _job_runs(spark, schema):
    if os.path.exists(os.path.join(ROOT, "sql", "gold", "setup.sql")):
        # the model's views read the bronze SCD tables: setup_model creates them (empty) first
        from gold_support import setup_model

        setup_model(spark, schema)
    else:
        spark.sql(f"CREATE TABLE {schema}.job_runs ({JOB_RUNS_CONTRACT}) USING DELTA")


def _runs(spark, schema, *runs):
    """gold job_runs rows (job_id, run_id, start, minutes), succeeded, in one INSERT: each
    statement is a Delta commit, the cost of these tests."""
    values = ", ".join(f"('1', '{job_id}', '{run_id}', TIMESTAMP '{start}', TIMESTAMP '{start + minutes * MIN}', 'succeeded')"
                       for job_id, run_id, start, minutes in runs)
    spark.sql(f"INSERT INTO {schema}.job_runs (workspace_id, job_id, run_id, first_start_time, last_end_time, outcome) "
              f"VALUES {values}")


def _task(job_id, run_id, start, minutes, clusters):
    return {"workspace_id": "1", "job_id": job_id, "job_run_id": run_id, "run_id": f"t-{run_id}", "task_key": "main",
            "period_start_time": start, "period_end_time": start + minutes * MIN, "compute_ids": clusters,
            "result_state": "SUCCEEDED"}


def _minutes(cluster, start, minutes, workers, cpu, mem, node_type="m5.xlarge", first_instance=0):
    """node_timeline rows: a driver plus `workers` workers, one row per instance and minute."""
    rows = []
    for m in range(minutes):
        t = start + m * MIN
        for i in range(workers + 1):
            rows.append({"workspace_id": "1", "cluster_id": cluster, "instance_id": f"{cluster}-{first_instance + i}",
                         "start_time": t, "end_time": t + MIN, "driver": i == 0, "node_type": node_type,
                         "cpu_user_percent": cpu * 0.8, "cpu_system_percent": cpu * 0.2, "cpu_wait_percent": 1.0,
                         "mem_used_percent": mem, "mem_swap_percent": 0.0,
                         "network_sent_bytes": 1000, "network_received_bytes": 2000})
    return rows


#: utilization_setup.sql's thresholds as the stack passes them by default (stacks/config/resolve.ts:
#: observability.idleClusters 5 % / 30 minutes, observability.driverBound 70 % / 20 %).
THRESHOLDS = {"idle_cpu_percent": "5", "idle_min_minutes": "30", "driver_cpu_percent": "70", "worker_cpu_percent": "20"}


def _setup(spark, s, **thresholds):
    """sql/gold/utilization_setup.sql with the default thresholds, or the ones given."""
    run_sql_file(spark, "sql/gold/utilization_setup.sql", params(bronze_schema=s, gold_schema=s, **{**THRESHOLDS, **thresholds}))


@pytest.fixture
def platform(spark, fresh_schema):
    s = fresh_schema
    _job_runs(spark, s)
    # the idle-cluster view reads bronze node_timeline: it must exist (rows are appended below)
    create_bronze_table(spark, s, "system.compute.node_timeline")
    _setup(spark, s)
    t0 = NOW - dt.timedelta(hours=6)
    create_bronze_table(spark, s, "system.compute.node_types", [
        {"account_id": "a", "node_type": "m5.xlarge", "core_count": 4.0, "memory_mb": 16384, "gpu_count": 0}])
    _runs(spark, s,
          ("busy", "b1", t0, 10),  # busy: 2 workers at 85 % CPU
          # over-provisioned: 4 workers at 6 % CPU, 20 % memory; a hot minute AFTER the run must not count
          ("over", "o1", t0, 10),
          ("resize", "r1", t0, 10),  # resize: 1 worker for 5 minutes, then 3
          ("serverless", "s1", t0, 10),  # serverless: no cluster id
          # no task slice in bronze yet (late or broken flow): compute unknown, not serverless
          ("late", "l1", t0, 10),
          # shared all-purpose cluster: two jobs overlapping on c-shared, both idle
          ("shared_a", "sa1", t0, 10),
          ("shared_b", "sb1", t0 + 5 * MIN, 10),
          # driver-bound: the driver at 90 % CPU, its 2 workers at 10 %; 60 % memory (not over-provisioned)
          ("driver", "d1", t0, 10))
    create_bronze_table(spark, s, "system.lakeflow.job_task_run_timeline", [
        _task("busy", "b1", t0, 10, ["c-busy"]), _task("over", "o1", t0, 10, ["c-over"]),
        _task("resize", "r1", t0, 10, ["c-resize"]), _task("serverless", "s1", t0, 10, []),
        _task("shared_a", "sa1", t0, 10, ["c-shared"]), _task("shared_b", "sb1", t0 + 5 * MIN, 10, ["c-shared"]),
        _task("driver", "d1", t0, 10, ["c-driver"])])
    create_bronze_table(spark, s, "system.compute.node_timeline",
                        _minutes("c-busy", t0, 10, 2, 85.0, 70.0)
                        + _minutes("c-over", t0, 10, 4, 6.0, 20.0)
                        + _minutes("c-over", t0 + 10 * MIN, 3, 4, 99.0, 95.0)  # after the run
                        + _minutes("c-resize", t0, 5, 1, 60.0, 50.0)
                        + _minutes("c-resize", t0 + 5 * MIN, 5, 3, 60.0, 50.0, first_instance=10)
                        + _minutes("c-shared", t0, 15, 2, 3.0, 10.0)
                        + [dict(r, cpu_user_percent=72.0, cpu_system_percent=18.0) if r["driver"] else r
                           for r in _minutes("c-driver", t0, 10, 2, 10.0, 60.0)])
    return s


def _refresh(spark, s, lookback="0"):
    run_sql_file(spark, "sql/gold/utilization.sql", params(bronze_schema=s, gold_schema=s, lookback_hours=lookback))
    return {r.run_id: r for r in spark.table(f"{s}.job_run_utilization").collect()}


def _alert(spark, s, cpu=20, mem=40, min_runs=1):
    p = params(gold_schema=s, threshold=str(cpu), mem_threshold=str(mem), min_runs=str(min_runs))
    return run_sql_file(spark, "sql/alerts/job_overprovisioned.sql", p)


def test_utilization_per_run(spark, platform):
    rows = _refresh(spark, platform)
    busy, over, resize, serverless = rows["b1"], rows["o1"], rows["r1"], rows["s1"]
    assert (busy.compute_kind, busy.cluster_id, busy.max_nodes, busy.node_minutes) == ("classic", "c-busy", 3, 30)
    assert busy.avg_cpu_percent == pytest.approx(85.0) and busy.peak_mem_used_percent == pytest.approx(70.0)
    assert (busy.worker_node_type, busy.worker_core_count, busy.worker_memory_mb) == ("m5.xlarge", 4.0, 16384)
    assert busy.network_received_bytes == 30 * 2000 and busy.note is None
    # only the minutes inside the run window: the hot minutes after it do not count
    assert over.peak_cpu_percent == pytest.approx(6.0) and over.node_minutes == 50 and over.max_nodes == 5
    assert (resize.min_nodes, resize.max_nodes) == (2, 4)
    assert serverless.compute_kind == "serverless" and serverless.cluster_id is None
    assert serverless.avg_cpu_percent is None and serverless.node_minutes is None and "serverless" in serverless.note
    late = rows["l1"]
    assert (late.compute_kind, late.cluster_id, late.node_minutes) == ("no_task_timeline", None, None)
    assert "unknown" in late.note
    for run_id in ("sa1", "sb1"):
        assert rows[run_id].shared_with_runs == 1 and "shared" in rows[run_id].note


def test_the_alert_fires_only_on_the_overprovisioned_job(spark, platform):
    _refresh(spark, platform)
    fired = _alert(spark, platform)
    assert [(r.job_id, r.alert_key) for r in fired] == [("over", "1/over")]
    assert set(fired[0].asDict()) == {"alert_key", "job_id", "severity", "message", "value"}
    assert fired[0].value == pytest.approx(6.0) and "5 nodes" in fired[0].message
    assert _alert(spark, platform, cpu=5) == []  # the threshold is per environment
    assert _alert(spark, platform, min_runs=2) == []  # one run is not enough when asked for two
    signals = {r.job_id: r for r in run_sql(spark, f"SELECT * FROM {platform}.job_rightsizing")}
    assert "serverless" not in signals and signals["shared_a"].shared_runs == 1


def test_a_second_refresh_touches_only_new_runs(spark, platform):
    first = _refresh(spark, platform)
    again = _refresh(spark, platform)
    assert {k: v.refreshed_at for k, v in again.items()} == {k: v.refreshed_at for k, v in first.items()}
    later = NOW - dt.timedelta(hours=1)
    _runs(spark, platform, ("busy", "b2", later, 5))
    create_bronze_table(spark, platform, "system.lakeflow.job_task_run_timeline", [_task("busy", "b2", later, 5, ["c-busy"])])
    create_bronze_table(spark, platform, "system.compute.node_timeline", _minutes("c-busy", later, 5, 2, 40.0, 30.0))
    third = _refresh(spark, platform)
    assert set(third) == set(first) | {"b2"}
    assert third["b2"].avg_cpu_percent == pytest.approx(40.0)
    assert {k: third[k].refreshed_at for k in first} == {k: v.refreshed_at for k, v in first.items()}


def test_driver_bound_with_the_environment_thresholds(spark, platform):
    """driver_bound: more than one node, avg driver CPU >= driver_cpu_percent and avg worker CPU
    < worker_cpu_percent. The busy job's workers work, the over-provisioned job's driver idles."""
    _refresh(spark, platform)

    def driver_bound():
        return {r.job_id: r.driver_bound for r in run_sql(spark, f"SELECT * FROM {platform}.job_rightsizing")}

    signals = {r.job_id: r for r in run_sql(spark, f"SELECT * FROM {platform}.job_rightsizing")}
    driver = signals["driver"]
    assert (driver.max_nodes, driver.driver_avg_cpu_percent, driver.avg_cpu_percent) == (3, pytest.approx(90.0), pytest.approx(10.0))
    assert driver.driver_minus_worker_cpu == pytest.approx(80.0)
    assert driver_bound() == {"busy": False, "over": False, "resize": False, "shared_a": False, "shared_b": False, "driver": True}
    assert [r.job_id for r in _alert(spark, platform)] == ["over"]  # its memory is in use: not over-provisioned
    # the thresholds are the environment's, baked in at setup: a stricter driver level drops it
    _setup(spark, platform, driver_cpu_percent="95")
    assert driver_bound()["driver"] is False
    _setup(spark, platform, worker_cpu_percent="8")
    assert driver_bound()["driver"] is False
    _setup(spark, platform, driver_cpu_percent="80", worker_cpu_percent="90")  # now the busy job's workers count as idle
    assert {k for k, v in driver_bound().items() if v} == {"busy", "driver"}


def _idle_rows(t1):
    """node_timeline rows of the idle-stretch tests: c-idle idles 40 minutes (then 1 busy
    minute of one worker at 40 %, then 10 idle), c-short 20 minutes, c-hot runs at 40 %, c-old
    idled before the 30 days."""
    rows = _minutes("c-idle", t1, 40, 2, 2.0, 10.0)  # 40 minutes, driver + 2 workers under 5 %
    # minute 40: one worker busy, the rest idle: not every node idles, the stretch ends
    rows += [dict(r, cpu_user_percent=40.0) if r["instance_id"] == "c-idle-1" else r
             for r in _minutes("c-idle", t1 + 40 * MIN, 1, 2, 2.0, 10.0)]
    rows += _minutes("c-idle", t1 + 41 * MIN, 10, 2, 2.0, 10.0)  # idle again, 10 minutes: too short
    # an older ingestion of minute 5 said the driver was busy: the latest ingestion wins
    old = dt.datetime.now() - dt.timedelta(days=1)
    rows += [dict(r, cpu_user_percent=90.0, bronze_ingestion_timestamp=old)
             for r in _minutes("c-idle", t1 + 5 * MIN, 1, 2, 2.0, 10.0) if r["driver"]]
    rows += _minutes("c-short", t1, 20, 1, 1.0, 10.0)  # 20 idle minutes: under 30, not shown
    rows += _minutes("c-hot", t1, 50, 3, 40.0, 60.0)  # busy
    rows += _minutes("c-old", NOW - dt.timedelta(days=31), 40, 1, 1.0, 10.0)  # idle, but before the 30 days
    return rows


def _stretches(spark, s):
    return sorted((r.cluster_id, r.idle_minutes) for r in run_sql(spark, f"SELECT * FROM {s}.cluster_idle_stretches"))


def test_idle_stretches_of_at_least_30_minutes_where_every_node_idles(spark, platform):
    """Gaps and islands over node_timeline, default levels (5 %, 30 minutes): only c-idle's 40
    idle minutes show. The fixture's clusters do not: c-shared idles 15 minutes only, the others
    are busy."""
    t1 = NOW - dt.timedelta(hours=3)
    create_bronze_table(spark, platform, "system.compute.node_timeline", _idle_rows(t1))

    got = [r.asDict() for r in run_sql(spark, f"SELECT * FROM {platform}.cluster_idle_stretches")]
    assert got == [{
        "workspace_id": "1", "cluster_id": "c-idle", "stretch_start": t1, "stretch_end": t1 + 40 * MIN,
        "idle_minutes": 40, "max_nodes": 3, "min_nodes": 3, "idle_node_minutes": 120,
        "peak_cpu_percent": pytest.approx(2.0),
        "cluster_name": None, "owned_by": None,  # bronze clusters has no row for c-idle yet
    }]


def test_idle_stretches_carry_the_newest_cluster_name_and_owner(spark, platform):
    """bronze clusters is SCD2 (a row per change): the newest change_time names the cluster, a
    re-ingested copy of an older change does not; another workspace's c-idle is another cluster."""
    t1 = NOW - dt.timedelta(hours=3)
    create_bronze_table(spark, platform, "system.compute.node_timeline", _idle_rows(t1))
    day = dt.timedelta(days=1)
    create_bronze_table(spark, platform, "system.compute.clusters", [
        {"workspace_id": "1", "cluster_id": "c-idle", "cluster_name": "old name", "owned_by": "a@example.com",
         "change_time": NOW - 3 * day, "bronze_ingestion_timestamp": NOW - 3 * day},
        {"workspace_id": "1", "cluster_id": "c-idle", "cluster_name": "analytics-shared", "owned_by": "b@example.com",
         "change_time": NOW - 2 * day, "bronze_ingestion_timestamp": NOW - 2 * day},
        # the first change again, ingested later (a replayed stream): still the older change
        {"workspace_id": "1", "cluster_id": "c-idle", "cluster_name": "old name", "owned_by": "a@example.com",
         "change_time": NOW - 3 * day, "bronze_ingestion_timestamp": NOW - day},
        {"workspace_id": "2", "cluster_id": "c-idle", "cluster_name": "other workspace", "owned_by": "c@example.com",
         "change_time": NOW - day, "bronze_ingestion_timestamp": NOW - day},
    ])
    got = [(r.workspace_id, r.cluster_id, r.cluster_name, r.owned_by)
           for r in run_sql(spark, f"SELECT * FROM {platform}.cluster_idle_stretches")]
    assert got == [("1", "c-idle", "analytics-shared", "b@example.com")]


def test_idle_levels_come_from_the_environment(spark, platform):
    """observability.idleClusters: cpuPercent and minMinutes are baked into the view at setup."""
    create_bronze_table(spark, platform, "system.compute.node_timeline", _idle_rows(NOW - dt.timedelta(hours=3)))
    assert _stretches(spark, platform) == [("c-idle", 40)]
    # 15 minutes: c-short's 20 and the fixture's c-shared (15 minutes at 3 %) show; c-idle's
    # trailing 10 minutes still do not
    _setup(spark, platform, idle_min_minutes="15")
    assert _stretches(spark, platform) == [("c-idle", 40), ("c-shared", 15), ("c-short", 20)]
    # under 2.5 %: c-shared's 3 % is no longer idle (c-idle idles at 2 %, c-short at 1 %)
    _setup(spark, platform, idle_cpu_percent="2.5", idle_min_minutes="15")
    assert _stretches(spark, platform) == [("c-idle", 40), ("c-short", 20)]
    # under 50 %: c-hot's 40 % idles, and c-idle's busy minute (40.4 %) no longer ends its stretch
    _setup(spark, platform, idle_cpu_percent="50", idle_min_minutes="30")
    assert _stretches(spark, platform) == [("c-hot", 50), ("c-idle", 51)]
    _setup(spark, platform)
    assert _stretches(spark, platform) == [("c-idle", 40)]


def test_a_threshold_that_is_not_a_number_fails_the_cast_and_is_never_spliced(spark, platform):
    create_bronze_table(spark, platform, "system.compute.node_timeline", _idle_rows(NOW - dt.timedelta(hours=3)))
    _refresh(spark, platform)
    for name, value in [("idle_cpu_percent", "5 THEN 1 ELSE 0 END) AS all_idle FROM node_minutes --"),
                        ("idle_min_minutes", "30 OR true"), ("driver_cpu_percent", "0 OR true"), ("worker_cpu_percent", "abc")]:
        with pytest.raises(Exception, match="CAST_INVALID_INPUT"):
            _setup(spark, platform, **{name: value})
        # the views keep their last good definition
        assert _stretches(spark, platform) == [("c-idle", 40)], name
        assert {r.job_id for r in run_sql(spark, f"SELECT * FROM {platform}.job_rightsizing") if r.driver_bound} == {"driver"}, name
