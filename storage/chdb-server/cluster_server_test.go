package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two real servers as the two shards of one cluster: a Distributed table over both spreads an
// insert by its key, and a query forwarded to the other shard runs there as the user who sent it.
func TestTwoServersAsShardsOfOneCluster(t *testing.T) {
	shared := t.TempDir()
	for name, pw := range map[string]string{"writer": "cluster-writer-password", "reader": "cluster-reader-password"} {
		if err := os.WriteFile(filepath.Join(shared, name), []byte(pw+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ports := make([]int, 2)
	for i := range ports {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = p
	}
	var http []int
	for i := range ports {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		// Both servers read the same password files: the cluster secret is derived from the writer's.
		for _, f := range []string{"writer", "reader"} {
			if err := os.Symlink(filepath.Join(shared, f), filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		_, ready, _ := startServer(t, dir, "--tcp-port", fmt.Sprint(ports[i]), "--cluster", "pair",
			"--cluster-shard", fmt.Sprintf("127.0.0.1:%d", ports[0]), "--cluster-shard", fmt.Sprintf("127.0.0.1:%d", ports[1]),
			"--macro", fmt.Sprintf("shard=%d", i+1))
		http = append(http, ready.Port)
	}
	w, r := "cluster-writer-password", "cluster-reader-password"
	for _, p := range http {
		for _, sql := range []string{
			"CREATE DATABASE IF NOT EXISTS telemetry",
			"CREATE TABLE telemetry.t_local (u String, n UInt32) ENGINE = MergeTree ORDER BY n",
			"CREATE TABLE telemetry.t AS telemetry.t_local ENGINE = Distributed(pair, telemetry, t_local, cityHash64(u))",
		} {
			if code, body := query(t, p, "telemetry_writer", w, sql); code != 200 {
				t.Fatalf("%d: %s: %d %s", p, sql, code, body)
			}
		}
	}
	if code, body := query(t, http[0], "telemetry_writer", w,
		"INSERT INTO telemetry.t SETTINGS distributed_foreground_insert = 1 SELECT toString(number), number FROM numbers(100)"); code != 200 {
		t.Fatalf("insert: %d %s", code, body)
	}
	total := 0
	for _, p := range http {
		code, body := query(t, p, "telemetry_reader", r, "SELECT count() FROM telemetry.t_local")
		var n int
		if _, err := fmt.Sscan(body, &n); code != 200 || err != nil || n == 0 {
			t.Fatalf("shard on %d holds %q (%d): both shards must hold rows", p, body, code)
		}
		total += n
	}
	if total != 100 {
		t.Fatalf("shards hold %d rows, want 100", total)
	}
	// The read-only user reads every shard through the Distributed table, from either server.
	if code, body := query(t, http[1], "telemetry_reader", r, "SELECT count(), uniqExact(_shard_num) FROM telemetry.t"); code != 200 || body != "100\t2" {
		t.Fatalf("reader through Distributed: %d %q", code, body)
	}
	// ...and stays read-only: it cannot write through it either.
	if code, body := query(t, http[0], "telemetry_reader", r, "INSERT INTO telemetry.t VALUES ('x', 1)"); code == 200 || !strings.Contains(body, "ACCESS_DENIED") {
		t.Fatalf("reader insert through Distributed: %d %q", code, body)
	}
}
