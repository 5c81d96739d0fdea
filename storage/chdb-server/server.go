package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FreePort asks the kernel for a free loopback port. ClickHouse needs a number in its config,
// so a port of 0 is turned into one here; the short race with another process is accepted.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// WriteServerFiles renders config.xml and users.xml (0600: they hold password hashes) and makes
// the directories the engine and its logs need.
func WriteServerFiles(c ServerConfig) error {
	l := c.Layout
	for _, dir := range []string{l.DataDir, l.ServerDir(), l.UserFilesDir(), l.LogDir(), l.EngineDir()} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(l.UsersFile(), []byte(RenderUsersXML(c)), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(l.ConfigFile(), []byte(RenderConfigXML(c)), 0o600)
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// RemoveLegacyFront deletes what the earlier node:http front kept beside engine/: its engine
// config and the spool of unacknowledged INSERT bodies (nothing in it was acknowledged).
func RemoveLegacyFront(l Layout) []string {
	var removed []string
	for _, p := range []string{filepath.Join(l.DataDir, "engine-config.xml"), filepath.Join(l.DataDir, "spool")} {
		if _, err := os.Stat(p); err == nil {
			if os.RemoveAll(p) == nil {
				removed = append(removed, p)
			}
		}
	}
	return removed
}

// Running is a started engine: its listeners answer until Stop.
type Running struct {
	cfg   ServerConfig
	token string
	done  chan cmdlineResult
}

type cmdlineResult struct {
	output, errText string
}

// Start runs clickhouse-local in a goroutine (the C call blocks for the server's lifetime) and
// returns once both listeners answer, or with the engine's error if it ended first.
func Start(engine *Engine, c ServerConfig, readyTimeout time.Duration) (*Running, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	r := &Running{cfg: c, token: token, done: make(chan cmdlineResult, 1)}
	args := EngineArgs(c, token)
	go func() {
		out, errText := engine.RunCmdline(args)
		r.done <- cmdlineResult{out, errText}
	}()
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case res := <-r.done:
			r.done <- res
			return nil, fmt.Errorf("the engine stopped before it listened: %s", oneLine(res.errText, res.output))
		default:
		}
		if pingOK(c.HTTPPort) && tcpOK(c.TCPPort) {
			return r, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the engine did not answer on 127.0.0.1:%d (HTTP) and :%d (TCP) within %s; see %s", c.HTTPPort, c.TCPPort, readyTimeout, filepath.Join(c.Layout.LogDir(), "clickhouse.err.log"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pingOK(port int) bool {
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/ping", port))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

func tcpOK(port int) bool {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// Done is closed-over by the caller to notice the engine ending on its own (a crash, a KILL
// from elsewhere).
func (r *Running) Done() <-chan cmdlineResult { return r.done }

// Stop ends the keepalive statement with KILL QUERY as the control user; clickhouse-local then
// closes its listeners (finishing requests in flight) and the engine, and the C call returns.
func (r *Running) Stop(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.kill(ctx); err != nil {
		return err
	}
	select {
	case res := <-r.done:
		r.done <- res
		if res.errText != "" && !strings.Contains(res.errText, "QUERY_WAS_CANCELLED") {
			return fmt.Errorf("the engine ended with: %s", oneLine(res.errText, ""))
		}
		return nil
	case <-ctx.Done():
		return errors.New("the engine did not stop within " + timeout.String())
	}
}

func (r *Running) kill(ctx context.Context) error {
	q := url.Values{"query": {KillQuery(r.token)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/?%s", r.cfg.HTTPPort, q.Encode()), nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(r.cfg.Control.Name, r.cfg.Control.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("KILL QUERY for the keepalive statement: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("KILL QUERY for the keepalive statement: HTTP %d: %s", resp.StatusCode, oneLine(string(body), ""))
	}
	return nil
}

func oneLine(a, b string) string {
	s := strings.TrimSpace(a)
	if s == "" {
		s = strings.TrimSpace(b)
	}
	if s == "" {
		return "(no message)"
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
