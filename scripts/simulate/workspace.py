"""A deterministic synthetic Databricks workspace: system-table rows plus the injected story.

``generate(jobs, days, seed, as_of)`` returns a ``Workspace``: rows per system table (dicts keyed
by the documented column names; columns left out are NULL), the AI Gateway payload rows of the
served models, the ETL processes to run, and the ``Story`` (what was injected, i.e. what the
platform must find). Pure Python: no Spark here, so the same seed and as_of give the same rows.
Every timestamp is an offset from ``as_of`` (the alert queries look back from the real clock, so
the simulated workspace always ends "now").

Semantics encoded, each from its documentation page:

* Jobs system tables, https://docs.databricks.com/admin/system-tables/jobs.html
  - ``jobs`` / ``job_tasks`` are slowly changing dimensions: a change emits a new row
    (``change_time``), a deletion sets ``delete_time``; ``job_id`` is unique only per workspace.
  - ``job_run_timeline`` / ``job_task_run_timeline``: a run longer than an hour is emitted as
    several rows, one per clock-hour slice (``period_start_time`` .. ``period_end_time``);
    ``result_state`` / ``termination_code`` are set on the last slice only; a run still going has
    none. ``job_task_run_timeline.job_run_id`` is the parent job run.
  - Repairs keep the ``run_id``: each attempt ends with its own slice carrying a ``result_state``
    (the first FAILED, the repair SUCCEEDED); the repair re-runs only the failed task, as a new
    task run (https://docs.databricks.com/jobs/repair-job-failures.html).
  - ``trigger_type`` CRON / ONETIME_RETRY, ``run_type`` JOB_RUN, result states SUCCEEDED | FAILED
    | TIMED_OUT (same page). A timeout ends TIMED_OUT with termination code CANCELED ("canceled
    by the platform, e.g. if the maximum run duration was exceeded",
    https://databricks.github.io/sdk-js/api/types/_databricks_sdk-jobs.v2.TerminationCode_Code.html).
* Billable usage, https://docs.databricks.com/admin/system-tables/billing.html
  - hourly records (``usage_start_time``/``usage_end_time`` on hour boundaries, ``usage_date``
    the date of the start), ``usage_quantity`` DECIMAL in ``usage_unit`` DBU;
    ``usage_metadata.job_id`` / ``job_run_id`` attribute job compute to its run,
    ``usage_metadata.dlt_pipeline_id`` / ``endpoint_name`` / ``warehouse_id`` the other products;
    ``billing_origin_product`` JOBS | DLT | MODEL_SERVING | SQL.
  - corrections: a RETRACTION record negates an ORIGINAL and a RESTATEMENT restates it
    (``record_type``).
* Pricing, https://docs.databricks.com/admin/system-tables/pricing.html
  - a row per price change: ``price_start_time`` .. ``price_end_time`` (NULL = current);
    ``pricing.default`` the list price, ``pricing.promotional.default`` a temporary promotion,
    ``pricing.effective_list.default`` the price that applies (promotion resolved).
* Pipelines: ``pipeline_update_timeline`` (same jobs page, Lakeflow pipelines section):
  one row per update and hour slice, ``result_state`` COMPLETED | FAILED | CANCELED on the last.
* Compute, https://docs.databricks.com/admin/system-tables/compute.html
  - ``node_timeline``: one row per instance and minute (``start_time`` .. ``end_time``) with
    ``driver``, ``cpu_user_percent`` / ``cpu_system_percent`` / ``cpu_wait_percent``,
    ``mem_used_percent`` / ``mem_swap_percent``, ``network_sent_bytes`` /
    ``network_received_bytes``, ``disk_free_bytes_per_mount_point``, ``node_type``; serverless
    compute has none. ``node_types``: ``core_count``, ``memory_mb``, ``gpu_count`` per type.
    Only the minutes of runs ending in the NODE_TIMELINE_HOURS before the stale task timeline
    stops are generated: the utilization model can attribute only those (through their task
    slices), and per-minute rows would dominate the size otherwise. The over-provisioned job of
    the story idles at a few % CPU there; every other job works.
* AI Gateway inference tables,
  https://docs.databricks.com/ai-gateway/inference-tables.html: ``request``/``response`` raw
  JSON strings, ``databricks_request_id``, ``client_request_id``, ``request_time``,
  ``request_date``, ``status_code``, ``execution_duration_ms``, ``served_entity_id``,
  ``requester``; MLflow scoring protocol ``{"dataframe_records": [...]}`` ->
  ``{"predictions": [...]}`` (what notebooks/mlops_unpack_inference.py reads).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random
from dataclasses import dataclass, field
from typing import Any

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
ACCOUNT_ID = "a1b2c3d4-0000-4000-8000-00000000a11c"
WORKSPACE_ID = "1234567890123456"
CLOUD = "AWS"
RUN_AS = "svc-etl@example.com"

JOBS_SKU = "PREMIUM_JOBS_COMPUTE"
PHOTON_SKU = "PREMIUM_JOBS_COMPUTE_(PHOTON)"
DLT_SKU = "PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"
SERVING_SKU = "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA"
SQL_SKU = "PREMIUM_SQL_PRO_COMPUTE"
#: SKU -> (list price before, list price after the change or None, promotional price or None)
PRICES: dict[str, tuple[str, str | None, str | None]] = {
    JOBS_SKU: ("0.15", "0.20", None),  # the price change of the story
    PHOTON_SKU: ("0.30", None, None),
    DLT_SKU: ("0.35", None, None),
    SERVING_SKU: ("0.07", None, "0.05"),  # promotional: effective_list 0.05 below the list 0.07
    SQL_SKU: ("0.55", None, None),
}

#: The bronze table whose ingestion stops (its flow "breaks") STALE_HOURS before as_of.
STALE_TABLE = "job_task_run_timeline"
STALE_HOURS = 80
#: node_timeline minutes are generated for runs ending in (stale_since - NODE_TIMELINE_HOURS,
#: stale_since]: the utilization model attributes clusters through the task slices, which stop there.
NODE_TIMELINE_HOURS = 24
#: Workers per job cluster (system.compute.clusters.worker_count), plus one driver.
WORKERS = 2
#: An all-purpose cluster of the story that sits idle (every node under 3 % CPU) for
#: IDLE_MINUTES, ending two hours before the task timeline stops: what cluster_idle_stretches finds.
IDLE_CLUSTER = "0101-120000-idle-ap"
IDLE_MINUTES = 50

_DOMAINS = ("sales", "finance", "hr", "marketing", "supply", "crm", "web", "iot", "risk", "ml")
_VERBS = ("load", "sync", "aggregate", "export", "dedupe", "snapshot", "enrich", "scoring")
_TASK_SETS = (("ingest",), ("ingest", "transform"), ("ingest", "transform", "quality_checks"), ("extract", "load", "publish"))
PLATFORM_JOBS = (("900", "[observability] Bronze Orchestrator"), ("901", "[observability] Analytics Refresh"))
BRONZE_PIPELINE_DOMAINS = ("access", "billing", "compute", "lakeflow", "marketplace", "mlflow", "serving", "sharing")


@dataclass
class JobProfile:
    job_id: str
    name: str
    period_hours: int
    offset_minutes: int
    base_seconds: int
    spread: float  # successful durations are uniform in base * (1 +- spread)
    tasks: tuple
    dbu_per_hour: float
    sku: str
    cluster_id: str
    team: str
    timeout_seconds: int | None = None
    role: str = "background"
    deleted_at: dt.datetime | None = None
    renamed_to: str | None = None


@dataclass
class Story:
    """What was injected: exactly what the platform must find (keys as the alert queries build them)."""

    as_of: dt.datetime
    failing_job: str
    failed_runs: list
    repaired_job: str
    repaired_run: str
    timeout_job: str
    timeout_run: str
    anomaly_job: str
    anomaly_run: str
    spike_job: str
    spike_date: dt.date
    stale_table: str
    stale_since: dt.datetime
    price_change_sku: str
    price_change_at: dt.datetime
    etl_blocked: dict
    overprovisioned_job: str = ""
    idle_cluster: str = IDLE_CLUSTER
    idle_stretch: tuple = ()  # (start, end) of its idle minutes
    daily_list_cost: dict = field(default_factory=dict)

    def expected_alert_keys(self, gold_model: bool = False) -> dict:
        """alert kind -> sorted alert_key values that must fire; every other kind stays quiet.
        ``gold_model``: the alert queries read the gold run model (#14), whose cost alert is
        per workspace (key <workspace_id>/<date>)."""
        spike_key = f"{WORKSPACE_ID}/{self.spike_date.isoformat()}" if gold_model else self.spike_date.isoformat()
        return {
            "failed_job_runs": [f"{WORKSPACE_ID}/{self.failing_job}"],
            "job_duration_anomaly": [f"{WORKSPACE_ID}/{self.anomaly_job}/{self.anomaly_run}"],
            "dbu_cost_spike": [spike_key],
            "bronze_ingestion_stale": [self.stale_table],
            "etl_mandatory_blockers": [self.etl_blocked["alert_key"]],
            "job_health_low": [],
            "platform_failures": [],
            "job_overprovisioned": [f"{WORKSPACE_ID}/{self.overprovisioned_job}"],
        }

    def expected_report_runs(self, gold_model: bool = False) -> list:
        """(job_id, run_id, status) of the failed-run report over the last 24 hours; with the gold
        run model a repaired failure is reported once, as REPAIRED."""
        rows = [(self.failing_job, r, "FAILED") for r in self.failed_runs]
        if gold_model:
            rows.append((self.repaired_job, self.repaired_run, "REPAIRED"))
        return sorted(rows + [(self.timeout_job, self.timeout_run, "TIMED_OUT")])


@dataclass
class Workspace:
    as_of: dt.datetime
    seed: int
    jobs: list
    tables: dict  # system table name -> list of row dicts
    stale_tail: list  # rows of system.lakeflow.<STALE_TABLE> that arrive after its flow broke
    payloads: dict  # model name -> payload rows
    labels: dict  # model name -> label rows (client_request_id, label)
    etl_processes: list
    story: Story

    def row_counts(self) -> dict:
        counts = {name: len(rows) for name, rows in self.tables.items()}
        counts[f"system.lakeflow.{STALE_TABLE}"] += len(self.stale_tail)
        return counts


def _d(value: float | str) -> decimal.Decimal:
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.000001"))


def _slices(start: dt.datetime, end: dt.datetime, as_of: dt.datetime):
    """(slice_start, slice_end, is_last) per clock hour of [start, min(end, as_of)]."""
    stop = min(end, as_of)
    cursor = start
    while cursor < stop:
        boundary = cursor.replace(minute=0, second=0, microsecond=0) + HOUR
        slice_end = min(boundary, stop)
        yield cursor, slice_end, slice_end == end
        cursor = slice_end


class _Ids:
    def __init__(self, start: int):
        self.n = start

    def next(self) -> str:
        self.n += 1
        return str(self.n)


def _profiles(rng: random.Random, n: int, as_of: dt.datetime) -> list:
    jobs = []
    for i in range(n):
        name = f"{_DOMAINS[i % len(_DOMAINS)]}_{_VERBS[(i // len(_DOMAINS) + i) % len(_VERBS)]}"
        if i >= len(_DOMAINS) * len(_VERBS):
            name += f"_{i}"
        long_run = i % 7 == 3 and i >= 7  # runs for hours: several timeline slices per run
        if i < 4:  # the first four run several times a day: the story needs runs in the last 24 h
            period, base = rng.choice((1, 2, 4)), rng.randint(3, 25) * 60
        elif i < 6:
            period, base = rng.choice((12, 24)), rng.randint(10, 60) * 60
        elif long_run:
            period, base = rng.choice((24, 12)), rng.randint(80, 200) * 60
        else:
            period, base = rng.choice((1, 2, 4, 6, 12, 24)), rng.randint(3, 40) * 60
        base = min(base, period * 3600 * 3 // 4)  # a run ends before the next one starts
        jobs.append(JobProfile(
            job_id=str(1000 + i), name=name, period_hours=period, offset_minutes=rng.randint(0, 50),
            base_seconds=base, spread=0.25, tasks=_TASK_SETS[i % len(_TASK_SETS)],
            dbu_per_hour=round(rng.uniform(2, 16), 2), sku=PHOTON_SKU if i % 5 == 4 else JOBS_SKU,
            cluster_id=f"0101-{100000 + i}-job{i:03d}", team=_DOMAINS[i % len(_DOMAINS)],
        ))
    return jobs


def _assign_roles(rng: random.Random, jobs: list, as_of: dt.datetime) -> dict:
    """Picks the jobs of the story (distinct, deterministic for the seed)."""
    frequent = [j for j in jobs if j.period_hours <= 4 and j.base_seconds <= 1800]
    daily = [j for j in jobs if j not in frequent]
    if len(frequent) < 4 or len(daily) < 2:
        raise ValueError("need at least 8 jobs (--jobs 8) to place the story")
    failing, anomaly, repaired, timeout = rng.sample(frequent, 4)
    spike, deleted = rng.sample(daily, 2)
    for job, role in ((failing, "failing"), (anomaly, "anomaly"), (repaired, "repaired"), (timeout, "timeout"),
                      (spike, "spike"), (deleted, "deleted")):
        job.role = role
    timeout.spread = 0.45  # a noisy job whose timeout sits just above its slowest normal run
    timeout.timeout_seconds = int(timeout.base_seconds * 1.45)
    deleted.deleted_at = as_of - 3 * DAY
    renamed = [j for j in jobs if j.role == "background"][:1]
    for j in renamed:
        j.renamed_to = j.name + "_v2"
    # over-provisioned: a background job running often enough for several judged runs in the
    # node-timeline window; the last background job is made to if none does
    background = [j for j in jobs if j.role == "background"]
    over = next((j for j in reversed(background) if j.period_hours <= 6), background[-1])
    over.role = "overprovisioned"
    over.period_hours = min(over.period_hours, 6)
    over.base_seconds = min(over.base_seconds, over.period_hours * 3600 * 3 // 4)
    return {"failing": failing, "anomaly": anomaly, "repaired": repaired, "timeout": timeout, "spike": spike,
            "overprovisioned": over}


def generate(jobs: int = 24, days: int = 14, seed: int = 7, as_of: dt.datetime | None = None) -> Workspace:
    if jobs < 8:
        raise ValueError(f"--jobs must be at least 8 (the story needs 8 distinct jobs), got {jobs}")
    if days < 4:
        raise ValueError(f"--days must be at least 4 (the stale table stops {STALE_HOURS} h ago), got {days}")
    as_of = (as_of or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    start = (as_of - days * DAY).replace(minute=0)
    profiles = _profiles(rng, jobs, as_of)
    roles = _assign_roles(rng, profiles, as_of)
    run_ids, task_run_ids, record_ids = _Ids(500_000_000), _Ids(700_000_000), _Ids(0)
    tables: dict[str, list] = {}
    runs_t, tasks_t, usage_t = [], [], []

    stale_since = as_of - STALE_HOURS * HOUR
    price_change_at = dt.datetime.combine(as_of.date() - dt.timedelta(days=min(6, days - 2)), dt.time())
    yesterday = as_of.date() - dt.timedelta(days=1)

    failing_window = (as_of - 22 * HOUR, as_of - HOUR)
    node_rows: list = []
    node_since = stale_since - NODE_TIMELINE_HOURS * HOUR
    # a separate stream for the per-minute metrics, so they do not shift the story's runs
    node_rng = random.Random(seed * 1_000_003 + 17)
    judged_runs: dict[str, int] = {}

    def emit_nodes(job: JobProfile, a_start: dt.datetime, a_end: dt.datetime, result: str | None) -> None:
        if a_end <= node_since or a_end > stale_since:
            return
        idle = job.role == "overprovisioned"
        if result == "SUCCEEDED":
            judged_runs[job.job_id] = judged_runs.get(job.job_id, 0) + 1
        minute = a_start.replace(second=0, microsecond=0)
        while minute < min(a_end, as_of):
            for i in range(WORKERS + 1):
                driver = i == 0
                cpu = node_rng.uniform(2, 9) if idle else node_rng.uniform(10, 25) if driver else node_rng.uniform(35, 90)
                mem = node_rng.uniform(12, 30) if idle else node_rng.uniform(45, 85)
                node_rows.append({
                    "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "cluster_id": job.cluster_id,
                    "instance_id": f"{job.cluster_id}-{'driver' if driver else f'worker-{i}'}",
                    "start_time": minute, "end_time": minute + dt.timedelta(minutes=1), "driver": driver,
                    "cpu_user_percent": round(cpu * 0.8, 2), "cpu_system_percent": round(cpu * 0.2, 2),
                    "cpu_wait_percent": round(node_rng.uniform(0, 3), 2), "mem_used_percent": round(mem, 2),
                    "mem_swap_percent": 0.0, "network_sent_bytes": node_rng.randint(10**5, 10**8),
                    "network_received_bytes": node_rng.randint(10**5, 10**8),
                    "disk_free_bytes_per_mount_point": {"/": 150 * 10**9, "/local_disk0": 800 * 10**9},
                    "node_type": "i3.xlarge"})
            minute += dt.timedelta(minutes=1)
    story_runs: dict[str, list] = {"failing": [], "anomaly": [], "repaired": [], "timeout": []}

    def price(sku: str, at: dt.datetime) -> decimal.Decimal:
        before, after, _ = PRICES[sku]
        return decimal.Decimal(after if after and at >= price_change_at else before)

    daily_cost: dict[dt.date, decimal.Decimal] = {}

    def bill(job: JobProfile, run_id: str, begin: dt.datetime, end: dt.datetime, dbu_per_hour: float) -> None:
        # One usage record per clock hour the run used compute (records are hourly aggregates).
        for s, e, _ in _slices(begin, end, as_of):
            hour = s.replace(minute=0, second=0, microsecond=0)
            qty = _d(dbu_per_hour * (e - s).total_seconds() / 3600)
            usage_t.append(_usage_row(record_ids.next(), job.sku, hour, qty, "JOBS",
                                      {"job_id": job.job_id, "job_run_id": run_id, "cluster_id": job.cluster_id,
                                       "job_name": job.name, "node_type": "i3.xlarge"},
                                      {"team": job.team, "env": "sim"}))
            daily_cost[hour.date()] = daily_cost.get(hour.date(), decimal.Decimal(0)) + qty * price(job.sku, hour)

    def emit_run(job: JobProfile, run_id: str, attempts: list, trigger: str = "CRON") -> None:
        """attempts: [(start, end, result_state, termination_code, failed_task or None)]; a second
        attempt is a repair: it re-runs the failed task and the tasks after it, which never ran."""
        for n, (a_start, a_end, result, code, failed_task) in enumerate(attempts):
            for s, e, last in _slices(a_start, a_end, as_of):
                runs_t.append({
                    "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "job_id": job.job_id, "run_id": run_id,
                    "period_start_time": s, "period_end_time": e, "trigger_type": trigger if n == 0 else "ONETIME_RETRY",
                    "run_type": "JOB_RUN", "run_name": job.name, "compute_ids": [job.cluster_id],
                    "result_state": result if last else None, "termination_code": code if last else None,
                    # map<string,map<string,string>> per the schema file; nothing reads it and the
                    # inner map's keys are not documented, so it stays NULL rather than invented.
                    "job_parameters": None,
                })
            keys = job.tasks if n == 0 else job.tasks[job.tasks.index(attempts[0][4]):]
            emit_tasks(job, run_id, keys, a_start, a_end, result, code, failed_task)
            bill(job, run_id, a_start, a_end, job.dbu_per_hour)
            emit_nodes(job, a_start, a_end, result)

    def emit_tasks(job, run_id, keys, a_start, a_end, result, code, failed_task) -> None:
        span = (a_end - a_start) / len(keys)
        for k, key in enumerate(keys):
            t_start, t_end = a_start + span * k, a_start + span * (k + 1)
            if failed_task and key == failed_task:
                t_result, t_code = result, code
            elif failed_task and job.tasks.index(key) > job.tasks.index(failed_task):
                break  # downstream tasks never start
            elif result is None:
                t_result, t_code = None, None
            else:
                t_result, t_code = "SUCCEEDED", "SUCCESS"
            tid = task_run_ids.next()
            for s, e, last in _slices(t_start, t_end, as_of):
                tasks_t.append({
                    "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "job_id": job.job_id, "run_id": tid,
                    "job_run_id": run_id, "parent_run_id": run_id, "period_start_time": s, "period_end_time": e,
                    "task_key": key, "compute_ids": [job.cluster_id],
                    "result_state": t_result if last else None, "termination_code": t_code if last else None,
                })

    for job in profiles:
        slot = start + dt.timedelta(minutes=job.offset_minutes)
        while slot < as_of:
            if job.deleted_at and slot >= job.deleted_at:
                break
            run_start = slot + dt.timedelta(seconds=rng.randint(0, 120))
            slot += dt.timedelta(hours=job.period_hours)
            duration = job.base_seconds * (1 + rng.uniform(-job.spread, job.spread))
            run_end = run_start + dt.timedelta(seconds=int(duration))
            run_id = run_ids.next()
            result, code, failed_task = "SUCCEEDED", "SUCCESS", None
            in_last_day = run_end > as_of - 24 * HOUR - 2 * HOUR
            if job.role == "failing" and failing_window[0] <= run_end <= failing_window[1] and len(story_runs["failing"]) < 3:
                failed_task = job.tasks[-1]
                result, code = "FAILED", "RUN_EXECUTION_ERROR"
                run_end = run_start + dt.timedelta(seconds=int(duration * 0.9))
                story_runs["failing"].append(run_id)
            elif job.role == "anomaly" and as_of - 10 * HOUR <= run_start \
                    and run_start + dt.timedelta(seconds=job.base_seconds * 6) < as_of - HOUR and not story_runs["anomaly"]:
                run_end = run_start + dt.timedelta(seconds=int(job.base_seconds * 6))  # six times the usual
                story_runs["anomaly"].append(run_id)
            elif job.role == "timeout" and as_of - 12 * HOUR <= run_start and run_start + dt.timedelta(seconds=job.timeout_seconds) < as_of - HOUR \
                    and not story_runs["timeout"]:
                result, code = "TIMED_OUT", "CANCELED"
                failed_task = job.tasks[-1]
                run_end = run_start + dt.timedelta(seconds=job.timeout_seconds)
                story_runs["timeout"].append(run_id)
            elif job.role == "repaired" and as_of - 16 * HOUR <= run_start <= as_of - 6 * HOUR and not story_runs["repaired"]:
                # The last task fails early (a fifth into it); a minute later the run is repaired,
                # which re-runs only that task: the run's work is about one normal run.
                failed_task = job.tasks[-1]
                share = duration / len(job.tasks)
                first_end = run_start + dt.timedelta(seconds=int(duration - share + share / 5))
                repair_start = first_end + dt.timedelta(minutes=1)
                repair_end = repair_start + dt.timedelta(seconds=int(share))
                emit_run(job, run_id, [(run_start, first_end, "FAILED", "RUN_EXECUTION_ERROR", failed_task),
                                       (repair_start, repair_end, "SUCCEEDED", "SUCCESS", None)])
                story_runs["repaired"].append(run_id)
                continue
            elif not in_last_day and job.role == "background" and rng.random() < 0.02:
                # Background noise: occasional failures, all older than the alerts' 24 h look-back.
                failed_task = rng.choice(job.tasks)
                result, code = "FAILED", rng.choice(("RUN_EXECUTION_ERROR", "DRIVER_ERROR", "CLUSTER_ERROR"))
            if run_end > as_of:
                result, code = None, None  # still running: no result yet
            emit_run(job, run_id, [(run_start, run_end, result, code, failed_task)])

    # The cost spike: a one-off ONETIME backfill on the spike job's cluster yesterday, sized so that
    # yesterday's list cost is about 2.5x the day before (+150 % against the 100 % threshold). It
    # lasts as long as the job's usual run and burns the extra DBUs at a higher rate (a bigger
    # cluster), so it is a cost spike and not also a duration anomaly: a longer backfill was one
    # whenever the simulation ran before ~13:00 UTC, the anomaly look-back then reaching it.
    spike = roles["spike"]
    day_before = yesterday - dt.timedelta(days=1)
    extra_usd = daily_cost.get(day_before, decimal.Decimal(0)) * decimal.Decimal("1.5") - (
        daily_cost.get(yesterday, decimal.Decimal(0)) - daily_cost.get(day_before, decimal.Decimal(0)))
    backfill_start = dt.datetime.combine(yesterday, dt.time(9, 5))
    backfill_end = backfill_start + dt.timedelta(seconds=spike.base_seconds)
    backfill_rate = float(extra_usd / price(spike.sku, backfill_start)) / (spike.base_seconds / 3600)
    spike_run = run_ids.next()
    saved_rate = spike.dbu_per_hour
    spike.dbu_per_hour = round(backfill_rate, 2)
    emit_run(spike, spike_run, [(backfill_start, backfill_end, "SUCCEEDED", "SUCCESS", None)], trigger="ONETIME")
    spike.dbu_per_hour = saved_rate

    # Platform's own jobs (bronze orchestrator, analytics refresh): daily, always succeed.
    platform = []
    for job_id, name in PLATFORM_JOBS:
        p = JobProfile(job_id=job_id, name=name, period_hours=24, offset_minutes=5, base_seconds=900, spread=0.1,
                       tasks=("setup", "ingest", "merge") if job_id == "900" else ("gold",), dbu_per_hour=3.0,
                       sku=JOBS_SKU, cluster_id=f"0101-9000{job_id}-platform", team="platform", role="platform")
        platform.append(p)
        slot = start + dt.timedelta(hours=2, minutes=5)
        while slot + HOUR < as_of:
            emit_run(p, run_ids.next(), [(slot, slot + dt.timedelta(seconds=900), "SUCCEEDED", "SUCCESS", None)])
            slot += DAY

    # A billing correction five days ago: the first record of that day is retracted and restated.
    corrected_day = as_of.date() - dt.timedelta(days=min(5, days - 1))
    original = next(u for u in usage_t if u["usage_date"] == corrected_day and u["record_type"] == "ORIGINAL")
    usage_t.append({**original, "record_id": record_ids.next(), "record_type": "RETRACTION",
                    "usage_quantity": -original["usage_quantity"], "ingestion_date": corrected_day + DAY})
    usage_t.append({**original, "record_id": record_ids.next(), "record_type": "RESTATEMENT",
                    "usage_quantity": _d(float(original["usage_quantity"]) * 0.9), "ingestion_date": corrected_day + DAY})

    pipelines, updates = _pipelines(start, as_of, usage_t, record_ids)
    payloads, labels, serving_usage = _inference(rng, start, as_of, record_ids)
    usage_t += serving_usage + _warehouse_usage(start, as_of, record_ids)

    tables["system.lakeflow.jobs"] = _jobs_rows(profiles + platform, start)
    tables["system.lakeflow.job_tasks"] = _job_task_rows(profiles + platform, start)
    tables["system.lakeflow.job_run_timeline"] = runs_t
    tables[f"system.lakeflow.{STALE_TABLE}"] = [r for r in tasks_t if r["period_end_time"] <= stale_since]
    stale_tail = [r for r in tasks_t if r["period_end_time"] > stale_since]
    tables["system.lakeflow.pipelines"] = pipelines
    tables["system.lakeflow.pipeline_update_timeline"] = updates
    tables["system.billing.usage"] = usage_t
    tables["system.billing.list_prices"] = _price_rows(price_change_at)
    tables["system.compute.clusters"] = _cluster_rows(profiles + platform, start) + [{
        "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "cluster_id": IDLE_CLUSTER, "cluster_name": "shared-analysis",
        "owned_by": "analyst@example.com", "create_time": start - 30 * DAY, "driver_node_type": "i3.xlarge",
        "worker_node_type": "i3.xlarge", "worker_count": WORKERS, "auto_termination_minutes": 120, "tags": {"team": "analytics"},
        "cluster_source": "UI", "dbr_version": "16.4.x-scala2.12", "change_time": start - 30 * DAY,
        "change_date": (start - 30 * DAY).date(), "data_security_mode": "USER_ISOLATION"}]
    tables["system.compute.warehouses"] = [{
        "warehouse_id": "wh-0001", "workspace_id": WORKSPACE_ID, "account_id": ACCOUNT_ID,
        "warehouse_name": "observability", "warehouse_type": "PRO", "warehouse_channel": "CURRENT",
        "warehouse_size": "Small", "min_clusters": 1, "max_clusters": 2, "auto_stop_minutes": 10,
        "tags": {"team": "platform"}, "change_time": start - 30 * DAY, "delete_time": None}]
    idle_end = (stale_since - 2 * HOUR).replace(second=0, microsecond=0)
    idle_start = idle_end - dt.timedelta(minutes=IDLE_MINUTES)
    minute = idle_start
    while minute < idle_end:
        for i in range(WORKERS + 1):
            node_rows.append({
                "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "cluster_id": IDLE_CLUSTER,
                "instance_id": f"{IDLE_CLUSTER}-{'driver' if i == 0 else f'worker-{i}'}", "start_time": minute,
                "end_time": minute + dt.timedelta(minutes=1), "driver": i == 0,
                "cpu_user_percent": round(node_rng.uniform(0.2, 2.0), 2), "cpu_system_percent": round(node_rng.uniform(0.1, 0.9), 2),
                "cpu_wait_percent": 0.0, "mem_used_percent": round(node_rng.uniform(8, 15), 2), "mem_swap_percent": 0.0,
                "network_sent_bytes": node_rng.randint(10**3, 10**5), "network_received_bytes": node_rng.randint(10**3, 10**5),
                "disk_free_bytes_per_mount_point": {"/": 150 * 10**9}, "node_type": "i3.xlarge"})
        minute += dt.timedelta(minutes=1)
    tables["system.compute.node_timeline"] = node_rows
    tables["system.compute.node_types"] = [
        {"account_id": ACCOUNT_ID, "node_type": n, "core_count": c, "memory_mb": m, "gpu_count": 0}
        for n, c, m in (("i3.xlarge", 4.0, 31232), ("i3.2xlarge", 8.0, 62464), ("m5d.large", 2.0, 8192))]
    tables["system.access.workspaces_latest"] = [{
        "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "workspace_name": "sim-workspace",
        "workspace_url": "https://sim-workspace.cloud.databricks.com", "create_time": start - 400 * DAY, "status": "RUNNING"}]

    etl = _etl_processes(as_of)
    story = Story(
        as_of=as_of, failing_job=roles["failing"].job_id, failed_runs=story_runs["failing"],
        repaired_job=roles["repaired"].job_id, repaired_run=(story_runs["repaired"] or [""])[0],
        timeout_job=roles["timeout"].job_id, timeout_run=(story_runs["timeout"] or [""])[0],
        anomaly_job=roles["anomaly"].job_id, anomaly_run=(story_runs["anomaly"] or [""])[0],
        spike_job=spike.job_id, spike_date=yesterday, stale_table=STALE_TABLE, stale_since=stale_since,
        price_change_sku=JOBS_SKU, price_change_at=price_change_at,
        etl_blocked=etl[1]["blocked"], overprovisioned_job=roles["overprovisioned"].job_id,
        idle_stretch=(idle_start, idle_end), daily_list_cost={d.isoformat(): float(c) for d, c in sorted(daily_cost.items())},
    )
    _check_story(story, roles)
    if judged_runs.get(story.overprovisioned_job, 0) < 3:
        raise ValueError(f"could not place 3 successful over-provisioned runs of job {story.overprovisioned_job} "
                         f"with node timeline (try another --seed)")
    return Workspace(as_of=as_of, seed=seed, jobs=profiles + platform, tables=tables, stale_tail=stale_tail,
                     payloads=payloads, labels=labels, etl_processes=etl, story=story)


def _check_story(story: Story, roles: dict) -> None:
    """The generator refuses a seed/size whose story could not be placed completely."""
    for role in ("anomaly", "repaired", "timeout"):
        if not story_runs_placed(story, role):
            raise ValueError(f"could not place the {role} run in the last 24 h (try another --seed)")
    if len(story.failed_runs) != 3:
        raise ValueError(f"could not place 3 failed runs for job {story.failing_job} in the last 24 h")
    costs = story.daily_list_cost
    y, b = story.spike_date.isoformat(), (story.spike_date - DAY).isoformat()
    if not (b in costs and costs[b] > 0 and (costs[y] - costs[b]) / costs[b] >= 1.2):
        raise ValueError(f"cost spike not placed: {costs.get(b)} -> {costs.get(y)}")


def story_runs_placed(story: Story, role: str) -> bool:
    return bool(getattr(story, f"{role}_run"))


def _usage_row(record_id, sku, hour, qty, product, metadata, tags, features=None) -> dict:
    return {
        "account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "record_id": f"rec-{int(record_id):09d}",
        "sku_name": sku, "cloud": CLOUD, "usage_start_time": hour, "usage_end_time": hour + HOUR,
        "usage_date": hour.date(), "custom_tags": tags, "usage_unit": "DBU", "usage_quantity": qty,
        "usage_metadata": metadata, "identity_metadata": {"run_as": RUN_AS, "created_by": None, "owned_by": None},
        "record_type": "ORIGINAL", "ingestion_date": hour.date(), "billing_origin_product": product,
        "product_features": features or {"jobs_tier": "PREMIUM", "is_serverless": False, "is_photon": "PHOTON" in sku},
        "usage_type": "COMPUTE_TIME",
    }


def _price_rows(change_at: dt.datetime) -> list:
    rows = []
    origin = dt.datetime(2024, 1, 1)
    for sku, (before, after, promo) in PRICES.items():
        periods = [(origin, change_at, before), (change_at, None, after)] if after else [(origin, None, before)]
        for begin, end, list_price in periods:
            effective = promo or list_price
            rows.append({
                "price_start_time": begin, "price_end_time": end, "account_id": ACCOUNT_ID, "sku_name": sku,
                "cloud": CLOUD, "currency_code": "USD", "usage_unit": "DBU",
                "pricing": {"default": decimal.Decimal(list_price),
                            "promotional": {"default": decimal.Decimal(promo)} if promo else None,
                            "effective_list": {"default": decimal.Decimal(effective)}},
            })
    return rows


def _jobs_rows(jobs: list, start: dt.datetime) -> list:
    rows = []
    for j in jobs:
        base = {"account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "job_id": j.job_id, "description": f"{j.name} (simulated)",
                "creator_id": "4242", "tags": {"team": j.team}, "run_as": RUN_AS, "delete_time": None}
        rows.append({**base, "name": j.name, "change_time": start - 20 * DAY})
        if j.renamed_to:
            rows.append({**base, "name": j.renamed_to, "change_time": start + 2 * DAY})
        if j.deleted_at:
            rows.append({**base, "name": j.name, "change_time": j.deleted_at, "delete_time": j.deleted_at})
    return rows


def _job_task_rows(jobs: list, start: dt.datetime) -> list:
    return [{"account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "job_id": j.job_id, "task_key": key,
             "depends_on_keys": list(j.tasks[i - 1:i]), "change_time": start - 20 * DAY, "delete_time": None}
            for j in jobs for i, key in enumerate(j.tasks)]


def _cluster_rows(jobs: list, start: dt.datetime) -> list:
    return [{"account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "cluster_id": j.cluster_id,
             "cluster_name": f"job-{j.job_id}", "owned_by": RUN_AS, "create_time": start - 20 * DAY,
             "driver_node_type": "i3.xlarge", "worker_node_type": "i3.xlarge", "worker_count": 2,
             "auto_termination_minutes": 0, "tags": {"team": j.team}, "cluster_source": "JOB",
             "dbr_version": "16.4.x-scala2.12", "change_time": start - 20 * DAY, "change_date": (start - 20 * DAY).date(),
             "data_security_mode": "SINGLE_USER"} for j in jobs]


def _pipelines(start, as_of, usage_t, record_ids):
    pipelines, updates = [], []
    for i, domain in enumerate(BRONZE_PIPELINE_DOMAINS):
        pid = f"pl-{i:02d}-bronze-{domain}"
        pipelines.append({"account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "pipeline_id": pid, "pipeline_type": "ETL",
                          "name": f"[observability] bronze {domain}", "created_by": RUN_AS, "run_as": RUN_AS,
                          "tags": {"team": "platform"}, "settings": {"photon": True, "development": False, "continuous": False,
                                                                     "serverless": True, "edition": "ADVANCED", "channel": "CURRENT"},
                          "configuration": {}, "change_time": start - 20 * DAY, "delete_time": None})
        day = start.replace(hour=2, minute=10 + i)
        n = 0
        while day + HOUR < as_of:
            n += 1
            uid = f"upd-{i:02d}-{n:04d}"
            end = day + dt.timedelta(minutes=20 + 3 * i)
            updates.append({"account_id": ACCOUNT_ID, "workspace_id": WORKSPACE_ID, "pipeline_id": pid, "update_id": uid,
                            "update_type": "DEFAULT", "run_as_user_name": RUN_AS, "trigger_type": "JOB_TASK",
                            "trigger_details": {"job_task": {"job_id": "900", "job_task_run_id": None, "performance_target": None}},
                            "result_state": "COMPLETED", "compute": {"type": "SERVERLESS", "cluster_id": None},
                            "period_start_time": day, "period_end_time": end})
            hour = day.replace(minute=0)
            usage_t.append(_usage_row(record_ids.next(), DLT_SKU, hour, _d(0.8 + 0.1 * i), "DLT",
                                      {"dlt_pipeline_id": pid, "dlt_update_id": uid}, {"team": "platform"},
                                      {"dlt_tier": "ADVANCED", "is_serverless": True}))
            day += DAY
    return pipelines, updates


def _warehouse_usage(start, as_of, record_ids) -> list:
    rows = []
    hour = start.replace(hour=8)
    while hour + HOUR <= as_of:
        if 8 <= hour.hour < 18:  # business hours
            rows.append(_usage_row(record_ids.next(), SQL_SKU, hour, _d(1.5), "SQL", {"warehouse_id": "wh-0001"},
                                   {"team": "analytics"}, {"sql_tier": "PRO", "is_serverless": False}))
        hour += HOUR
    return rows


# Template presets of the processed inference table (stacks/config/mlops-schema.ts TEMPLATE_PRESETS).
TEMPLATE_COLUMNS = {
    "classification": ("string", {"prediction": "prediction", "label": "label", "modelId": "model_id", "timestamp": "timestamp"}),
    "regression": ("double", {"prediction": "prediction", "label": "label", "modelId": "model_id", "timestamp": "timestamp"}),
    "forecasting": ("double", {"prediction": "forecast", "label": "actual", "modelId": "model_id", "timestamp": "timestamp"}),
}
#: Models as in environments/dev.yaml (mlops.models); the runner passes the file's own list.
DEFAULT_MODELS = [
    {"name": "churn_classifier", "template": "classification",
     "features": [{"name": "tenure_months", "type": "double"}, {"name": "plan", "type": "string"},
                  {"name": "monthly_charges", "type": "double"}]},
    {"name": "demand_forecast", "template": "forecasting",
     "features": [{"name": "store_id", "type": "string"}, {"name": "horizon_days", "type": "int"}]},
]
#: Per model and day: requests logged, of which malformed and non-200.
REQUESTS_PER_DAY, MALFORMED_PER_DAY, FAILED_PER_DAY = 6, 1, 1


def _feature_value(rng: random.Random, f: dict) -> Any:
    if f["type"] in ("double",):
        return round(rng.uniform(1, 120), 2)
    if f["type"] in ("int", "bigint"):
        return rng.randint(1, 30)
    if f["type"] == "boolean":
        return rng.random() < 0.5
    return rng.choice(("basic", "plus", "pro")) if f["name"] == "plan" else f"s{rng.randint(1, 40):03d}"


def _inference(rng: random.Random, start, as_of, record_ids, models: list | None = None):
    payloads, labels, usage = {}, {}, []
    for m_index, model in enumerate(models or DEFAULT_MODELS):
        rows, label_rows = [], []
        prediction_type = TEMPLATE_COLUMNS[model["template"]][0]
        day = start.replace(hour=0, minute=0) + DAY
        n = 0
        while day < as_of - HOUR:
            for k in range(REQUESTS_PER_DAY):
                n += 1
                t = day + dt.timedelta(hours=2 + 3 * k, minutes=rng.randint(0, 59))
                if t >= as_of:
                    break
                records = [{f["name"]: _feature_value(rng, f) for f in model["features"]} for _ in range(rng.randint(1, 3))]
                if prediction_type == "string":
                    preds = [rng.choice(("churn", "stay")) for _ in records]
                else:
                    preds = [round(rng.uniform(10, 500), 1) for _ in records]
                status, request, response = 200, json.dumps({"dataframe_records": records}), json.dumps({"predictions": preds})
                if k == 1 and MALFORMED_PER_DAY:
                    response = json.dumps({"predictions": preds[:-1] or None})  # record/prediction count mismatch
                elif k == 2 and FAILED_PER_DAY:
                    status, response = 503, json.dumps({"error_code": "TEMPORARILY_UNAVAILABLE"})
                rid = f"{model['name']}-req-{n:06d}"
                rows.append({"request_date": t.date(), "databricks_request_id": rid, "client_request_id": f"client-{m_index}-{n:06d}",
                             "request_time": t, "status_code": status, "sampling_fraction": 1.0,
                             "execution_duration_ms": rng.randint(15, 250), "request": request, "response": response,
                             "served_entity_id": f"{model['name']}-entity-1", "logging_error_codes": [],
                             "requester": "app@example.com"})
                if status == 200 and k % 2 == 0:
                    label_rows.append({"client_request_id": f"client-{m_index}-{n:06d}",
                                       "label": preds[0] if prediction_type == "string" else round(preds[0] * 1.05, 1)})
            usage.append(_usage_row(record_ids.next(), SERVING_SKU, day.replace(hour=12), _d(2.0), "MODEL_SERVING",
                                    {"endpoint_name": model["name"], "endpoint_id": f"ep-{m_index}"}, {"team": "ml"},
                                    {"serving_type": "MODEL", "is_serverless": True}))
            day += DAY
        payloads[model["name"]] = rows
        labels[model["name"]] = label_rows
    return payloads, labels, usage


def _etl_processes(as_of: dt.datetime) -> list:
    """Two ETL processes for today's processing date. HR_DAILY completes; FIN_DAILY's mandatory
    staging task fails (after one reset and retry), blocking its later sequences."""
    processing_date = as_of.date()
    hr = {"project": "CORP", "load": "HR_DAILY", "name": "HR daily load", "execution_id": f"HR-{processing_date:%Y%m%d}-01",
          "tasks": [(0, 0, 0, "Initiation", "DBX_NOTEBOOK", False), (1, 1, 1, "Load HR config", "DBX_NOTEBOOK", True),
                    (2, 1, 2, "Stage employees", "ADF_PIPELINE", True), (3, 1, 6, "Publish HR mart", "DBX_JOB", True)],
          "fail": {}}
    fin = {"project": "CORP", "load": "FIN_DAILY", "name": "Finance daily load", "execution_id": f"FIN-{processing_date:%Y%m%d}-01",
           "tasks": [(0, 0, 0, "Initiation", "DBX_NOTEBOOK", False), (1, 1, 2, "Stage ledger", "ADF_PIPELINE", True),
                     (2, 1, 2, "Stage FX rates", "DBX_NOTEBOOK", False), (3, 1, 5, "Post journals", "DBX_NOTEBOOK", True),
                     (4, 1, 6, "Publish finance mart", "DBX_JOB", True)],
           # TaskID 1 fails on both attempts: first attempt, status reset, retry fails again.
           "fail": {1: "SourceUnavailable: ledger extract returned HTTP 503"}}
    fin["blocked"] = {"process": "FIN_DAILY", "task_id": 1, "alert_key": f"{fin['execution_id']}/1/1", "attempts": 2}
    hr["blocked"] = None
    for p in (hr, fin):
        p["processing_date"] = processing_date
    return [hr, fin]
