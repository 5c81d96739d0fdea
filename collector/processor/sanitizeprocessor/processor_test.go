package sanitizeprocessor

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/telemetry-stack/telemetry-stack/collector/processor/sanitizeprocessor/internal/metadata"
)

const hmacKey = "0123456789abcdef0123456789abcdef"

// A GitHub token as its rule's sample writes it.
const githubToken = "ghp_EXAMPLEabcdefghijklmnopqrstuvwxyz012"

func hmacHex(v string) string {
	m := hmac.New(sha256.New, []byte(hmacKey))
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

func runLogs(t *testing.T, cfg *Config, ld plog.Logs) plog.Logs {
	t.Helper()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	if len(sink.AllLogs()) == 0 {
		return plog.NewLogs()
	}
	return sink.AllLogs()[0]
}

func claudeLog(ld plog.Logs) plog.LogRecord {
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "claude-code")
	rl.Resource().Attributes().PutStr("host.name", "laptop-of-alice")
	rl.Resource().Attributes().PutStr("team", "platform")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("com.anthropic.claude_code.events")
	sl.Scope().Attributes().PutStr("anything", "x")
	return sl.LogRecords().AppendEmpty()
}

func TestLogsOnePass(t *testing.T) {
	cfg := loadConfig(t, "")
	cfg.MaxValueLength = 200
	cfg.MaxAttributes = 64
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	attrs := lr.Attributes()
	attrs.PutStr("event.name", "user_prompt")
	attrs.PutStr("user.id", "line one\nline two")
	attrs.PutStr("not.allowed", "x")
	attrs.PutEmptyBytes("prompt").FromRaw([]byte("use " + githubToken + " from /home/alice/src, mail bob@example.com at 10.1.2.3"))
	params := attrs.PutEmptyMap("tool_parameters")
	params.PutStr("command", "curl -H 'Authorization: token "+githubToken+"'")
	params.PutEmptySlice("args").AppendEmpty().SetStr("/Users/carol/x")
	attrs.PutInt("count", 3)
	lr.Body().SetStr("body with " + githubToken)

	out := runLogs(t, cfg, ld)
	require.Equal(t, 1, out.LogRecordCount())
	rl := out.ResourceLogs().At(0)
	assert.Equal(t, map[string]any{"service.name": "claude-code", "team": "platform"}, rl.Resource().Attributes().AsRaw())
	sl := rl.ScopeLogs().At(0)
	assert.Equal(t, 0, sl.Scope().Attributes().Len())
	got := sl.LogRecords().At(0).Attributes().AsRaw()
	assert.Equal(t, map[string]any{
		"event.name":              "user_prompt",
		"user.id":                 hmacHex("line one\nline two"),
		"prompt":                  "use <secret:github-classic-pat> from /home/****/src, mail <email> at <ip>",
		"tool_parameters.command": "curl -H 'Authorization: token <secret:github-classic-pat>'",
		"tool_parameters.args.0":  "/Users/****/x",
		"count":                   int64(3),
	}, got)
	assert.Equal(t, "body with <secret:github-classic-pat>", sl.LogRecords().At(0).Body().Str())
}

func TestRecordsOfNoSourceAreDropped(t *testing.T) {
	cfg := loadConfig(t, "")
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "someone-else")
	rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("x")
	kept := ld.ResourceLogs().AppendEmpty()
	kept.Resource().Attributes().PutStr("service.name", "mycli")
	sl := kept.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("telemetry-stack/client")
	lr := sl.LogRecords().AppendEmpty()
	lr.Attributes().PutStr("cli.verb", "deploy")
	lr.Attributes().PutStr("heartbeat.size.user_count", "11-50")
	lr.Attributes().PutStr("heartbeat.sizeX", "no")

	out := runLogs(t, cfg, ld)
	require.Equal(t, 1, out.ResourceLogs().Len())
	assert.Equal(t, map[string]any{"cli.verb": "deploy", "heartbeat.size.user_count": "11-50"},
		out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw())
}

func TestBytesThatAreNotTextAreDropped(t *testing.T) {
	cfg := loadConfig(t, "")
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	lr.Attributes().PutEmptyBytes("prompt").FromRaw([]byte{0xff, 0xfe, 0x00})
	lr.Body().SetEmptyBytes().FromRaw([]byte{0xff})
	out := runLogs(t, cfg, ld)
	rec := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	_, ok := rec.Attributes().Get("prompt")
	assert.False(t, ok)
	assert.Equal(t, "", rec.Body().Str())

	cfg.KeepBinary = true
	ld = plog.NewLogs()
	claudeLog(ld).Attributes().PutEmptyBytes("prompt").FromRaw([]byte{0xff, 0xfe, 0x00})
	out = runLogs(t, cfg, ld)
	v, ok := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("prompt")
	require.True(t, ok)
	assert.Equal(t, []byte{0xff, 0xfe, 0x00}, v.Bytes().AsRaw())
}

