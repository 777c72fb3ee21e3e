# Databricks notebook source
# ETL monitor utility notebook: marks the started attempt DONE (end_task) and auto-advances its DELTA_DATE watermark.
# For ADF Databricks Notebook activities (baseParameters) and Databricks job notebook tasks
# (base_parameters). Widgets (all strings, '' = not given):
#   lib_path         workspace folder holding the etl_monitor package (<workspaceRoot>/lib)
#   catalog, etl_schema                  where the ETL monitor tables are
#   execution_id, project_code, process_load, task_id, workflow_id   the task (required)
#   sequence_id, processing_date, source_type, run_id                optional (checked / recorded)
#   log_message, log_type (INFO | WARN | ERROR)
# The notebook exits with a JSON result (ADF: activity output runOutput).
# A call the status machine refuses (unknown task, illegal transition) fails the notebook
# with the error and writes nothing.

import sys


def main(spark, dbutils) -> dict:
    dbutils.widgets.text("lib_path", "")
    lib_path = dbutils.widgets.get("lib_path").strip()
    if not lib_path:
        raise ValueError("etl_end_task: widget lib_path (<workspaceRoot>/lib) must be set")
    if lib_path not in sys.path:
        sys.path.insert(0, lib_path)
    from etl_monitor import widgets

    return widgets.run(spark, dbutils.widgets, "end", exit_notebook=dbutils.notebook.exit)


# COMMAND ----------

if "dbutils" in globals():
    main(globals()["spark"], globals()["dbutils"])
