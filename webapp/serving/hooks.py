"""gunicorn's configuration hooks (loaded with `--config python:webapp.serving.hooks`).
The master imports this module, so it imports nothing of the app at the top."""


def post_worker_init(worker):
    """Each worker, once its app is built, runs the background jobs beside its requests."""
    from webapp.serving.background import start_jobs

    start_jobs(worker.wsgi)
