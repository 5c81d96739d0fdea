module github.com/telemetry-stack/telemetry-stack/storage/chdb-server

go 1.26

require github.com/ebitengine/purego v0.11.3
