// A CLI written in Go reporting its commands with the official OpenTelemetry Go SDK, in the record
// shape telemetry-stack documents (packages/client/README.md): one log record per command, event name
// cli.command, attributes cli.verb and cli.exit_code, under its own instrumentation scope.
//
// Usage: go run . <OTLP/HTTP base URL> <service name> <count>
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gocli:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: gocli <otlp http url> <service> <count>")
	}
	count, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	ctx := context.Background()
	exporter, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(args[0]+"/v1/logs"))
	if err != nil {
		return err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(args[1]), semconv.ServiceVersion("3.1.0"))
	provider := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(exporter)))
	logger := provider.Logger("example.com/gocli/telemetry")
	verbs := []string{"build", "test", "deploy"}
	for i := 0; i < count; i++ {
		var r log.Record
		r.SetTimestamp(time.Now())
		r.SetEventName("cli.command")
		exit := int64(0)
		if i%4 == 0 {
			exit = 1
		}
		r.AddAttributes(attribute.String("cli.verb", verbs[i%len(verbs)]), attribute.Int64("cli.exit_code", exit))
		logger.Emit(ctx, r)
	}
	// Shutdown flushes the batch: every record is sent before the CLI exits.
	return provider.Shutdown(ctx)
}
