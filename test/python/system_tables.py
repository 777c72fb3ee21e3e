"""Local Delta fixtures shaped like the Databricks system tables.

Local Spark has a single catalog, so a 3-part system table name cannot exist as such. Every
system table ``system.<schema>.<table>`` is created as ``system_<schema>.<table>`` instead,
and ``local_name()`` is the one mapping used by fixtures, tests and the SQL harness
(translation rule ``system_table_names`` in sqlharness.py).

Schemas follow the Databricks "System tables reference" pages: real column names and types,
nested structs/maps where the real table has them (``usage_metadata``,
``identity_metadata``, audit ``request_params`` map, ...), and always the key and
sequencing columns the registry (sql/registry/system_tables.json) relies on. Tables in
Public Preview evolve; columns that do not matter for ingestion may be missing, but a
column that is present has the documented name and type.

Typical use::

    from system_tables import create_system_table, make_row

    create_system_table(spark, "system.query.history", [
        make_row("system.query.history", 0, statement_id="s1", execution_status="RUNNING"),
    ])
    spark.table(local_name("system.query.history"))
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, Iterable, Mapping

from pyspark.sql import SparkSession
from pyspark.sql import types as T

# --------------------------------------------------------------------------------------
# Column definitions (Spark DDL). Keep alphabetical by schema, then table.
# --------------------------------------------------------------------------------------

_LINEAGE_COMMON = """
    account_id STRING, metastore_id STRING, workspace_id STRING,
    entity_type STRING, entity_id STRING, entity_run_id STRING,
    entity_metadata STRUCT<
        job_info: STRUCT<job_id: STRING, job_run_id: STRING>,
        dashboard_id: STRING, legacy_dashboard_id: STRING, notebook_id: STRING,
        sql_query_id: STRING,
        dlt_pipeline_info: STRUCT<dlt_pipeline_id: STRING, dlt_update_id: STRING>>,
    source_table_full_name STRING, source_table_catalog STRING, source_table_schema STRING,
    source_table_name STRING, source_path STRING, source_type STRING,
    target_table_full_name STRING, target_table_catalog STRING, target_table_schema STRING,
    target_table_name STRING, target_path STRING, target_type STRING,
    created_by STRING, event_time TIMESTAMP, event_date DATE,
    record_id STRING, event_id STRING, statement_id STRING