// A secret across the length limit is masked whole before the value is cut.
func TestTruncationAfterMasking(t *testing.T) {
	cfg := loadConfig(t, "")
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	lr.Attributes().PutStr("prompt", strings.Repeat("a", 30)+" "+githubToken)
	lr.Body().SetStr(strings.Repeat("é", 100))
	out := runLogs(t, cfg, ld)
	rec := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	v, _ := rec.Attributes().Get("prompt")
	assert.Equal(t, strings.Repeat("a", 30)+" <secret:github-classic-pat>", v.Str())
	assert.Equal(t, strings.Repeat("é", 32), rec.Body().Str())
}

func TestAttributeCapAndDepth(t *testing.T) {
	cfg := loadConfig(t, "")
	cfg.FlattenDepth = 3
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	deep := lr.Attributes().PutEmptyMap("tool_parameters")
	deep.PutStr("a", "1")
	deep.PutEmptyMap("b").PutEmptyMap("c").PutStr("d", "too deep")
	for _, k := range []string{"event.name", "prompt", "count"} {
		lr.Attributes().PutStr(k, k)
	}
	body := lr.Body().SetEmptyMap()
	body.PutEmptyMap("x").PutStr("mail", "bob@example.com")
	out := runLogs(t, cfg, ld)
	rec := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, 4, rec.Attributes().Len())
	_, ok := rec.Attributes().Get("tool_parameters.b.c.d")
	assert.False(t, ok)
	assert.Equal(t, map[string]any{"x.mail": "<email>"}, rec.Body().Map().AsRaw())
}

func TestStarsAndBlockedPatterns(t *testing.T) {
	cfg := loadConfig(t, "stars")
	cfg.Sources[0].LogAttributes = []string{"user.id", "note"}
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Attributes().PutStr("user.id", "alice@example.com")
	lr.Attributes().PutStr("note", "ticket internal-42 by "+githubToken)
	out := runLogs(t, cfg, ld)
	// hash none keeps the id as sent, and it is still scanned like any value.
	assert.Equal(t, map[string]any{"user.id": "****", "note": "ticket **** by ****"},
		out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw())
}

func TestMetricsDataPoints(t *testing.T) {
	cfg := loadConfig(t, "")
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "claude-code")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	dp := m.SetEmptySum().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("model", "claude-opus "+githubToken)
	dp.Attributes().PutInt("user.id", 42)
	dp.Attributes().PutStr("session.id", "dropped")
	ex := dp.Exemplars().AppendEmpty()
	ex.FilteredAttributes().PutStr("other", "dropped")
	h := rm.ScopeMetrics().At(0).Metrics().AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty()
	h.Attributes().PutStr("model", "10.0.0.1")

	sink := new(consumertest.MetricsSink)
	p, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	got := sink.AllMetrics()[0].ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	sum := got.At(0).Sum().DataPoints().At(0)
	assert.Equal(t, map[string]any{"model": "claude-opus <secret:github-classic-pat>", "user.id": hmacHex("42")}, sum.Attributes().AsRaw())
	assert.Equal(t, 0, sum.Exemplars().At(0).FilteredAttributes().Len())
	assert.Equal(t, map[string]any{"model": "<ip>"}, got.At(1).Histogram().DataPoints().At(0).Attributes().AsRaw())
}

func TestCountsAreRecorded(t *testing.T) {
	cfg := loadConfig(t, "")
	s, err := newSanitizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	lr.Attributes().PutStr("prompt", githubToken+" "+githubToken)
	lr.Attributes().PutStr("user.id", "u")
	lr.Attributes().PutStr("dropme", "x")
	var c counts
	s.policy.attributes(lr.Attributes(), s.sources[0].allowLog, &c)
	assert.Equal(t, int64(2), c.masked[kindSecret])
	assert.Equal(t, int64(1), c.masked[kindUserID])
	assert.Equal(t, int64(1), c.droppedAttributes)
}

// A value seen before is answered from the cache with the same result and the same counts.
func TestRepeatedValuesAreCountedEachTime(t *testing.T) {
	cfg := loadConfig(t, "")
	s, err := newSanitizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	var c counts
	first := s.policy.text("prompt", "key "+githubToken, &c)
	second := s.policy.text("prompt", "key "+githubToken, &c)
	assert.Equal(t, "key <secret:github-classic-pat>", first)
	assert.Equal(t, first, second)
	assert.Equal(t, int64(2), c.masked[kindSecret])
	// Past the cached length the value is scanned every time.
	long := strings.Repeat("x", maxCachedValueLen) + " " + githubToken
	assert.Equal(t, strings.Repeat("x", 64), s.policy.text("prompt", long, &c))
	assert.Equal(t, int64(3), c.masked[kindSecret])
}

