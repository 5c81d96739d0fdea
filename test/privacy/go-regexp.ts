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
	"regexp/syntax"
	"runtime"
	"strings"
	"unicode"
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
	Alphabets []string \`json:"alphabets"\`
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
	MinLengths    [][]int        \`json:"minLengths"\`
}

// minLen is a lower bound on the length of any string made only of runes for which in is true
// that re can match; -1 when re can match no such string. Assertions (\\b, ^, $) count as
// matching anywhere, so the bound errs low, which is the safe side for its one use: showing
// that short values of a given alphabet cannot contain a match.
func minLen(re *syntax.Regexp, in func(rune) bool) int {
	switch re.Op {
	case syntax.OpNoMatch:
		return -1
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			ok := in(r)
			if !ok && re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r && !ok; f = unicode.SimpleFold(f) {
					ok = in(f)
				}
			}
			if !ok {
				return -1
			}
		}
		return len(re.Rune)
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < 0x80; r++ {
				if in(r) {
					return 1
				}
			}
		}
		return -1
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0], in)
	case syntax.OpStar, syntax.OpQuest:
		return 0
	case syntax.OpRepeat:
		if re.Min == 0 {
			return 0
		}
		m := minLen(re.Sub[0], in)
		if m < 0 {
			return -1
		}
		return re.Min * m
	case syntax.OpConcat:
		total := 0
		for _, sub := range re.Sub {
			m := minLen(sub, in)
			if m < 0 {
				return -1
			}
			total += m
		}
		return total
	case syntax.OpAlternate:
		best := -1
		for _, sub := range re.Sub {
			if m := minLen(sub, in); m >= 0 && (best < 0 || m < best) {
				best = m
			}
		}
		return best
	}
	panic(fmt.Sprintf("minLen: unexpected op %v", re.Op))
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
		MinLengths:    make([][]int, len(req.Patterns)),
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
		parsed, _ := syntax.Parse(p.Regex, syntax.Perl)
		res.MinLengths[i] = make([]int, len(req.Alphabets))
		for k, alphabet := range req.Alphabets {
			res.MinLengths[i][k] = minLen(parsed, func(r rune) bool { return strings.ContainsRune(alphabet, r) })
		}
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
  /** Sets of characters, each as a plain string, for minLengths. */
  readonly alphabets?: readonly string[];
}

export interface GoResponse {
  readonly goVersion: string;
  readonly compileErrors: readonly { id: string; error: string }[];
  /** Leftmost match per probe, null when none (or when the pattern did not compile). */
  readonly matches: readonly (string | null)[];
  readonly redacted: readonly string[];
  /** Per pattern, the literal Go finds with a plain search before trying it ('' when none). */
  readonly prefixes: readonly string[];
  /**
   * Per pattern and alphabet: a lower bound on the length of a match made only of that alphabet's
   * characters (assertions count as matching), -1 when there is none.
   */
  readonly minLengths: readonly (readonly number[])[];
}

export function goAvailable(): boolean {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.status === 0;
}

export function runGoRegexp(request: GoRequest): GoResponse {
  const dir = mkdtempSync(join(tmpdir(), 'secret-rules-go-'));
  try {
    writeFileSync(join(dir, 'main.go'), PROGRAM);
    const input = JSON.stringify({ probes: [], redact: [], mask: '****', alphabets: [], ...request });
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
