"""The demo province and its season: sample data (`province`), the season runner (`season`), its
summary (`summary`) and `vinhdanh demo` end to end (`run`). It calls down into flows,
document_templates and models; production layers never import it and name no real province.
Import `flows` before `demo.season`: Prefect's settings are made there, before Prefect loads."""
