"""Drive the official Runware Python SDKs against the fake server, each in its own venv."""
