/**
 * The walls between the CLI's folders, checked in CI (`npm run walls`). Each rule names what it
 * keeps apart and why; a violation fails with the importing file, the imported one and the rule.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'client-stands-alone',
      comment: 'The client ships inside other CLIs: it imports only its own files and Node built-ins (no CLI code, no package).',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { pathNot: '^packages/client/src/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'renderers-are-pure',
      comment:
        'Renderers take their inputs as arguments: no disk, network, processes, runtime or storage of their own. ' +
        'The reaches outside: the query templates shipped in the package (configs/queries), which the Grafana ' +
        'dashboards are built from, through query/templates.ts; and the data directory\'s paths (home/layout.ts, ' +
        'string functions only), which the process runtime\'s Collector config names. The statement files of the ' +
        'DDL (configs/sql) are read by the callers (render/inputs.ts loadRenderInputs), not by the renderer.',
      severity: 'error',
      from: { path: '^cli/render/' },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|tls|dns)$',
          '^cli/(runtime|store|storage|commands|net|verify|retention)/',
          '^cli/query/(source|clickhouse|identity)\\.ts$',
          // home/layout.ts is pure path arithmetic (node:path only); the rest of home/ touches the disk.
          '^cli/home/(?!layout\\.ts$)',
        ],
      },
    },
    {
      name: 'commander-only-in-commands',
      comment: 'Argument parsing belongs to commands/; everything else takes typed options.',
      severity: 'error',
      from: { pathNot: ['^cli/commands/', '^cli/main\\.ts$'] },
      to: { path: '^commander$|node_modules/commander/' },
    },
    {
      name: 'commands-are-leaves',
      comment: 'Nothing below the commands imports them (printing and option parsing live there).',
      severity: 'error',
      from: { path: '^cli/', pathNot: ['^cli/commands/', '^cli/main\\.ts$'] },
      to: { path: '^cli/commands/' },
    },
    {
      name: 'verify-and-query-ask-home',
      comment:
        'The data directory (secrets, TLS files, run records, rendered config, logs) has one owner, home/: verify/ ' +
        'and query/ read it through home, never through the runtime that writes it, so its layout is spelled once ' +
        'and a runtime can change inside without them. From runtime/ they take only what it publishes about a ' +
        'running stack: the ports its parts listen on (stack-parts.ts) and the Collector\'s own metrics ' +
        '(collector-metrics.ts), which verify checks against.',
      severity: 'error',
      from: { path: '^cli/(verify|query)/' },
      to: { path: '^cli/runtime/', pathNot: '^cli/runtime/(stack-parts|collector-metrics)\\.ts$' },
    },
    {
      name: 'home-asks-no-one',
      comment:
        'home/ is what the runtimes, verify, query, schema and commands ask for the data directory: it imports none ' +
        'of them, so it can never be the middle of a cycle and reads the same whoever asks.',
      severity: 'error',
      from: { path: '^cli/home/' },
      to: { path: '^cli/(runtime|store|storage|verify|query|schema|retention|render|commands|dashboard|report)/' },
    },
    {
      name: 'lint-reads-no-runtime',
      comment: 'lint checks files: it never starts, stops or reads a running stack.',
      severity: 'error',
      from: { path: '^cli/lint/' },
      to: { path: '^cli/(runtime|store|verify)/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^cli/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
