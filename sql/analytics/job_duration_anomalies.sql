-- Duration anomalies: successful job runs whose execution time deviates from the job's own
-- baseline.
--
-- Parameters (named markers; strings, cast here):
--   :catalog, :gold_schema (the gold run model: refresh sql/gold/*.sql first)
--   :as_of              end of the detection window as a timestamp string; '' = now
--   :detection_hours    runs that ended in (as_of - detection_hours, as_of] are checked, e.g. '24'
--   :baseline_days      baseline = successful runs of the same job that ended in
--                       (as_of - baseline_days, as_of - detection_hours], e.g. '30'
--   :min_baseline_runs  no verdict for jobs with fewer baseline runs, e.g. '5'
--   :z_threshold        |robust z| at or above which a run is an anomaly, e.g. '3.5'
--
-- Runs: gold job_runs (semantics in sql/gold/job_runs.sql). Successful = outcome succeeded or
-- repaired (the latest attempt succeeded); duration = execution_seconds, the sum of the run's
-- slices, so the hours between a failed attempt and its repair never inflate a run or the
-- baseline. Running and failed runs are neither baseline nor checked.
--
-- Method: robust (median/MAD) z-score, which one earlier outlier cannot distort the way it
-- distorts a mean/stddev baseline (Iglewicz & Hoaglin):
--   robust_z = 0.6745 * (duration - median) / MAD
-- and when MAD = 0 (more than half of the baseline identical) the mean absolute deviation:
--   robust_z = (duration - median) / (1.253314 * MeanAD)
-- A baseline with no spread at all gives no verdict. MERGE on the run makes re-runs idempotent.

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.job_duration_anomalies') AS t
USING (
  WITH params AS (
    SELECT
      COALESCE(CAST(NULLIF(:as_of, '') AS TIMESTAMP), current_timestamp()) AS as_of,
      CAST(:detection_hours AS INT) AS detection_hours,
      CAST(:baseline_days AS INT) AS baseline_days,
      CAST(:min_baseline_runs AS INT) AS min_baseline_runs,
      CAST(:z_threshold AS DOUBLE) AS z_threshold
  ),
  bounds AS (
    SELECT
      p.*,
      p.as_of - make_dt_interval(0, p.detection_hours) AS detection_start,
      p.as_of - make_dt_interval(p.baseline_days) AS baseline_start
    FROM params AS p
  ),
  latest_jobs AS (
    SELECT workspace_id, job_id, name AS job_name
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.jobs_current')
  ),
  runs AS (
    SELECT workspace_id, job_id, run_id, job_name AS run_job_name,
           first_start_time AS run_start_time, last_end_time AS run_end_time,
           result_state, execution_seconds AS duration_seconds
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
    WHERE outcome IN ('succeeded', 'repaired')
      AND last_end_time > (SELECT baseline_start FROM bounds)
      AND last_end_time <= (SELECT as_of FROM bounds)
  ),
  baseline_runs AS (
    SELECT r.workspace_id, r.job_id, r.duration_seconds
    FROM runs AS r
    CROSS JOIN bounds AS b
    WHERE r.run_end_time > b.baseline_start
      AND r.run_end_time <= b.detection_start
  ),
  medians AS (
    SELECT workspace_id, job_id, COUNT(*) AS baseline_runs, percentile(duration_seconds, 0.5) AS median_seconds
    FROM baseline_runs
    GROUP BY workspace_id, job_id
  ),
  spread AS (
    SELECT
      m.workspace_id,
      m.job_id,
      m.baseline_runs,
      m.median_seconds,
      percentile(abs(br.duration_seconds - m.median_seconds), 0.5) AS mad_seconds,
      avg(abs(br.duration_seconds - m.median_seconds)) AS mean_ad_seconds
    FROM medians AS m
    JOIN baseline_runs AS br
      ON br.workspace_id = m.workspace_id AND br.job_id = m.job_id
    GROUP BY m.workspace_id, m.job_id, m.baseline_runs, m.median_seconds
  ),
  scored AS (
    SELECT
      r.*,
      s.baseline_runs,
      s.median_seconds,
      s.mad_seconds,
      CASE
        WHEN s.mad_seconds > 0 THEN 0.6745 * (r.duration_seconds - s.median_seconds) / s.mad_seconds
        WHEN s.mean_ad_seconds > 0 THEN (r.duration_seconds - s.median_seconds) / (1.253314 * s.mean_ad_seconds)
      END AS robust_z_score,
      b.z_threshold,
      b.as_of
    FROM runs AS r
    CROSS JOIN bounds AS b
    JOIN spread AS s
      ON s.workspace_id = r.workspace_id AND s.job_id = r.job_id
    WHERE r.run_end_time > b.detection_start
      AND r.run_end_time <= b.as_of
      AND s.baseline_runs >= b.min_baseline_runs
  )
  SELECT
    s.workspace_id,
    s.job_id,
    COALESCE(j.job_name, s.run_job_name) AS job_name,
    s.run_id,
    s.run_start_time,
    s.run_end_time,
    s.result_state,
    s.duration_seconds,
    s.baseline_runs,
    CAST(s.median_seconds AS DOUBLE) AS baseline_median_seconds,
    CAST(s.mad_seconds AS DOUBLE) AS baseline_mad_seconds,
    CAST(s.robust_z_score AS DOUBLE) AS robust_z_score,
    CASE WHEN s.robust_z_score > 0 THEN 'slower' ELSE 'faster' END AS direction,
    s.z_threshold,
    s.as_of AS detected_at
  FROM scored AS s
  LEFT JOIN latest_jobs AS j
    ON j.workspace_id = s.workspace_id AND j.job_id = s.job_id
  WHERE abs(s.robust_z_score) >= s.z_threshold
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.run_id = s.run_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
