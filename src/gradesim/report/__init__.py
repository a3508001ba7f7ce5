"""The self-contained HTML report of one scenario (``gradesim report``)."""

from gradesim.report.report import build_report

__all__ = ["build_report"]
