# The coprod image: the CLI, the API server (`coprod serve`) and the projection worker
# (`coprod project`); docker-compose.yml runs the last two against PostgreSQL.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY projections ./projections
COPY api ./api
RUN pip install --no-cache-dir .
EXPOSE 8000
ENTRYPOINT ["coprod"]
CMD ["--help"]
