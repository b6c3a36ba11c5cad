"""Podium's batch maintenance as an Airflow DAG: retention, re-analysis of outdated reports, weekly metrics.

Each task runs one ``podium`` subcommand through the product's own executable, so Airflow needs no Podium
code in its environment and Podium none of Airflow's:

1. ``podium retention run``: delete recordings past ``PODIUM_RETENTION_DAYS`` (reports stay);
2. ``podium jobs reanalyze-outdated``: re-analyse sessions whose report came from other model weights than
   ``podium models`` prepared now (e.g. after installing a new MLflow registry version);
3. ``podium metrics export``: sessions, minutes and scores per ISO week, as JSON into the blob store
   (``exports/weekly/<run date>.json``), and to a file when the ``podium_metrics_dir`` Variable is set.

Configuration (Airflow Variables, or ``AIRFLOW_VAR_*`` environment variables): ``podium_bin`` (the path of the
``podium`` executable, e.g. /opt/podium/.venv/bin/podium; default ``podium`` on PATH), ``podium_metrics_dir``.
Podium's own settings (``PODIUM_DATABASE_URL``, ``PODIUM_BLOB_URL``, ...) come from the worker's environment,
which the tasks inherit. Each command prints a one-line JSON summary, kept as the task's XCom.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

PODIUM = "{{ var.value.get('podium_bin', 'podium') }}"
METRICS_FILE = (
    "{% set d = var.value.get('podium_metrics_dir', '') %}{% if d %} --out {{ d }}/weekly-{{ ds }}.json{% endif %}"
)

with DAG(
    dag_id="podium_maintenance",
    description="Podium: retention, re-analysis of reports made by older models, weekly metrics export",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["podium"],
) as dag:
    retention = BashOperator(
        task_id="apply_retention",
        bash_command=f"{PODIUM} retention run",
        append_env=True,
        execution_timeout=timedelta(hours=1),
    )
    reanalyze = BashOperator(
        task_id="reanalyze_outdated",
        bash_command=f"{PODIUM} jobs reanalyze-outdated",
        append_env=True,
        execution_timeout=timedelta(hours=12),
    )
    export = BashOperator(
        task_id="export_weekly_metrics",
        bash_command=f"{PODIUM} metrics export --blob-key exports/weekly/{{{{ ds }}}}.json{METRICS_FILE}",
        append_env=True,
        execution_timeout=timedelta(hours=1),
    )
    retention >> reanalyze >> export
