# The coprod image: the CLI and (later) the API server and projection worker.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY projections ./projections
COPY api ./api
RUN pip install --no-cache-dir .
ENTRYPOINT ["coprod"]
CMD ["--help"]
