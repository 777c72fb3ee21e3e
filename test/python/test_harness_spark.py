"""The local Spark engine itself: Delta DDL/DML, MERGE and streaming reads work."""

from pyspark.sql import functions as F


def test_delta_schema_table_merge(spark):
    spark.sql("CREATE SCHEMA harness")
    spark.sql("CREATE TABLE harness.t (id INT, v STRING) USING DELTA")
    spark.sql("INSERT INTO harness.t VALUES (1, 'a'), (2, 'b')")
    metrics = spark.sql(
        "MERGE INTO harness.t t USING (SELECT 2 AS id, 'B' AS v UNION ALL SELECT 3, 'c') s "
        "ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    ).collect()[0]
    assert (metrics.num_updated_rows, metrics.num_inserted_rows) == (1, 1)
    assert sorted(tuple(r) for r in spark.table("harness.t").collect()) == [(1, "a"), (2, "B"), (3, "c")]
    assert spark.sql("DESCRIBE DETAIL harness.t").first().format == "delta"


def test_three_part_names_through_spark_catalog(spark):
    spark.sql("CREATE SCHEMA harness3")
    spark.sql("CREATE TABLE spark_catalog.harness3.t (id INT) USING DELTA")
    assert spark.table("harness3.t").count() == 0


def test_streaming_read_from_delta_available_now(spark, tmp_path):
    spark.sql("CREATE SCHEMA harness_stream")
    spark.sql("CREATE TABLE harness_stream.src (id INT) USING DELTA")
    spark.sql("INSERT INTO harness_stream.src VALUES (1), (2)")
    query = (
        spark.readStream.table("harness_stream.src")
        .withColumn("seen", F.current_timestamp())
        .writeStream.option("checkpointLocation", str(tmp_path / "cp"))
        .trigger(availableNow=True)
        .toTable("harness_stream.dst")
    )
    query.awaitTermination(120)
    assert spark.table("harness_stream.dst").count() == 2


def test_isolation_dropped_schemas_of_previous_tests(spark):
    names = {db.name for db in spark.catalog.listDatabases()}
    assert not names & {"harness", "harness3", "harness_stream"}
