package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsurePasswordFileCreatesOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "pw")
	pw, created, err := EnsurePasswordFile(path)
	if err != nil || !created || len(pw) < 40 {
		t.Fatalf("first call: pw=%q created=%v err=%v", pw, created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %o, want 600", info.Mode().Perm())
	}
	again, created2, err := EnsurePasswordFile(path)
	if err != nil || created2 || again != pw {
		t.Fatalf("second call must read the same password: %q %v %v", again, created2, err)
	}
}

func TestEnsurePasswordFileRefusesReadableAndEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	if err := os.WriteFile(open, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := EnsurePasswordFile(open); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a 0644 file must be refused naming the fix, got %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := EnsurePasswordFile(empty); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("an empty file must be refused naming the fix, got %v", err)
	}
}

func TestPasswordFromEnvRefusesAnEmptyVariable(t *testing.T) {
	t.Setenv("CHDB_SERVER_TEST_PW", "  s3cret\n")
	if pw, err := PasswordFromEnv("CHDB_SERVER_TEST_PW"); err != nil || pw != "s3cret" {
		t.Fatalf("got %q, %v", pw, err)
	}
	t.Setenv("CHDB_SERVER_TEST_PW", "")
	if _, err := PasswordFromEnv("CHDB_SERVER_TEST_PW"); err == nil || !strings.Contains(err.Error(), "$CHDB_SERVER_TEST_PW") {
		t.Fatalf("an empty variable must be refused naming it, got %v", err)
	}
}
