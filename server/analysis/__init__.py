"""Analysis jobs: run the post-hoc analysis of a recording in a local process pool or on Celery workers."""
