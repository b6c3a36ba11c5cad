"""Batch maintenance run from outside the server (the Airflow DAG in deploy/airflow calls these through the CLI):
re-analysis of reports made by older models, one retention pass, and the weekly metrics export."""
