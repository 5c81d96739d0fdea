import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR } from '../../tools/golden.js';
import { loadSanitizeInputs } from '../../cli/render/inputs.js';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { gatewaySecretNames, renderKubernetesBundle } from '../../cli/render/kubernetes.js';
import { loadStackFile, parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { clickhouseExporterEndpoint } from '../../cli/stack/storage-endpoint.js';

const inputs = loadSanitizeInputs();
const golden = (variant: string): Stack => {
  const file = join(GOLDEN_DIR, variant, 'telemetry-stack.yaml');
  return resolveStack(loadStackFile(file, {}).stack, file, {});
};
const parse = (text: string) => parseStackFile(text, 'telemetry-stack.yaml', {});
const docs = (content: string) => parseAllDocuments(content).map((d) => d.toJS() as Record<string, unknown>);
// Parsed YAML, indexed freely: every level is both a map and a list of the same shape.
type Obj = { readonly [k: string]: Obj } & ReadonlyArray<Obj>;

const GATEWAY = `version: 1
backend: clickhouse
receivers: {auth: {bearerTokenEnv: TOKEN}}
privacy: {engine: stock}
clickhouse: {url: "http://ch.example:8123"}
topology: {gateways: 2}
`;

describe('stack file: gateway topology and ClickHouse clusters', () => {
  it('accepts a gateway tier with a token and a ClickHouse it can reach', () => {
    expect(parse(GATEWAY).problems).toEqual([]);
  });

  it('refuses gateways without a token, without shared storage, or on another backend', () => {
    const messages = (text: string) => parse(text).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages(GATEWAY.replace('receivers: {auth: {bearerTokenEnv: TOKEN}}\n', ''))).toEqual(['topology: gateways are reached over the network: add receivers.auth.bearerTokenEnv']);
    expect(messages(GATEWAY.replace('clickhouse: {url: "http://ch.example:8123"}\n', '')).join('\n')).toMatch(/set clickhouse.url \(one address/);
    expect(messages('version: 1\nbackend: embedded\nreceivers: {auth: {bearerTokenEnv: T}}\ntopology: {}\n').join('\n')).toMatch(/set backend: clickhouse/);
  });

  it('warns that the pinned contrib image has no sanitize processor', () => {
    const { problems } = parse(GATEWAY.replace('privacy: {engine: stock}\n', ''));
    expect(problems.map((p) => [p.severity, p.path])).toEqual([['warning', 'images.collector']]);
  });

  it('several servers are one address: a multi-host endpoints key is not a key', () => {
    // The real Collector refuses the driver's `h1:8123,h2:8123` form (its endpoint must parse as
    // one URL), so the stack file offers one url and the docs say to put a Service in front.
    const many = parse('version: 1\nbackend: clickhouse\nclickhouse: {endpoints: ["http://a:8123", "http://b:8123"]}\n');
    expect(many.problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toMatch(/clickhouse.endpoints: unknown key/);
    const one = parse('version: 1\nbackend: clickhouse\nclickhouse: {url: "https://a.example"}\nruntime: docker\n');
    expect(clickhouseExporterEndpoint(resolveStack(one.stack!, '/x/telemetry-stack.yaml', {}))).toBe('https://a.example');
  });

  it('a cluster writes into the schema telemetry-stack owns, with synchronous deduplicated inserts', () => {
    const exporter = (renderCollectorConfig(golden('kubernetes-existing-cluster'), inputs, 'kubernetes') as Obj)['exporters']['clickhouse'];
    expect(exporter).toMatchObject({
      endpoint: 'http://clickhouse-telemetry.clickhouse.svc.cluster.local:8123',
      async_insert: false,
      create_schema: false,
      connection_params: { insert_deduplicate: '1', distributed_foreground_insert: '1' },
    });
    // Only a schema the exporter creates would use these.
    expect(exporter['cluster_name']).toBeUndefined();
    expect(exporter['table_engine']).toBeUndefined();
    // One server: the exporter's own schema, and no cluster settings.
    const single = (renderCollectorConfig(golden('clickhouse-team'), inputs, 'process') as Obj)['exporters']['clickhouse'];
    expect(single['create_schema']).toBe(true);
    expect(single['connection_params']).toBeUndefined();
  });

  it('gRPC connections age out on a gateway tier only', () => {
    const grpc = (stack: Stack) => (renderCollectorConfig(stack, inputs, 'kubernetes') as Obj)['receivers']['otlp']['protocols']['grpc'];
    expect(grpc(golden('kubernetes-operator'))['keepalive']).toEqual({ server_parameters: { max_connection_age: '10m', max_connection_age_grace: '30s' } });
    expect(grpc(golden('clickhouse-team'))['keepalive']).toBeUndefined();
  });
});

describe('kubernetes bundle', () => {
  for (const variant of ['kubernetes-existing-cluster', 'kubernetes-operator']) {
    const stack = golden(variant);
    const files = renderKubernetesBundle(stack, inputs, 'telemetry-stack.yaml', '1.2.3');
    const file = (path: string) => docs(files.find((f) => f.path === path)!.content)[0]! as Obj;

    it(`${variant}: the kustomization lists every resource file it ships`, () => {
      const k = file('kubernetes/kustomization.yaml');
      const resources = files.filter((f) => f.path.startsWith('kubernetes/') && !/(kustomization|collector|schema-stack)\.yaml$|\.sh$/.test(f.path)).map((f) => f.path.slice('kubernetes/'.length));
      expect([...k['resources']].sort()).toEqual(resources.sort());
    });

    it(`${variant}: holds secret names, never a value, and every gateway reads the same Secret`, () => {
      for (const f of files) {
        for (const d of f.path.endsWith('.yaml') ? docs(f.content) : []) expect(d?.['kind'], f.path).not.toBe('Secret');
        expect(f.content).not.toMatch(/stringData|^\s*data:/m);
      }
      const env = file('kubernetes/statefulset.yaml')['spec']['template']['spec']['containers'][0]['env'];
      const fromSecret = env.filter((e) => e['valueFrom']).map((e) => [e['name'], e['valueFrom']['secretKeyRef']['name']]);
      expect(fromSecret).toEqual(gatewaySecretNames(stack).map((n) => [n, `${stack.name}-gateway-secrets`]));
      expect(files.find((f) => f.path === 'kubernetes/create-secret.sh')!.content).toMatch(/:\?export/);
    });

    it(`${variant}: pods listen beyond loopback only behind the bearer token`, () => {
      const config = parseYaml(files.find((f) => f.path === 'kubernetes/collector.yaml')!.content) as Obj;
      for (const p of Object.values(config['receivers']['otlp']['protocols']) as Obj[]) {
        expect(p['endpoint']).toMatch(/^0\.0\.0\.0:/);
        expect(p['auth']).toEqual({ authenticator: 'bearertokenauth' });
      }
      expect(config['service']['telemetry']['metrics']['readers'][0]['pull']['exporter']['prometheus']['host']).toBe('127.0.0.1');
    });

    it(`${variant}: each gateway has its own queue claim, kept on scale-in`, () => {
      const sts = file('kubernetes/statefulset.yaml')['spec'];
      expect(sts['persistentVolumeClaimRetentionPolicy']).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(sts['volumeClaimTemplates'][0]['metadata']['name']).toBe('queue');
      const mount = sts['template']['spec']['containers'][0]['volumeMounts'].find((m: Obj) => String(m['name']) === 'queue')!;
      const config = parseYaml(files.find((f) => f.path === 'kubernetes/collector.yaml')!.content) as Obj;
      expect(config['extensions']['file_storage/queue']['directory']).toBe(mount['mountPath']);
    });

    it(`${variant}: scales in slowly, one gateway at a time, and never below the stack's gateways`, () => {
      const hpa = file('kubernetes/hpa.yaml')['spec'];
      expect(hpa['minReplicas']).toBe(stack.topology!.gateways);
      expect(hpa['behavior']['scaleDown']['stabilizationWindowSeconds']).toBeGreaterThanOrEqual(600);
      expect(hpa['behavior']['scaleDown']['policies']).toEqual([{ type: 'Pods', value: 1, periodSeconds: 600 }]);
      expect(file('kubernetes/pdb.yaml')['spec']['maxUnavailable']).toBe(1);
    });

    it(`${variant}: the network policy lets in OTLP and out only DNS and ClickHouse`, () => {
      const np = file('kubernetes/networkpolicy.yaml')['spec'];
      expect(np['ingress'][0]['ports'].map((p: Obj) => p['port'])).toEqual([4317, 4318]);
      expect(np['egress'].flatMap((e: Obj) => e['ports'].map((p: Obj) => `${p['protocol']}/${p['port']}`))).toEqual(['UDP/53', 'TCP/53', 'TCP/8123']);
    });

    it(`${variant}: the Helm values run the same Collector config as a statefulset`, () => {
      const values = file('helm/values.yaml');
      expect(values['mode']).toBe('statefulset');
      expect(values['alternateConfig']).toEqual(parseYaml(files.find((f) => f.path === 'kubernetes/collector.yaml')!.content));
      expect(values['statefulset']['volumeClaimTemplates'][0]['metadata']['name']).toBe('queue');
      // The chart templates its config: Go template braces in ours would be evaluated.
      expect(files.find((f) => f.path === 'helm/values.yaml')!.content).not.toContain('{{');
    });
  }

  it('the operator variant renders a ClickHouseInstallation with Keeper, whose pods the policy lets the gateways reach', () => {
    const files = renderKubernetesBundle(golden('kubernetes-operator'), inputs, 'telemetry-stack.yaml', '1.2.3');
    const [keeper, chi] = docs(files.find((f) => f.path === 'kubernetes/clickhouse-installation.yaml')!.content) as Obj[];
    expect(keeper!['kind']).toBe('ClickHouseKeeperInstallation');
    expect(chi!['spec']['configuration']['zookeeper']['nodes']).toEqual([{ host: 'keeper-telemetry', port: 2181 }]);
    expect(chi!['spec']['configuration']['clusters']).toEqual([{ name: 'telemetry', layout: { shardsCount: 1, replicasCount: 2 } }]);
    const np = docs(files.find((f) => f.path === 'kubernetes/networkpolicy.yaml')!.content)[0] as Obj;
    expect(np['spec']['egress'][1]['to']).toEqual([{ podSelector: { matchLabels: { 'clickhouse.altinity.com/chi': 'telemetry' } } }]);
  });
});

describe('kubernetes bundle: schema Job and agent', () => {
  const files = renderKubernetesBundle(golden('kubernetes-existing-cluster'), inputs, 'telemetry-stack.yaml', '1.2.3');
  const file = (path: string) => docs(files.find((f) => f.path === path)!.content)[0]! as Obj;

  it('the Job runs schema apply of this release on a stack file that holds the cluster, with the password from the Secret', () => {
    const container = file('kubernetes/schema-job.yaml')['spec']['template']['spec']['containers'][0];
    expect(container['command']).toEqual(['npx', '--yes', 'telemetry-stack@1.2.3', 'schema', 'apply', '--file', '/etc/telemetry-stack/telemetry-stack.yaml']);
    expect(container['env']).toContainEqual({ name: 'TELEMETRY_STACK_CLICKHOUSE_PASSWORD', valueFrom: { secretKeyRef: { name: 'team-gateway-secrets', key: 'TELEMETRY_STACK_CLICKHOUSE_PASSWORD' } } });
    const stackFile = file('kubernetes/schema-stack.yaml');
    expect(stackFile['clickhouse']).toMatchObject({ url: 'http://clickhouse-telemetry.clickhouse.svc.cluster.local:8123', cluster: { name: 'replicated', replicated: true } });
    // The Job's stack file must load as a stack file.
    const parsed = parseStackFile(files.find((f) => f.path === 'kubernetes/schema-stack.yaml')!.content, 'schema-stack.yaml', {});
    expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it("the agent forwards OTLP to the gateways' Service with the bearer token, and only with kubernetes.agent", () => {
    const agent = file('kubernetes/agent-collector.yaml');
    expect(agent['exporters']['otlp_http/gateway']).toMatchObject({ endpoint: 'http://team-gateway.telemetry.svc.cluster.local:4318', auth: { authenticator: 'bearertokenauth' } });
    expect(agent['extensions']['bearertokenauth']).toEqual({ token: '${env:TELEMETRY_STACK_TOKEN}' });
    const env = file('kubernetes/agent-daemonset.yaml')['spec']['template']['spec']['containers'][0]['env'];
    expect(env).toEqual([{ name: 'TELEMETRY_STACK_TOKEN', valueFrom: { secretKeyRef: { name: 'team-gateway-secrets', key: 'TELEMETRY_STACK_TOKEN' } } }]);
    const operator = renderKubernetesBundle(golden('kubernetes-operator'), inputs, 'telemetry-stack.yaml', '1.2.3').map((f) => f.path);
    expect(operator.filter((p) => p.includes('agent'))).toEqual([]);
  });
});
