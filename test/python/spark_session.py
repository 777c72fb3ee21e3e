"""The local SparkSession (Spark 4.0 + Delta Lake 4.0) shared by the whole test suite.

Used by ``conftest.py`` (session-scoped ``spark`` fixture) and by
``scripts/setup-python.sh`` (``python spark_session.py --warm-up``) to resolve Delta's jars
from Maven Central into the Ivy cache once.

Tuned for a 2-core CI machine: ``local[2]``, 2 shuffle partitions, 2 Delta snapshot
partitions (the default of 50 makes every Delta log replay run 50 tiny tasks), no UI, no
console progress bar. The session time zone is UTC like Databricks. ANSI mode keeps the
Spark 4 default (on), as on Databricks SQL warehouses.

The catalog is Spark's in-memory session catalog (``spark_catalog``) backed by Delta's
``DeltaCatalog``; schemas and tables live under ``<base_dir>/warehouse`` and disappear with
the temp dir. Derby (only used if someone enables Hive support) is pointed at the temp dir
too, so no ``metastore_db``/``derby.log`` lands in the work tree.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession

#: The name under which tests reach tables by 3-part name, e.g. ``spark_catalog.bronze.audit``.
#: Pass it as the ``catalog`` parameter of SQL files (see sqlharness.py).
LOCAL_CATALOG = "spark_catalog"

#: SPARK_TEST_CODEGEN=1 turns Spark's code generation back on (see build_spark).
_CODEGEN = os.environ.get("SPARK_TEST_CODEGEN", "") == "1"


def build_spark(base_dir: str, app_name: str = "observability-tests") -> SparkSession:
    """Start (or return the already running) local Spark session rooted at ``base_dir``."""
    os.makedirs(base_dir, exist_ok=True)
    # Python workers (UDFs, foreachBatch) must use this interpreter, not whatever python3 is.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # Collected TIMESTAMPs become naive Python datetimes in the process's local time zone:
    # make that UTC like the session (and like Databricks), whatever the machine's TZ is.
    os.environ["TZ"] = "UTC"
    time.tzset()
    warehouse = os.path.join(base_dir, "warehouse")
    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", warehouse)
        # -XX:TieredStopAtLevel=1 (C1 JIT only) + serial GC: tests run many tiny queries, so
        # JIT warm-up dominates; measured ~45% less wall time on the 2-core machine. C1-only
        # shrinks the default code cache to 48 MB, which a long run (the simulation, the
        # whole suite) fills in ~30 s: the JVM then disables its JIT and interprets the rest
        # ("CodeCache is full. Compiler has been disabled"), hence the larger cache.
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dderby.system.home={os.path.join(base_dir, 'derby')} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
            "-XX:ReservedCodeCacheSize=256m",
        )
        .config("spark.driver.memory", "2g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        # Delta is the default format on Databricks (CREATE TABLE without USING, saveAsTable, toTable).
        .config("spark.sql.sources.default", "delta")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # Tables here live for one run and see tens of commits: a Parquet checkpoint every 10
        # commits (Delta's default) costs more than replaying the JSON log; measured ~15% less
        # time per UPDATE/INSERT/MERGE round. Databricks keeps its own default.
        .config("spark.databricks.delta.properties.defaults.checkpointInterval", "1000")
        # Tiny data, many queries: generating and compiling Java for every plan and every
        # projection (Delta's log replay serialises huge nested action schemas, per task)
        # costs more than interpreting a few rows. A JFR profile of a SELECT/UPDATE/INSERT
        # loop put 40% of the driver's CPU in code generation and Janino; without it the same
        # loop needed 46% fewer CPU samples, and test_etl_sdk.py took 271 s instead of 351 s.
        # Whole-stage codegen off, and expression codegen off (factoryMode, an internal conf
        # Spark's own tests use). Under NO_CODEGEN spark.catalog.listTables fails in Spark
        # 4.0.1 (EXPRESSION_DECODING_FAILED on catalog.Table), so tests list tables with
        # sqlharness.table_names (SHOW TABLES). SPARK_TEST_CODEGEN=1 restores Spark's defaults.
        .config("spark.sql.codegen.wholeStage", "true" if _CODEGEN else "false")
        .config("spark.sql.codegen.factoryMode", "FALLBACK" if _CODEGEN else "NO_CODEGEN")
        # Tests VACUUM freshly written tables; Databricks keeps the 7-day check on.
        .config("spark.databricks.delta.retentionDurationCheck.enabled", "false")
        .config("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true")
        .config("spark.log.structuredLogging.enabled", "false")
    )
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    # Errors reach the tests as Python exceptions; the JVM log would only repeat them.
    spark.sparkContext.setLogLevel(os.environ.get("SPARK_TEST_LOG_LEVEL", "FATAL"))
    return spark


def _warm_up() -> None:
    """Resolve Delta's jars into the Ivy cache and prove that Delta works end to end."""
    with tempfile.TemporaryDirectory(prefix="spark-warmup-") as tmp:
        spark = build_spark(tmp, app_name="warm-up")
        try:
            spark.sql("CREATE TABLE warm_up (id INT) USING DELTA")
            spark.sql("INSERT INTO warm_up VALUES (1)")
            assert spark.table("warm_up").count() == 1
            print(f"spark {spark.version} with delta: ok")
        finally:
            spark.stop()


if __name__ == "__main__":
    if sys.argv[1:] == ["--warm-up"]:
        _warm_up()
    else:
        print("usage: python spark_session.py --warm-up", file=sys.stderr)
        sys.exit(2)