// The Collector may call the processor from several goroutines at once; the caches are shared.
func TestConcurrentBatches(t *testing.T) {
	cfg := loadConfig(t, "")
	cfg.MaxValueLength = 4096
	s, err := newSanitizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	done := make(chan plog.Logs)
	for range 4 {
		go func() {
			ld := plog.NewLogs()
			for range 50 {
				lr := claudeLog(ld)
				lr.Attributes().PutStr("prompt", "use "+githubToken)
				lr.Attributes().PutStr("user.id", "alice")
			}
			out, _ := s.processLogs(context.Background(), ld)
			done <- out
		}()
	}
	for range 4 {
		out := <-done
		rls := out.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			a := rls.At(i).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
			assert.Equal(t, "use <secret:github-classic-pat>", a["prompt"])
			assert.Equal(t, hmacHex("alice"), a["user.id"])
		}
	}
}

// A CLI in another language that writes the documented cli.command record under its own scope is
// recognised by the event name; its other records, and metrics, are not.
func TestEventNameSelectsRecordsOfAnyClient(t *testing.T) {
	cfg := loadConfig(t, "")
	cfg.Sources = append(cfg.Sources, SourceConfig{
		Name:               "cli-usage",
		Match:              MatchConfig{EventNames: []string{"cli.command"}},
		LogAttributes:      []string{"event.name", "cli.verb"},
		ResourceAttributes: []string{"service.name"},
	})
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "gocli")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("example.com/gocli/telemetry")
	byField := sl.LogRecords().AppendEmpty()
	byField.SetEventName("cli.command")
	byField.Attributes().PutStr("cli.verb", "deploy")
	byField.Attributes().PutStr("argv", "deploy --token secret")
	byAttribute := sl.LogRecords().AppendEmpty()
	byAttribute.Attributes().PutStr("event.name", "cli.command")
	byAttribute.Attributes().PutStr("cli.verb", "status")
	other := sl.LogRecords().AppendEmpty()
	other.Attributes().PutStr("event.name", "cli.debug")

	out := runLogs(t, cfg, ld)
	require.Equal(t, 2, out.LogRecordCount())
	records := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, map[string]any{"cli.verb": "deploy"}, records.At(0).Attributes().AsRaw())
	assert.Equal(t, map[string]any{"event.name": "cli.command", "cli.verb": "status"}, records.At(1).Attributes().AsRaw())

	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "gocli")
	rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptySum().DataPoints().AppendEmpty().SetIntValue(1)
	sink := new(consumertest.MetricsSink)
	p, err := NewFactory().CreateMetrics(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	assert.Equal(t, 0, sink.DataPointCount())
}

// A value of megabytes is scanned only as far as can be stored (plus a margin for a secret that
// starts before the limit): what is stored is the same, and the work is bounded by the limit, not
// by what a client sends (counted by the masks made, not timed).
func TestHugeValuesAreScannedOnlyAsFarAsStored(t *testing.T) {
	cfg := loadConfig(t, "")
	cfg.MaxValueLength = 64
	s, err := newSanitizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	ld := plog.NewLogs()
	lr := claudeLog(ld)
	const unit = "lorem ipsum bob@example.com 10.0.0.1 "
	lr.Attributes().PutStr("prompt", "key "+githubToken+" "+strings.Repeat(unit, 100_000))
	var c counts
	s.policy.attributes(lr.Attributes(), s.sources[0].allowLog, &c)
	got, _ := lr.Attributes().Get("prompt")
	assert.Equal(t, "key <secret:github-classic-pat> lorem ipsum <email> <ip> lorem i", got.Str())
	// 100,000 e-mail addresses were sent; only those within the limit and the margin were scanned.
	assert.LessOrEqual(t, c.masked[kindEmail], int64((64+scanMargin)/len(unit)+1))
	assert.Greater(t, c.masked[kindEmail], int64(scanMargin/len(unit)-1))
}

// Dropped records are counted by service and scope, and a client cannot grow the series past
// maxDropSources: later sources share one "other" series.
func TestDroppedRecordsBySourceAreBounded(t *testing.T) {
	tel, err := newTelemetry(componenttest.NewNopTelemetrySettings(), component.MustNewID("sanitize"))
	require.NoError(t, err)
	var c counts
	for i := range 150 {
		resource := pcommon.NewMap()
		resource.PutStr("service.name", fmt.Sprintf("svc-%d", i))
		c.drop(resource, pcommon.NewInstrumentationScope(), 1)
	}
	assert.Len(t, c.droppedRecords, 150)
	tel.record(context.Background(), &c)
	assert.Len(t, tel.dropSets, maxDropSources+1)
	assert.Contains(t, tel.dropSets, dropSource{service: "other", scope: "other"})
}
