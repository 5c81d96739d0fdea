// Command chdb-server runs ClickHouse's own HTTP and native TCP servers from libchdb (the
// engine the npm package chdb installs) on 127.0.0.1, with users and grants of its own.
//
//	chdb-server --libchdb PATH --data-dir DIR --password-file FILE --reader-password-file FILE
//	            [--port 8123] [--tcp-port 9000] [--database telemetry]
//	            [--writer-user telemetry_writer] [--reader-user telemetry_reader]
//	            [--cluster NAME --cluster-shard HOST:TCP_PORT ... [--macro shard=01 ...]]
//	chdb-server ... --password-env NAME --reader-password-env NAME   (in a container)
//	chdb-server --ping PORT   (a container's health check: exit 0 when /ping answers)
//
// It prints one JSON line {"event":"ready",...} on stdout once both listeners answer, and
// {"event":"stopping",...} when SIGTERM or SIGINT arrives and {"event":"stopped",...} once the
// engine is closed. Problems are one line on
// stderr starting with "chdb-server:"; the exit code is then 1.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const stopTimeout = 30 * time.Second

type options struct {
	libchdb, dataDir, writerPasswordFile, readerPasswordFile string
	writerPasswordEnv, readerPasswordEnv                     string
	ping                                                     int
	database, writerUser, readerUser                         string
	httpPort, tcpPort, readerMaxExecution                    int
	readyTimeout                                             time.Duration
	cluster                                                  string
	clusterShards                                            []string
	macros                                                   map[string]string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("chdb-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.libchdb, "libchdb", os.Getenv("TELEMETRY_STACK_LIBCHDB"), "path of libchdb.so (default $TELEMETRY_STACK_LIBCHDB)")
	fs.StringVar(&o.dataDir, "data-dir", "", "data directory (engine data in engine/, logs in logs/)")
	fs.StringVar(&o.writerPasswordFile, "password-file", "", "password file of the writer user (created 0600 when missing)")
	fs.StringVar(&o.readerPasswordFile, "reader-password-file", "", "password file of the read-only user (created 0600 when missing)")
	fs.StringVar(&o.writerPasswordEnv, "password-env", "", "environment variable holding the writer's password (instead of --password-file; for containers)")
	fs.StringVar(&o.readerPasswordEnv, "reader-password-env", "", "environment variable holding the read-only user's password (instead of --reader-password-file)")
	fs.IntVar(&o.ping, "ping", 0, "only check that 127.0.0.1:PORT/ping answers, exit 0 or 1 (a container's health check)")
	fs.StringVar(&o.database, "database", "telemetry", "database the writer may create and both users may read")
	fs.StringVar(&o.writerUser, "writer-user", "telemetry_writer", "user for the Collector's exporter and the control plane's DDL")
	fs.StringVar(&o.readerUser, "reader-user", "telemetry_reader", "read-only user for queries and reports")
	fs.IntVar(&o.httpPort, "port", 8123, "HTTP port on 127.0.0.1 (0 = any free port)")
	fs.IntVar(&o.tcpPort, "tcp-port", 0, "native TCP port on 127.0.0.1 (0 = any free port)")
	fs.IntVar(&o.readerMaxExecution, "reader-max-execution-seconds", 60, "server-side limit on every statement of the read-only user")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "how long to wait for the listeners")
	fs.StringVar(&o.cluster, "cluster", "", "name of a cluster this server is a shard of (remote_servers), for Distributed tables")
	fs.Func("cluster-shard", "host:tcp-port of one shard of --cluster, in shard order; repeat for each (this server included)", func(v string) error {
		o.clusterShards = append(o.clusterShards, v)
		return nil
	})
	o.macros = map[string]string{}
	fs.Func("macro", "name=value of a macro such as shard or replica; repeatable", func(v string) error { return parseMacro(v, o.macros) })
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.ping != 0 {
		return o, nil
	}
	var problems, missing []string
	if o.libchdb == "" {
		missing = append(missing, "--libchdb (or $TELEMETRY_STACK_LIBCHDB): the libchdb.so of the npm package chdb")
	}
	if o.dataDir == "" {
		missing = append(missing, "--data-dir")
	}
	for _, p := range []struct{ file, env, fileFlag, envFlag string }{
		{o.writerPasswordFile, o.writerPasswordEnv, "--password-file", "--password-env"},
		{o.readerPasswordFile, o.readerPasswordEnv, "--reader-password-file", "--reader-password-env"},
	} {
		switch {
		case p.file == "" && p.env == "":
			missing = append(missing, p.fileFlag+" (or "+p.envFlag+")")
		case p.file != "" && p.env != "":
			problems = append(problems, p.fileFlag+" and "+p.envFlag+" exclude each other; give one")
		}
	}
	if o.cluster == "" && len(o.clusterShards) > 0 {
		missing = append(missing, "--cluster (--cluster-shard names a shard of it)")
	}
	if len(missing) > 0 {
		problems = append([]string{fmt.Sprintf("missing %v", missing)}, problems...)
	}
	if len(problems) > 0 {
		return o, errors.New(strings.Join(problems, "\n"))
	}
	return o, nil
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func fail(err error) int {
	fmt.Fprintf(os.Stderr, "chdb-server: %v\n", err)
	return 1
}

func run(args []string) int {
	started := time.Now()
	// Logs carry query texts and the engine's files are the store: private to the owner.
	syscall.Umask(0o077)
	o, err := parseFlags(args, os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return fail(err)
	}
	if o.ping != 0 {
		if pingOK(o.ping) {
			return 0
		}
		return fail(fmt.Errorf("127.0.0.1:%d/ping does not answer", o.ping))
	}
	dataDir, err := filepath.Abs(o.dataDir)
	if err != nil {
		return fail(err)
	}
	writerPw, writerCreated, err := passwordFrom(o.writerPasswordFile, o.writerPasswordEnv)
	if err != nil {
		return fail(err)
	}
	readerPw, readerCreated, err := passwordFrom(o.readerPasswordFile, o.readerPasswordEnv)
	if err != nil {
		return fail(err)
	}
	controlPw, err := NewPassword()
	if err != nil {
		return fail(err)
	}
	for _, p := range []*int{&o.httpPort, &o.tcpPort} {
		if *p == 0 {
			if *p, err = FreePort(); err != nil {
				return fail(err)
			}
		}
	}
	cfg := ServerConfig{
		Layout:                    Layout{DataDir: dataDir},
		HTTPPort:                  o.httpPort,
		TCPPort:                   o.tcpPort,
		Database:                  o.database,
		Writer:                    Account{o.writerUser, writerPw},
		Reader:                    Account{o.readerUser, readerPw},
		Control:                   Account{"chdb_server_control", controlPw},
		ReaderMaxExecutionSeconds: o.readerMaxExecution,
	}
	if o.cluster != "" {
		cfg.Cluster = &Cluster{Name: o.cluster, Shards: o.clusterShards, Macros: o.macros}
	}
	if err := cfg.Validate(); err != nil {
		return fail(err)
	}
	removed := RemoveLegacyFront(cfg.Layout)
	if err := WriteServerFiles(cfg); err != nil {
		return fail(err)
	}
	engine, err := LoadEngine(o.libchdb)
	if err != nil {
		return fail(err)
	}
	// Signals are caught before the engine starts so a SIGTERM during start-up is not lost.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)

	running, err := Start(engine, cfg, o.readyTimeout)
	if err != nil {
		return fail(err)
	}
	_ = os.WriteFile(cfg.Layout.PidFile(), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	emit(map[string]any{
		"event":                     "ready",
		"url":                       fmt.Sprintf("http://127.0.0.1:%d", cfg.HTTPPort),
		"port":                      cfg.HTTPPort,
		"tcpPort":                   cfg.TCPPort,
		"pid":                       os.Getpid(),
		"dataDir":                   dataDir,
		"writerUser":                cfg.Writer.Name,
		"readerUser":                cfg.Reader.Name,
		"passwordFile":              o.writerPasswordFile,
		"passwordFileCreated":       writerCreated,
		"readerPasswordFile":        o.readerPasswordFile,
		"readerPasswordFileCreated": readerCreated,
		"removedLegacyFiles":        removed,
		"engine":                    "libchdb " + engine.Version(),
		"cluster":                   o.cluster,
		"startupMs":                 time.Since(started).Milliseconds(),
	})

	select {
	case res := <-running.Done():
		_ = os.Remove(cfg.Layout.PidFile())
		return fail(fmt.Errorf("the engine stopped on its own: %s", oneLine(res.errText, res.output)))
	case sig := <-signals:
		// Said before the engine is asked to stop: with an idle HTTP keep-alive connection open,
		// clickhouse-local's shutdown ends the whole process with exit code 1 before this
		// function returns, and this line is then what tells a supervisor that the exit was
		// asked for (acknowledged inserts are parts on disk by then).
		emit(map[string]any{"event": "stopping", "signal": sig.String(), "pid": os.Getpid()})
		go func() {
			// A second signal means "now": acknowledged inserts are parts on disk already.
			<-signals
			fmt.Fprintln(os.Stderr, "chdb-server: second signal: exiting without waiting")
			os.Exit(1)
		}()
		err := running.Stop(stopTimeout)
		_ = os.Remove(cfg.Layout.PidFile())
		if err != nil {
			return fail(err)
		}
		emit(map[string]any{"event": "stopped", "signal": sig.String(), "pid": os.Getpid()})
		return 0
	}
}

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(os.Stdout, string(b))
}
