from .common_report import ReportCase  # noqa: F401
