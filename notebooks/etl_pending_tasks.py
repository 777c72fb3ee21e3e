# Databricks notebook source
# ETL monitor utility notebook: lists the tasks that can start now (get_pending_tasks; generates the steps on the first call), for an ADF ForEach.
# For ADF Databricks Notebook activities (baseParameters) and Databricks job notebook tasks
# (base_parameters). Widgets (all strings, '' = not given):
#   lib_path         workspace folder holding the etl_monitor package (<workspaceRoot>/lib)
#   catalog, etl_schema                  where the ETL monitor tables are
#   execution_id, project_code, process_load                         the run (required)
#   processing_date                      needed when the run's steps do not exist yet
#   sequence_id                          only the tasks of this stage
# The notebook exits with {"tasks": [...]} (ADF: @activity('<name>').output.runOutput.tasks).
# An unknown process fails the notebook with the error and writes nothing.

import sys


def main(spark, dbutils) -> dict:
    dbutils.widgets.text("lib_path", "")
    lib_path = dbutils.widgets.get("lib_path").strip()
    if not lib_path:
        raise ValueError("etl_pending_tasks: widget lib_path (<workspaceRoot>/lib) must be set")
    if lib_path not in sys.path:
        sys.path.insert(0, lib_path)
    from etl_monitor import widgets

    return widgets.run(spark, dbutils.widgets, "pending", exit_notebook=dbutils.notebook.exit)


# COMMAND ----------

if "dbutils" in globals():
    main(globals()["spark"], globals()["dbutils"])
