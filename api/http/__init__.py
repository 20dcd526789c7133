"""The HTTP room: the FastAPI app, its dependencies, errors and routes."""