"""

SYSTEM_TABLES: dict[str, str] = {
    # ---- access ----------------------------------------------------------------------
    "system.access.assistant_events": """
        account_id STRING, workspace_id STRING, event_time TIMESTAMP, event_date DATE,
        event_id STRING, initiated_by STRING, surface STRING
    """,
    "system.access.audit": """
        account_id STRING, workspace_id STRING, version STRING,
        event_time TIMESTAMP, event_date DATE, event_id STRING,
        source_ip_address STRING, user_agent STRING, session_id STRING,
        user_identity STRUCT<email: STRING, subject_name: STRING>,
        service_name STRING, action_name STRING, request_id STRING,
        request_params MAP<STRING, STRING>,
        response STRUCT<status_code: INT, error_message: STRING, result: STRING>,
        audit_level STRING,
        identity_metadata STRUCT<run_by: STRING, run_as: STRING, acting_resource: STRING>
    """,
    "system.access.clean_room_events": """
        account_id STRING, metastore_id STRING, event_id STRING,
        clean_room_name STRING, central_clean_room_id STRING,
        initiator_global_metastore_id STRING, initiator_collaborator_alias STRING,
        event_time TIMESTAMP, event_type STRING,
        clean_room_created_metadata STRUCT<collaborators: ARRAY<STRUCT<
            collaborator_alias: STRING, collaborator_global_metastore_id: STRING>>>,
        run_notebook_started_metadata STRUCT<notebook_name: STRING, run_id: STRING>,
        run_notebook_completed_metadata STRUCT<
            notebook_name: STRING, run_id: STRING, state: STRING, duration_in_seconds: BIGINT>,
        asset_updated_metadata STRUCT<data_object_name: STRING, data_object_type: STRING>
    """,
    "system.access.column_lineage": _LINEAGE_COMMON + ", source_column_name STRING, target_column_name STRING",
    "system.access.inbound_network": """
        account_id STRING, workspace_id STRING, event_id STRING, event_time TIMESTAMP,
        source STRUCT<ip: STRING, source_type: STRING>,
        destination STRUCT<destination_type: STRING, destination: STRING>,
        access_type STRING, rule_labels MAP<STRING, STRING>, network_source_type STRING
    """,
    "system.access.outbound_network": """
        account_id STRING, workspace_id STRING, event_id STRING,
        destination_type STRING, destination STRING,
        dns_event STRUCT<domain_name: STRING, rcode: INT>,
        storage_event STRUCT<hostname: STRING, path: STRING, rejection_reason: STRING>,
        event_time TIMESTAMP, access_type STRING, network_source_type STRING
    """,
    "system.access.table_lineage": _LINEAGE_COMMON,
    "system.access.workspaces_latest": """
        account_id STRING, workspace_id STRING, workspace_name STRING, workspace_url STRING,
        create_time TIMESTAMP, status STRING
    """,
    # ---- billing ---------------------------------------------------------------------
    "system.billing.list_prices": """
        price_start_time TIMESTAMP, price_end_time TIMESTAMP, account_id STRING,
        sku_name STRING, cloud STRING, currency_code STRING, usage_unit STRING,
        pricing STRUCT<
            `default`: DECIMAL(30,18),
            promotional: STRUCT<`default`: DECIMAL(30,18)>,
            effective_list: STRUCT<`default`: DECIMAL(30,18)>>
    """,
    "system.billing.usage": """
        account_id STRING, workspace_id STRING, record_id STRING, sku_name STRING,
        cloud STRING, usage_start_time TIMESTAMP, usage_end_time TIMESTAMP,
        usage_date DATE, custom_tags MAP<STRING, STRING>, usage_unit STRING,
        usage_quantity DECIMAL(38,18),
        usage_metadata STRUCT<
            cluster_id: STRING, job_id: STRING, warehouse_id: STRING,
            instance_pool_id: STRING, node_type: STRING, job_run_id: STRING,
            notebook_id: STRING, dlt_pipeline_id: STRING, endpoint_name: STRING,
            endpoint_id: STRING, dlt_update_id: STRING, dlt_maintenance_id: STRING,
            run_name: STRING, job_name: STRING, notebook_path: STRING,
            central_clean_room_id: STRING, source_region: STRING,
            destination_region: STRING, app_id: STRING, app_name: STRING,
            metastore_id: STRING, private_endpoint_name: STRING,
            storage_api_type: STRING, budget_policy_id: STRING,
            sharing_materialization_id: STRING>,
        identity_metadata STRUCT<run_as: STRING, created_by: STRING, owned_by: STRING>,
        record_type STRING, ingestion_date DATE, billing_origin_product STRING,
        product_features STRUCT<
            jobs_tier: STRING, sql_tier: STRING, dlt_tier: STRING,
            is_serverless: BOOLEAN, is_photon: BOOLEAN, serving_type: STRING,
            networking: STRUCT<connectivity_type: STRING>,
            performance_target: STRING>,
        usage_type STRING
    """,
    # ---- compute ---------------------------------------------------------------------
    "system.compute.clusters": """
        account_id STRING, workspace_id STRING, cluster_id STRING, cluster_name STRING,
        owned_by STRING, create_time TIMESTAMP, delete_time TIMESTAMP,
        driver_node_type STRING, worker_node_type STRING, worker_count BIGINT,
        min_autoscale_workers BIGINT, max_autoscale_workers BIGINT,
        auto_termination_minutes BIGINT, enable_elastic_disk BOOLEAN,
        tags MAP<STRING, STRING>, cluster_source STRING, init_scripts ARRAY<STRING>,
        aws_attributes STRUCT<first_on_demand: BIGINT, availability: STRING,
            zone_id: STRING, instance_profile_arn: STRING, spot_bid_price_percent: BIGINT,
            ebs_volume_type: STRING, ebs_volume_count: BIGINT, ebs_volume_size: BIGINT>,
        azure_attributes STRUCT<first_on_demand: BIGINT, availability: STRING,
            spot_bid_max_price: DOUBLE>,
        gcp_attributes STRUCT<use_preemptible_executors: BOOLEAN, zone_id: STRING,
            first_on_demand: BIGINT, availability: STRING>,
        driver_instance_pool_id STRING, worker_instance_pool_id STRING,
        dbr_version STRING, change_time TIMESTAMP, change_date DATE,
        data_security_mode STRING, policy_id STRING
    """,
    "system.compute.instance_events": """
        account_id STRING, workspace_id STRING, cluster_id STRING, instance_id STRING,
        instance_pool_id STRING, node_type STRING, event_type STRING,
        event_time TIMESTAMP, event_date DATE
    """,
    "system.compute.instance_pools": """
        account_id STRING, workspace_id STRING, instance_pool_id STRING,
        instance_pool_name STRING, owned_by STRING, create_time TIMESTAMP,
        delete_time TIMESTAMP, node_type STRING, min_idle_instances BIGINT,
        max_capacity BIGINT, idle_instance_autotermination_minutes BIGINT,
        enable_elastic_disk BOOLEAN, preloaded_spark_versions ARRAY<STRING>,
        tags MAP<STRING, STRING>, change_time TIMESTAMP, change_date DATE
    """,
    "system.compute.node_timeline": """
        account_id STRING, workspace_id STRING, cluster_id STRING, instance_id STRING,
        start_time TIMESTAMP, end_time TIMESTAMP, driver BOOLEAN,
        cpu_user_percent DOUBLE, cpu_system_percent DOUBLE, cpu_wait_percent DOUBLE,
        mem_used_percent DOUBLE, mem_swap_percent DOUBLE,
        network_sent_bytes BIGINT, network_received_bytes BIGINT,
        disk_free_bytes_per_mount_point MAP<STRING, BIGINT>, node_type STRING
    """,
    "system.compute.node_types": """
        account_id STRING, node_type STRING, core_count DOUBLE, memory_mb BIGINT,
        gpu_count BIGINT
    """,
    "system.compute.warehouse_events": """
        account_id STRING, workspace_id STRING, warehouse_id STRING, event_type STRING,
        cluster_count INT, event_time TIMESTAMP
    """,
    "system.compute.warehouses": """
        warehouse_id STRING, workspace_id STRING, account_id STRING,
        warehouse_name STRING, warehouse_type STRING, warehouse_channel STRING,
        warehouse_size STRING, min_clusters INT, max_clusters INT,
        auto_stop_minutes INT, tags MAP<STRING, STRING>,
        change_time TIMESTAMP, delete_time TIMESTAMP
    """,
    # ---- data_classification / data_quality_monitoring --------------------------------
    "system.data_classification.results": """
        latest_detected_time TIMESTAMP, first_detected_time TIMESTAMP,
        catalog_id STRING, table_id STRING, catalog_name STRING, schema_name STRING,
        table_name STRING, column_name STRING, data_type STRING, class_tag STRING,
        samples ARRAY<STRING>, confidence STRING, frequency FLOAT
    """,
    "system.data_quality_monitoring.table_results": """
        event_time TIMESTAMP, catalog_name STRING, schema_name STRING, table_name STRING,
        catalog_id STRING, schema_id STRING, table_id STRING, status STRING,
        freshness STRUCT<status: STRING, commit_freshness: STRUCT<
            status: STRING, error_code: STRING, last_value: TIMESTAMP,
            predicted_value: TIMESTAMP>>,
        completeness STRUCT<status: STRING,
            total_row_count: STRUCT<status: STRING, error_code: STRING, last_value: BIGINT,
                min_predicted_value: BIGINT, max_predicted_value: BIGINT>,
            daily_row_count: STRUCT<status: STRING, error_code: STRING, last_value: BIGINT,
                min_predicted_value: BIGINT, max_predicted_value: BIGINT>>,
        downstream_impact STRUCT<impact_level: INT, num_downstream_tables: INT,
            num_queries_on_affected_tables: INT>,
        root_cause_analysis STRUCT<upstream_jobs: ARRAY<STRUCT<job_id: STRING,
            workspace_id: STRING, job_name: STRING, last_run_status: STRING,
            run_page_url: STRING>>>
    """,
    # ---- lakeflow --------------------------------------------------------------------
    "system.lakeflow.job_run_timeline": """
        account_id STRING, workspace_id STRING, job_id STRING, run_id STRING,
        period_start_time TIMESTAMP, period_end_time TIMESTAMP,
        trigger_type STRING, run_type STRING, run_name STRING,
        compute_ids ARRAY<STRING>, result_state STRING, termination_code STRING,
        job_parameters MAP<STRING, STRING>
    """,
    "system.lakeflow.job_task_run_timeline": """
        account_id STRING, workspace_id STRING, job_id STRING, run_id STRING,
        job_run_id STRING, parent_run_id STRING,
        period_start_time TIMESTAMP, period_end_time TIMESTAMP, task_key STRING,
        compute_ids ARRAY<STRING>, result_state STRING, termination_code STRING
    """,
    "system.lakeflow.job_tasks": """
        account_id STRING, workspace_id STRING, job_id STRING, task_key STRING,
        depends_on_keys ARRAY<STRING>, change_time TIMESTAMP, delete_time TIMESTAMP
    """,
    "system.lakeflow.jobs": """
        account_id STRING, workspace_id STRING, job_id STRING, name STRING,
        description STRING, creator_id STRING, tags MAP<STRING, STRING>,
        change_time TIMESTAMP, delete_time TIMESTAMP, run_as STRING
    """,
    "system.lakeflow.pipeline_update_timeline": """
        account_id STRING, workspace_id STRING, pipeline_id STRING, update_id STRING,
        update_type STRING, request_id STRING, run_as_user_name STRING,
        trigger_type STRING,
        trigger_details STRUCT<job_task: STRUCT<job_id: STRING, job_run_id: STRING>>,
        result_state STRING,
        compute STRUCT<type: STRING, cluster_id: STRING>,
        period_start_time TIMESTAMP, period_end_time TIMESTAMP,
        refresh_selection ARRAY<STRING>, full_refresh_selection ARRAY<STRING>,
        reset_checkpoint_selection ARRAY<STRING>
    """,
    "system.lakeflow.pipelines": """
        account_id STRING, workspace_id STRING, pipeline_id STRING, pipeline_type STRING,
        name STRING, created_by STRING, run_as STRING, tags MAP<STRING, STRING>,
        settings STRUCT<photon: BOOLEAN, development: BOOLEAN, continuous: BOOLEAN,
            serverless: BOOLEAN, edition: STRING, channel: STRING>,
        configuration MAP<STRING, STRING>,
        change_time TIMESTAMP, delete_time TIMESTAMP
    """,
    # ---- marketplace -----------------------------------------------------------------
    "system.marketplace.listing_access_events": """
        account_id STRING, metastore_id STRING, metastore_cloud STRING,
        metastore_region STRING, provider_id STRING, provider_name STRING,
        listing_id STRING, listing_name STRING,
        consumer_delta_sharing_recipient_name STRING,
        consumer_delta_sharing_recipient_type STRING, consumer_cloud STRING,
        consumer_region STRING, consumer_metastore_id STRING, consumer_email STRING,
        consumer_name STRING, consumer_company STRING, consumer_intended_use STRING,
        consumer_comments STRING, event_type STRING, event_date DATE,
        event_time TIMESTAMP
    """,
    "system.marketplace.listing_funnel_events": """
        account_id STRING, metastore_id STRING, metastore_cloud STRING,
        metastore_region STRING, provider_id STRING, provider_name STRING,
        listing_id STRING, listing_name STRING, event_type STRING,
        event_time TIMESTAMP, event_date DATE, consumer_cloud STRING,
        consumer_region STRING
    """,
    # ---- mlflow ----------------------------------------------------------------------
    "system.mlflow.experiments_latest": """
        account_id STRING, update_time TIMESTAMP, delete_time TIMESTAMP,
        experiment_id STRING, workspace_id STRING, name STRING, create_time TIMESTAMP
    """,
    "system.mlflow.run_metrics_history": """
        account_id STRING, insert_time TIMESTAMP, record_id STRING, workspace_id STRING,
        experiment_id STRING, run_id STRING, metric_name STRING,
        metric_time TIMESTAMP, metric_step BIGINT, metric_value DOUBLE
    """,
    "system.mlflow.runs_latest": """
        account_id STRING, update_time TIMESTAMP, delete_time TIMESTAMP,
        workspace_id STRING, run_id STRING, experiment_id STRING, created_by STRING,
        start_time TIMESTAMP, end_time TIMESTAMP, run_name STRING, status STRING,
        params MAP<STRING, STRING>, tags MAP<STRING, STRING>,
        aggregated_metrics ARRAY<STRUCT<metric_name: STRING, latest_value: DOUBLE,
            min_value: DOUBLE, max_value: DOUBLE>>
    """,
    # ---- query -----------------------------------------------------------------------
    "system.query.history": """
        account_id STRING, workspace_id STRING, statement_id STRING, session_id STRING,
        execution_status STRING,
        compute STRUCT<type: STRING, cluster_id: STRING, warehouse_id: STRING>,
        executed_by_user_id STRING, executed_by STRING, statement_text STRING,
        statement_type STRING, error_message STRING, client_application STRING,
        client_driver STRING, total_duration_ms BIGINT,
        waiting_for_compute_duration_ms BIGINT, waiting_at_capacity_duration_ms BIGINT,
        execution_duration_ms BIGINT, compilation_duration_ms BIGINT,
        total_task_duration_ms BIGINT, result_fetch_duration_ms BIGINT,
        start_time TIMESTAMP, end_time TIMESTAMP, update_time TIMESTAMP,
        read_partitions BIGINT, pruned_files BIGINT, read_files BIGINT,
        read_rows BIGINT, produced_rows BIGINT, read_bytes BIGINT,
        read_io_cache_percent INT, from_result_cache BOOLEAN,
        spilled_local_bytes BIGINT, written_bytes BIGINT, shuffle_read_bytes BIGINT,
        query_source STRUCT<
            job_info: STRUCT<job_id: STRING, job_run_id: STRING, job_task_run_id: STRING>,
            legacy_dashboard_id: STRING, dashboard_id: STRING, alert_id: STRING,
            notebook_id: STRING, sql_query_id: STRING, genie_space_id: STRING,
            pipeline_info: STRUCT<pipeline_id: STRING, pipeline_update_id: STRING>>,
        executed_as STRING, executed_as_user_id STRING
    """,
    # ---- serving ---------------------------------------------------------------------
    "system.serving.endpoint_usage": """
        account_id STRING, workspace_id STRING, client_request_id STRING,
        databricks_request_id STRING, requester STRING, status_code INT,
        request_time TIMESTAMP, input_token_count BIGINT, output_token_count BIGINT,
        input_character_count BIGINT, output_character_count BIGINT,
        usage_context MAP<STRING, STRING>, request_streaming BOOLEAN,
        served_entity_id STRING
    """,
    "system.serving.served_entities": """
        served_entity_id STRING, account_id STRING, workspace_id STRING,
        created_by STRING, endpoint_name STRING, endpoint_id STRING,
        served_entity_name STRING, entity_type STRING, entity_name STRING,
        entity_version STRING, endpoint_config_version INT, task STRING,
        external_model_config STRUCT<provider: STRING, model_name: STRING>,
        foundation_model_config STRUCT<min_provisioned_throughput: INT,
            max_provisioned_throughput: INT>,
        custom_model_config STRUCT<min_concurrency: INT, max_concurrency: INT,
            compute_type: STRING>,
        change_time TIMESTAMP, endpoint_delete_time TIMESTAMP
    """,
    # ---- sharing / storage -----------------------------------------------------------
    "system.sharing.materialization_history": """
        sharing_materialization_id STRING, account_id STRING, workspace_id STRING,
        recipient_name STRING, provider_name STRING, share_name STRING,
        schema_name STRING, table_name STRING, created_at TIMESTAMP
    """,
    "system.storage.predictive_optimization_operations_history": """
        account_id STRING, workspace_id STRING, start_time TIMESTAMP, end_time TIMESTAMP,
        metastore_name STRING, metastore_id STRING, catalog_name STRING,
        schema_name STRING, table_id STRING, table_name STRING, operation_type STRING,
        operation_id STRING, operation_status STRING,
        operation_metrics MAP<STRING, STRING>, usage_unit STRING,
        usage_quantity DECIMAL(38,18)
    """,
}


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------


def local_name(name: str) -> str:
    """``system.access.audit`` -> ``system_access.audit`` (the local stand-in's name)."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "system" or not all(parts):
        raise ValueError(f"not a 3-part system table name: {name!r}")
    return f"system_{parts[1]}.{parts[2]}"


def quoted(name: str) -> str:
    """``a.b`` -> ```a`.`b```: some local names (``system_query.history``) collide with Delta
    SQL keywords (``DESCRIBE HISTORY``) in a few commands; quote them there."""
    return ".".join(f"`{p}`" for p in name.split("."))


# --------------------------------------------------------------------------------------
# Schemas, tables, rows
# --------------------------------------------------------------------------------------

_schema_cache: dict[str, T.StructType] = {}


def _ddl(name: str) -> str:
    try:
        return " ".join(SYSTEM_TABLES[name].split())
    except KeyError:
        raise KeyError(f"no fixture for {name!r}; known: {', '.join(sorted(SYSTEM_TABLES))}") from None


def schema_of(spark: SparkSession, name: str) -> T.StructType:
    """The Spark schema of the fixture for system table ``name`` (no table needed)."""
    if name not in _schema_cache:
        _schema_cache[name] = spark.createDataFrame([], _ddl(name)).schema
    return _schema_cache[name]


def create_system_table(
    spark: SparkSession,
    name: str,
    rows: Iterable[Mapping[str, Any]] | None = None,
    *,
    replace: bool = False,
) -> str:
    """Create the Delta stand-in for ``name`` (and its ``system_<schema>``), insert ``rows``.

    Returns the local table name. Without ``replace`` an existing table is kept (rows are
    appended). Rows are dicts; missing columns are NULL (use ``make_row`` for full rows).
    """
    table = local_name(name)
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
    verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    spark.sql(f"{verb} {table} ({_ddl(name)}) USING DELTA")
    if rows:
        insert_rows(spark, name, rows)
    return table


def create_system_tables(spark: SparkSession, names: Iterable[str] | None = None) -> list[str]:
    """Create empty stand-ins for ``names`` (default: every known system table)."""
    return [create_system_table(spark, n) for n in (names or sorted(SYSTEM_TABLES))]


def insert_rows(spark: SparkSession, name: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Append ``rows`` (dicts keyed by column; nested structs as dicts) to the stand-in."""
    schema = schema_of(spark, name)
    unknown = {k for r in rows for k in r} - set(schema.fieldNames())
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    data = [_to_spark(r, schema) for r in rows]
    spark.createDataFrame(data, schema).write.format("delta").mode("append").saveAsTable(local_name(name))


def _to_spark(value: Any, dtype: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dtype, T.StructType):
        if isinstance(value, Mapping):
            return tuple(_to_spark(value.get(f.name), f.dataType) for f in dtype.fields)
        return value
    if isinstance(dtype, T.ArrayType):
        return [_to_spark(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        return {k: _to_spark(v, dtype.valueType) for k, v in value.items()}
    if isinstance(dtype, T.DecimalType) and not isinstance(value, decimal.Decimal):
        return decimal.Decimal(str(value))
    return value


#: Base instant of generated rows; row ``i`` is ``i`` minutes later.
BASE_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


def _sample(col: str, dtype: T.DataType, i: int) -> Any:
    if isinstance(dtype, T.StringType):
        return f"{col}-{i}"
    if isinstance(dtype, T.TimestampType):
        return BASE_TIME + dt.timedelta(minutes=i)
    if isinstance(dtype, T.DateType):
        return (BASE_TIME + dt.timedelta(minutes=i)).date()
    if isinstance(dtype, (T.IntegerType, T.LongType, T.ShortType, T.ByteType)):
        return i
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return float(i)
    if isinstance(dtype, T.DecimalType):
        return decimal.Decimal(i)
    if isinstance(dtype, T.BooleanType):
        return False
    if isinstance(dtype, T.StructType):
        return {f.name: _sample(f.name, f.dataType, i) for f in dtype.fields}
    if isinstance(dtype, T.ArrayType):
        return []
    if isinstance(dtype, T.MapType):
        return {}
    return None


def make_row(name: str, i: int = 0, *, spark: SparkSession | None = None, **overrides: Any) -> dict:
    """A complete, deterministic row for system table ``name``: every column gets a value
    derived from its name/type and ``i`` (strings ``"<column>-<i>"``, timestamps
    ``BASE_TIME + i minutes``, numbers ``i``, empty maps/arrays, structs filled recursively);
    ``overrides`` replace top-level columns.
    """
    session = spark or SparkSession.getActiveSession()
    if session is None:
        raise RuntimeError("make_row needs a running SparkSession (to parse the schema)")
    schema = schema_of(session, name)
    unknown = set(overrides) - set(schema.fieldNames())
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    row = {f.name: _sample(f.name, f.dataType, i) for f in schema.fields}
    row.update(overrides)
    return row
