"""eventledger: sourced, reviewable records of who did what to whom, where and when."""

__version__ = "0.1.0"
