-- MLOps drift alert: columns of a served model whose latest-window baseline drift is above the
-- threshold, each judged by the statistic of its own kind (sql/registry/drift_statistics.json).
-- The drift metrics table holds different statistics for numeric and categorical columns
-- (https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output): a numeric column has
-- ks_test / wasserstein_distance / population_stability_index and NULL js_distance, so reading one
-- statistic for every column never judges the other kind (a regression model's prediction).
-- Parameters (named markers, bound at deploy time like sql/alerts/): :drift_table (full name),
-- :granularity (e.g. '1 day'), :categorical_statistic and :numeric_statistic (keys of
-- drift_statistics.json "statistics"), :threshold (drift above it fires).
-- 'drift' is oriented so that higher is worse: p-values are read as 1 - pvalue.
-- Table-level (no slice), baseline drift only; no rows until the monitor has refreshed once.
WITH scored AS (
  SELECT
    column_name,
    `window`.start AS window_start,
    CASE :categorical_statistic
      WHEN 'js_distance' THEN js_distance
      WHEN 'tv_distance' THEN tv_distance
      WHEN 'l_infinity_distance' THEN l_infinity_distance
      WHEN 'chi_squared_pvalue' THEN 1 - chi_squared_test.pvalue
    END AS categorical_drift,
    CASE :numeric_statistic
      WHEN 'ks_statistic' THEN ks_test.statistic
      WHEN 'ks_pvalue' THEN 1 - ks_test.pvalue
      WHEN 'population_stability_index' THEN population_stability_index
      WHEN 'wasserstein_distance' THEN wasserstein_distance
    END AS numeric_drift
  FROM IDENTIFIER(:drift_table)
  WHERE drift_type = 'BASELINE'
    AND slice_key IS NULL
    AND granularity = :granularity
    AND column_name <> ':table'
),
latest AS (
  SELECT * FROM scored WHERE window_start = (SELECT MAX(window_start) FROM scored)
)
SELECT
  column_name,
  window_start,
  -- A column has the statistics of one kind only; the other kind's are NULL.
  CASE WHEN categorical_drift IS NOT NULL THEN :categorical_statistic ELSE :numeric_statistic END AS statistic,
  COALESCE(categorical_drift, numeric_drift) AS drift
FROM latest
WHERE COALESCE(categorical_drift, numeric_drift) > CAST(:threshold AS DOUBLE)
ORDER BY drift DESC, column_name;
