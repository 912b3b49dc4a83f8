"""How `serve` answers HTTP: gunicorn keeps the processes, waitress reads the requests.
Outside webapp/ on purpose: gunicorn's master imports the worker class, and importing
anything under webapp/ would load the app's libraries into the master."""
