"""A CLI written in Python reporting its commands with the official OpenTelemetry Python SDK, in
the record shape telemetry-stack documents (packages/client/README.md): one log record per command,
event name cli.command, attributes cli.verb and cli.exit_code, under its own instrumentation scope.

Usage: python cli_events.py <OTLP/HTTP base URL> <service name> <count>
"""
import sys

from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource


def main(endpoint: str, service: str, count: int) -> None:
    provider = LoggerProvider(resource=Resource.create({"service.name": service, "service.version": "2.0.0"}))
    provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=f"{endpoint}/v1/logs")))
    logger = provider.get_logger("example.pycli.telemetry", "2.0.0")
    verbs = ["build", "test", "deploy"]
    for i in range(count):
        logger.emit(event_name="cli.command", attributes={"cli.verb": verbs[i % len(verbs)], "cli.exit_code": 1 if i % 4 == 0 else 0})
    # Shutdown flushes the batch: every record is sent before the CLI exits.
    provider.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
