"""Post-hoc analysis of a recorded talk: decode a file, run the speech and body analysers, build the report.

Entry points: :func:`media.offline.analyze.analyze_file` (the report as a dict, usable from a worker process)
and :func:`media.offline.cli.run_analyze` (``podium analyze``). Importing this package is cheap: models and
heavy libraries load only when an analysis runs.
"""
