"""The web service (JSON API and pages) and the `vinhdanh` command line."""
