package sanitizeprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/metadata"
)

// typicalBatch is 200 records shaped like Claude Code's api_request and tool_decision events,
// with the attributes a default stack file drops among them (as scripts/bench-sanitize.mjs sends).
func typicalBatch() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	for k, v := range map[string]string{"service.name": "claude-code", "service.version": "2.1.330", "os.type": "linux", "os.version": "6.8.0", "host.arch": "amd64", "team": "platform"} {
		rl.Resource().Attributes().PutStr(k, v)
	}
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("com.anthropic.claude_code.events")
	for i := range 200 {
		lr := sl.LogRecords().AppendEmpty()
		lr.Body().SetStr("claude_code.api_request")
		a := lr.Attributes()
		a.PutStr("user.id", "755bc4249682a09aac350be6cfd4b45959ab0016903795870b60b6a19b5b421d")
		a.PutStr("session.id", "62868a0a-a8a3-4e9d-a01d-0b8896600083")
		a.PutStr("anthropic.provider", "firstParty")
		a.PutStr("terminal.type", "non-interactive")
		a.PutStr("event.timestamp", "2026-11-22T00:15:31.117Z")
		a.PutInt("event.sequence", int64(i))
		a.PutStr("prompt.id", "ecd5a8fa-7dd5-438b-b7f0-4f899bcb8bd7")
		a.PutStr("event.name", "api_request")
		a.PutStr("model", "claude-opus-5-5")
		a.PutInt("input_tokens", 1200)
		a.PutDouble("cost_usd", 0.00721)
		a.PutStr("request_id", "req_msg_e4997a08237eaddcb4efd24e")
		a.PutStr("speed", "normal")
		a.PutStr("query_source", "sdk")
		a.PutStr("tool_use_id", "toolu_09e634a45c8067d2c79dae70")
		a.PutStr("tool_input", `{"command":"git status --short"}`)
	}
	return ld
}

const benchSecret = "sk-ant-api03-Zx9_Qw8-Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6Zx9_Qw8-Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6AA"

// worstBatch has, in every fourth record, an api_error whose error text carries a URL, an IP
// address, an e-mail address and a key (the worst mix of scripts/bench-sanitize.mjs, whose
// prompts and tool details a default stack file drops).
func worstBatch() plog.Logs {
	ld := typicalBatch()
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < lrs.Len(); i += 4 {
		lrs.At(i).Body().SetStr("claude_code.api_error")
		lrs.At(i).Attributes().PutStr("error", "Overloaded while calling https://api.example.com from 10.1.2.3 as bob.smith@example.com (key "+benchSecret+")")
		lrs.At(i).Attributes().PutStr("status_code", "529")
	}
	return ld
}

func BenchmarkProcessLogsWorst(b *testing.B) { benchLogs(b, worstBatch) }

func BenchmarkProcessLogsTypical(b *testing.B) { benchLogs(b, typicalBatch) }

func benchLogs(b *testing.B, batch func() plog.Logs) {
	cfg := createDefaultConfig().(*Config)
	cfg.UserID.HMACKey = hmacKey
	cfg.Sources = []SourceConfig{{
		Name: "claude-code", Match: MatchConfig{ResourceAttributes: map[string]string{"service.name": "claude-code"}},
		LogAttributes:      []string{"error", "status_code", "user.id", "session.id", "terminal.type", "event.timestamp", "event.sequence", "prompt.id", "event.name", "model", "input_tokens", "cost_usd", "request_id", "speed", "query_source"},
		ResourceAttributes: []string{"service.name", "service.version", "os.type", "os.version", "host.arch", "team"},
	}}
	s, err := newSanitizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(b, err)
	batches := make([]plog.Logs, b.N)
	for i := range batches {
		batches[i] = batch()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = s.processLogs(context.Background(), batches[i])
	}
}
