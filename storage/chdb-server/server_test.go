package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The engine is process-global, so the server under test runs in a child: this test binary
// re-executed with CHDB_SERVER_TEST_MAIN set behaves as the command itself.
func TestMain(m *testing.M) {
	if os.Getenv("CHDB_SERVER_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// libchdbForTest is the library npm installs at the repository root; the test is skipped only
// when it is not installed (npm install brings it).
func libchdbForTest(t *testing.T) string {
	if p := os.Getenv("TELEMETRY_STACK_LIBCHDB"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../node_modules/@chdb/lib-linux-x64-gnu/libchdb.so")
	if _, err := os.Stat(p); err != nil {
		t.Skip("libchdb.so not installed; run npm install at the repository root")
	}
	return p
}

type readyLine struct {
	Event   string `json:"event"`
	Port    int    `json:"port"`
	TCPPort int    `json:"tcpPort"`
}

func startServer(t *testing.T, dir string, extra ...string) (*exec.Cmd, readyLine, *bufio.Scanner) {
	t.Helper()
	args := []string{"--libchdb", libchdbForTest(t), "--data-dir", filepath.Join(dir, "data"),
		"--password-file", filepath.Join(dir, "writer"), "--reader-password-file", filepath.Join(dir, "reader"), "--port", "0"}
	cmd := exec.Command(os.Args[0], append(args, extra...)...)
	cmd.Env = append(os.Environ(), "CHDB_SERVER_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		var r readyLine
		if json.Unmarshal(lines.Bytes(), &r) == nil && r.Event == "ready" {
			return cmd, r, lines
		}
	}
	t.Fatal("the server exited before its ready line")
	return nil, readyLine{}, nil
}

func query(t *testing.T, port int, user, password, sql string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/?%s", port, url.Values{"query": {sql}}.Encode()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	// No keep-alive: an idle connection still open at SIGTERM makes the engine's own shutdown
	// exit the process with code 1 (see the README's known gaps), which this test does not cover.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

func readPw(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestServerUsersGrantsAndCleanStop(t *testing.T) {
	dir := t.TempDir()
	cmd, ready, lines := startServer(t, dir)
	w, r := readPw(t, filepath.Join(dir, "writer")), readPw(t, filepath.Join(dir, "reader"))
	p := ready.Port
	if ready.TCPPort == 0 || ready.TCPPort == p {
		t.Fatalf("tcp port %d", ready.TCPPort)
	}
	for _, sql := range []string{
		"CREATE DATABASE IF NOT EXISTS telemetry",
		"CREATE TABLE telemetry.t (a Int32) ENGINE = MergeTree ORDER BY a",
		"INSERT INTO telemetry.t VALUES (1), (2)",
	} {
		if code, body := query(t, p, "telemetry_writer", w, sql); code != 200 {
			t.Fatalf("writer %s: %d %s", sql, code, body)
		}
	}
	if code, body := query(t, p, "telemetry_reader", r, "SELECT sum(a), getSetting('readonly') FROM telemetry.t"); code != 200 || body != "3\t1" {
		t.Fatalf("reader: %d %q", code, body)
	}
	refused := map[string]struct{ user, password, sql, want string }{
		"reader writes":          {"telemetry_reader", r, "INSERT INTO telemetry.t VALUES (3)", "ACCESS_DENIED"},
		"reader lifts readonly":  {"telemetry_reader", r, "SELECT 1 SETTINGS readonly = 0", "readonly"},
		"reader reads a file":    {"telemetry_reader", r, "SELECT * FROM file('/etc/passwd', 'LineAsString')", "READ ON FILE"},
		"writer reads a file":    {"telemetry_writer", w, "SELECT * FROM file('/etc/passwd', 'LineAsString')", "READ ON FILE"},
		"wrong password":         {"telemetry_reader", "nope", "SELECT 1", "AUTHENTICATION_FAILED"},
		"default stops HTTP":     {"", "", "SYSTEM STOP LISTEN HTTP", "readonly mode"},
		"default reads the data": {"", "", "SELECT * FROM telemetry.t", "ACCESS_DENIED"},
		"default sees processes": {"", "", "SELECT * FROM system.processes", "ACCESS_DENIED"},
	}
	for name, c := range refused {
		code, body := query(t, p, c.user, c.password, c.sql)
		if code == 200 || !strings.Contains(body, c.want) {
			t.Errorf("%s: want a refusal containing %q, got %d %q", name, c.want, code, body)
		}
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"event":"stopped"`) {
			stopped = true
		}
	}
	if err := cmd.Wait(); err != nil || !stopped {
		t.Fatalf("SIGTERM: exit %v, stopped line %v", err, stopped)
	}
	t.Logf("stopped in %s", time.Since(start))

	// The data outlives the process.
	_, ready2, _ := startServer(t, dir)
	if code, body := query(t, ready2.Port, "telemetry_reader", r, "SELECT sum(a) FROM telemetry.t"); code != 200 || body != "3" {
		t.Fatalf("after restart: %d %q", code, body)
	}
}
