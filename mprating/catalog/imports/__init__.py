"""Imports of catalog files in the back office (issue 3 «Catalog and price lists»).

«Managers import price lists (offers of one warehouse) and cross-reference lists from CSV or
XLSX in the back office: column mapping, a preview, a background task with a progress bar for
large files (a 1,000,000-row cross list must import without running out of memory), a report
of rejected rows with reasons, and a re-import that updates instead of duplicating.»

- `fields`     what each kind of file holds and how a cell becomes a value (Russian reasons);
- `importers`  one class per kind: parse a row, write a batch with bulk operations;
- `runner`     the job loop: claim, count rows, batches in transactions, progress, failure;
- `services`   the job's life in the back office: create, map columns, start, restart;
- `selectors`  preview rows and the rejected-rows report;
- `tasks`      the django-tasks entry point (`run_import_job`);
- `admin`      the back office pages (upload → mapping → preview → progress → report).
"""
