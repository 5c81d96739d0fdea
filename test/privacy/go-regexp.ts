// Runs patterns through Go's regexp, the engine inside the Collector's redaction processor.
// JavaScript checks are fast but only approximate Go; this is the authority on whether a pattern
// compiles and what it matches. The program is written to a temporary directory and started
// with `go run`, so the test needs a Go toolchain and nothing else.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROGRAM = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
)

type pattern struct {
	ID    string \`json:"id"\`
	Regex string \`json:"regex"\`
}

type probe struct {
	Pattern int    \`json:"pattern"\`
	Text    string \`json:"text"\`
}

type request struct {
	Patterns []pattern \`json:"patterns"\`
	Probes   []probe   \`json:"probes"\`
	Redact   []string  \`json:"redact"\`
	Mask     string    \`json:"mask"\`
}

type compileError struct {
	ID    string \`json:"id"\`
	Error string \`json:"error"\`
}

type response struct {
	GoVersion     string         \`json:"goVersion"\`
	CompileErrors []compileError \`json:"compileErrors"\`
	Matches       []*string      \`json:"matches"\`
	Redacted      []string       \`json:"redacted"\`
	Prefixes      []string       \`json:"prefixes"\`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "decode request:", err)
		os.Exit(2)
	}
	res := response{
		CompileErrors: []compileError{},
		Matches:       make([]*string, len(req.Probes)),
		Redacted:      make([]string, len(req.Redact)),
		Prefixes:      make([]string, len(req.Patterns)),
	}
	compiled := make([]*regexp.Regexp, len(req.Patterns))
	for i, p := range req.Patterns {
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			res.CompileErrors = append(res.CompileErrors, compileError{p.ID, err.Error()})
			continue
		}
		compiled[i] = re
		// The literal every match starts with; Go searches for it before trying the pattern.
		res.Prefixes[i], _ = re.LiteralPrefix()
	}
	// FindStringIndex is the leftmost-first match, the one ReplaceAll masks first.
	for i, pr := range req.Probes {
		if re := compiled[pr.Pattern]; re != nil {
			if loc := re.FindStringIndex(pr.Text); loc != nil {
				m := pr.Text[loc[0]:loc[1]]
				res.Matches[i] = &m
			}
		}
	}
	// The redaction processor applies each blocked_values pattern in order with ReplaceAllStringFunc.
	for i, text := range req.Redact {
		for _, re := range compiled {
			if re != nil {
				text = re.ReplaceAllLiteralString(text, req.Mask)
			}
		}
		res.Redacted[i] = text
	}
	res.GoVersion = runtime.Version()
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "encode response:", err)
		os.Exit(2)
	}
}
`;

export interface GoPattern {
  readonly id: string;
  readonly regex: string;
}

export interface GoProbe {
  /** Index into patterns. */
  readonly pattern: number;
  readonly text: string;
}

export interface GoRequest {
  readonly patterns: readonly GoPattern[];
  readonly probes?: readonly GoProbe[];
  readonly redact?: readonly string[];
  readonly mask?: string;
}

export interface GoResponse {
  readonly goVersion: string;
  readonly compileErrors: readonly { id: string; error: string }[];
  /** Leftmost match per probe, null when none (or when the pattern did not compile). */
  readonly matches: readonly (string | null)[];
  readonly redacted: readonly string[];
  /** Per pattern, the literal Go finds with a plain search before trying it ('' when none). */
  readonly prefixes: readonly string[];
}

export function goAvailable(): boolean {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.status === 0;
}

export function runGoRegexp(request: GoRequest): GoResponse {
  const dir = mkdtempSync(join(tmpdir(), 'secret-rules-go-'));
  try {
    writeFileSync(join(dir, 'main.go'), PROGRAM);
    const input = JSON.stringify({ probes: [], redact: [], mask: '****', ...request });
    const result = spawnSync('go', ['run', 'main.go'], {
      cwd: dir,
      input,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      // A local toolchain only: a test must not download one.
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    });
    if (result.status !== 0) {
      throw new Error(`go run failed (${result.status ?? result.signal}): ${result.error?.message ?? ''}${result.stderr}`);
    }
    return JSON.parse(result.stdout) as GoResponse;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
