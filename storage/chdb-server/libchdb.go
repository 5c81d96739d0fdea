package main

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Engine is libchdb loaded into this process. Only the command-line entry is used: it runs
// clickhouse-local, which is the program that can open ClickHouse's own listeners.
type Engine struct {
	queryCmdline  func(argc int32, argv **byte) uintptr
	resultBuffer  func(r uintptr) *byte
	resultLength  func(r uintptr) uintptr
	resultError   func(r uintptr) string
	destroyResult func(r uintptr)
	version       func() string
}

// LoadEngine dlopens libchdb.so (the one the npm package chdb installs).
func LoadEngine(path string) (*Engine, error) {
	lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("cannot load %s: %v; install the chdb npm package (npm install) or pass --libchdb", path, err)
	}
	e := &Engine{}
	for name, fn := range map[string]any{
		"chdb_query_cmdline":        &e.queryCmdline,
		"chdb_result_buffer":        &e.resultBuffer,
		"chdb_result_length":        &e.resultLength,
		"chdb_result_error":         &e.resultError,
		"chdb_destroy_query_result": &e.destroyResult,
		"chdb_version":              &e.version,
	} {
		sym, err := purego.Dlsym(lib, name)
		if err != nil {
			return nil, fmt.Errorf("%s has no %s: %v; this launcher needs chdb 3.4 or newer", path, name, err)
		}
		purego.RegisterFunc(fn, sym)
	}
	return e, nil
}

// Version is the library's own version string.
func (e *Engine) Version() string { return e.version() }

// RunCmdline runs clickhouse-local with argv and blocks until its last statement ends. It
// returns the statements' output and the engine's error text, if any.
func (e *Engine) RunCmdline(args []string) (output string, errText string) {
	// NUL-terminated copies in Go memory; kept alive until the call returns.
	bufs := make([][]byte, len(args))
	argv := make([]*byte, len(args)+1)
	for i, a := range args {
		bufs[i] = append([]byte(a), 0)
		argv[i] = &bufs[i][0]
	}
	r := e.queryCmdline(int32(len(args)), &argv[0])
	runtime.KeepAlive(bufs)
	runtime.KeepAlive(argv)
	if r == 0 {
		return "", "chdb_query_cmdline returned no result"
	}
	defer e.destroyResult(r)
	errText = e.resultError(r)
	if n := e.resultLength(r); n > 0 {
		output = string(unsafe.Slice(e.resultBuffer(r), n))
	}
	return output, errText
}
