// Runs patterns through Go's regexp, the engine inside the Collector's redaction processor.
// JavaScript checks are fast but only approximate Go; this is the authority on whether a pattern
// compiles, what it matches, which literal Go searches for before trying it, and (with Go's own
// compiler, regexp/syntax) whether it can match inside a value of a given shape. The program is
// written to a temporary directory and started with `go run`, so the test needs a Go toolchain
// and nothing else.

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
	Shapes   []string  \`json:"shapes"\`
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
	Inside        [][]bool       \`json:"inside"\`
	ShapeErrors   []string       \`json:"shapeErrors"\`
}

// closure adds to runes the rune-reading instructions reachable from pc without reading a rune,
// and reports whether a match is. Assertions (\\b, ^, $) count as satisfied: a pattern is taken to
// match wherever it might, which errs on the safe side for matchesInside.
func closure(prog *syntax.Prog, pc uint32, runes map[uint32]bool) bool {
	seen := map[uint32]bool{}
	match := false
	var walk func(uint32)
	walk = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		inst := &prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			walk(inst.Out)
			walk(inst.Arg)
		case syntax.InstCapture, syntax.InstEmptyWidth, syntax.InstNop:
			walk(inst.Out)
		case syntax.InstMatch:
			match = true
		case syntax.InstFail:
		default:
			runes[pc] = true
		}
	}
	walk(pc)
	return match
}

func reads(inst *syntax.Inst, r rune) bool {
	switch inst.Op {
	case syntax.InstRune:
		return inst.MatchRune(r)
	case syntax.InstRune1:
		return r == inst.Rune[0]
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return r != '\\n'
	}
	return false
}

type position struct {
	runes map[uint32]bool
	match bool
}

// after is where a program can be after the rune-reading instruction pc has read a rune.
func after(prog *syntax.Prog, pc uint32) position {
	p := position{runes: map[uint32]bool{}}
	p.match = closure(prog, prog.Inst[pc].Out, p.runes)
	return p
}

// asciiOnly reports whether every rune the program reads is ASCII (a shape must be, because
// matchesInside tries ASCII runes only).
func asciiOnly(prog *syntax.Prog) bool {
	for _, inst := range prog.Inst {
		switch inst.Op {
		case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			return false
		case syntax.InstRune, syntax.InstRune1:
			if syntax.Flags(inst.Arg)&syntax.FoldCase != 0 {
				return false
			}
			for _, r := range inst.Rune {
				if r >= 0x80 {
					return false
				}
			}
		}
	}
	return true
}

// matchesInside reports whether pattern can match part of some whole value that shape matches:
// a search over pairs (where the shape's program is, where the pattern's is) that read the same
// rune, started wherever the shape can be and ended where the pattern matches while the shape
// can still finish. Assertions in both count as satisfied, so "true" may be spurious; "false" is
// a proof.
func matchesInside(pattern, shape *syntax.Prog) bool {
	start := position{runes: map[uint32]bool{}}
	if start.match = closure(pattern, uint32(pattern.Start), start.runes); start.match {
		return true
	}
	reached := map[uint32]bool{}
	queue := []uint32{}
	first := map[uint32]bool{}
	closure(shape, uint32(shape.Start), first)
	for pc := range first {
		reached[pc] = true
		queue = append(queue, pc)
	}
	for len(queue) > 0 {
		pc := queue[0]
		queue = queue[1:]
		for next := range after(shape, pc).runes {
			if !reached[next] {
				reached[next] = true
				queue = append(queue, next)
			}
		}
	}
	live := map[uint32]bool{}
	canFinish := func(p position) bool {
		if p.match {
			return true
		}
		for q := range p.runes {
			if live[q] {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for pc := range reached {
			if !live[pc] && canFinish(after(shape, pc)) {
				live[pc] = true
				changed = true
			}
		}
	}
	type pair struct{ s, p uint32 }
	seen := map[pair]bool{}
	var work []pair
	for s := range live {
		for p := range start.runes {
			seen[pair{s, p}] = true
			work = append(work, pair{s, p})
		}
	}
	for len(work) > 0 {
		pr := work[len(work)-1]
		work = work[:len(work)-1]
		si, pi := &shape.Inst[pr.s], &pattern.Inst[pr.p]
		for r := rune(0); r < 0x80; r++ {
			if !reads(si, r) || !reads(pi, r) {
				continue
			}
			// Where each goes next does not depend on which rune it read: one common rune will do.
			ns, np := after(shape, pr.s), after(pattern, pr.p)
			if np.match && canFinish(ns) {
				return true
			}
			for s2 := range ns.runes {
				if !live[s2] {
					continue
				}
				for p2 := range np.runes {
					if next := (pair{s2, p2}); !seen[next] {
						seen[next] = true
						work = append(work, next)
					}
				}
			}
			break
		}
	}
	return false
}

func compileProg(expr string) (*syntax.Prog, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return syntax.Compile(re.Simplify())
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
		Inside:        make([][]bool, len(req.Patterns)),
		ShapeErrors:   []string{},
	}
	shapes := make([]*syntax.Prog, len(req.Shapes))
	for k, expr := range req.Shapes {
		prog, err := compileProg(expr)
		if err != nil {
			res.ShapeErrors = append(res.ShapeErrors, expr+": "+err.Error())
		} else if !asciiOnly(prog) {
			res.ShapeErrors = append(res.ShapeErrors, expr+": reads runes beyond ASCII")
		} else {
			shapes[k] = prog
		}
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
		res.Inside[i] = make([]bool, len(req.Shapes))
		prog, _ := compileProg(p.Regex)
		for k, shape := range shapes {
			// A shape that did not compile proves nothing: count it as matched.
			res.Inside[i][k] = shape == nil || matchesInside(prog, shape)
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
  /** Whole-value patterns (anchored, ASCII only) to test every pattern against; see inside. */
  readonly shapes?: readonly string[];
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
   * Per pattern and shape: whether the pattern may match part of a value the shape matches. False
   * is a proof that it cannot; true may be spurious (assertions count as satisfied).
   */
  readonly inside: readonly (readonly boolean[])[];
  /** Shapes that did not compile or read non-ASCII runes (their column in inside is all true). */
  readonly shapeErrors: readonly string[];
}

export function goAvailable(): boolean {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.status === 0;
}

export function runGoRegexp(request: GoRequest): GoResponse {
  const dir = mkdtempSync(join(tmpdir(), 'secret-rules-go-'));
  try {
    writeFileSync(join(dir, 'main.go'), PROGRAM);
    const input = JSON.stringify({ probes: [], redact: [], mask: '****', shapes: [], ...request });
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
