// The tiny CLI's commands, shared by the instrumented entry point (cli.mjs) and the uninstrumented one
// (cli-baseline.mjs) that the benchmark compares it with.

export const VERBS = ['greet', 'add', 'fail'];

const commands = {
  greet(args) {
    process.stdout.write(`Hello, ${args[0] ?? 'world'}!\n`);
    return 0;
  },
  add(args) {
    const numbers = args.map(Number);
    if (numbers.some(Number.isNaN)) {
      process.stderr.write('add: every argument must be a number\n');
      return 2;
    }
    process.stdout.write(`${numbers.reduce((a, b) => a + b, 0)}\n`);
    return 0;
  },
  fail() {
    process.stderr.write('fail: failing on purpose\n');
    return 3;
  },
};

/** Returns the matched verb (undefined when none matched) and the exit code. */
export function dispatch(argv) {
  const [verb, ...args] = argv;
  const command = verb === undefined ? undefined : commands[verb];
  if (!command) {
    process.stderr.write(`usage: tiny-cli <${VERBS.join('|')}|telemetry> [args]\n`);
    return { verb: undefined, exit: 64 };
  }
  return { verb, exit: command(args) };
}
