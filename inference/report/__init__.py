"""The typed, versioned analysis report (pydantic): :class:`Report`, :func:`load_report`, :func:`dump_report`."""

from inference.report.model import SCHEMA_VERSION, ModelInfo, Report
from inference.report.upgrade import UnsupportedReportVersion, dump_report, load_report

__all__ = ["SCHEMA_VERSION", "ModelInfo", "Report", "UnsupportedReportVersion", "dump_report", "load_report"]
