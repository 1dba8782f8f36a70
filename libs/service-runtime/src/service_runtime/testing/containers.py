"""The same stack from testcontainers, where a Docker engine runs (not on the project's
CI machine, which has none: there the local processes are used)."""

import atexit
import subprocess

from service_runtime.testing.infra import REPO, Stack


def start_containers() -> Stack:
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.community.redis import RedisContainer

    kafka = KafkaContainer("confluentinc/cp-kafka:7.8.0").with_kraft()  # the image testcontainers knows how to wait for
    postgres = PostgresContainer("postgres:16-alpine", username="postgres", password="postgres")
    redis = RedisContainer("redis:7-alpine")
    for container in (kafka, postgres, redis):
        container.start()
        atexit.register(container.stop)
    subprocess.run(["bash", str(REPO / "deploy" / "smtp.sh"), "start"], check=True, cwd=REPO)
    maildir = REPO / "var" / "run" / "mail"
    port = 2525
    pg_url = postgres.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
    redis_url = f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
    return Stack(kafka.get_bootstrap_server(), pg_url, redis_url, "127.0.0.1", port, maildir)
