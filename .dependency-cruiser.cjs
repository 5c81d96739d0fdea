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
        'The one reach outside: the query templates shipped in the package (configs/queries), which the Grafana ' +
        'dashboards are built from, through query/templates.ts. The statement files of the DDL (configs/sql) are read ' +
        'by the callers (render/inputs.ts loadRenderInputs), not by the renderer.',
      severity: 'error',
      from: { path: '^cli/render/' },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|tls|dns)$',
          '^cli/(runtime|store|storage|commands|net|verify|retention)/',
          '^cli/query/(source|clickhouse|identity)\\.ts$',
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
