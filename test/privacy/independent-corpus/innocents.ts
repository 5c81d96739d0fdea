/**
 * Realistic values that are not secrets and must arrive unchanged: commit SHAs, UUIDs, model ids,
 * paths outside home directories, base64 image snippets, Kubernetes names, costs, timestamps,
 * versions, URLs without credentials, and the everyday text around them. Built from fixed lists and
 * a seeded generator, so a failure names a reproducible value.
 */
import { type Random } from './random.js';

const MODELS = [
  'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-3-5-haiku-20241022', 'claude-haiku-4-5', 'gpt-4o-mini-2024-07-18',
  'gpt-4.1', 'o3-mini', 'gemini-2.5-pro', 'gemini-1.5-flash-002', 'llama-3.1-70b-instruct', 'mistral-large-2411', 'command-r-plus-08-2024',
  'text-embedding-3-large', 'deepseek-chat', 'qwen2.5-coder-32b-instruct',
];
const WORDS = ['checkout', 'payments', 'orders', 'search', 'auth-gateway', 'billing', 'inventory', 'notifications', 'catalog', 'reporting', 'ingest', 'frontend'];
const DIRS = ['src/components', 'src/lib', 'internal/server', 'pkg/api', 'test/unit', 'docs/guides', 'scripts', 'configs/prod', 'cmd/worker', 'app/models'];
const FILES = ['Button.tsx', 'index.ts', 'handler.go', 'router.py', 'schema.sql', 'README.md', 'values.yaml', 'Dockerfile', 'main.rs', 'settings.json'];
const HOSTS = ['github.com/acme/shop', 'docs.example.com/guide', 'grafana.example.net/d/abc123/latency', 'registry.npmjs.org/vitest', 'pkg.go.dev/net/http'];
const EVENTS = ['tool_result', 'api_request', 'user_prompt', 'tool_decision', 'api_error'];

const b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function innocents(rng: Random, count: number): string[] {
  const hex = (n: number) => rng.chars('0123456789abcdef', n);
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  const ver = () => `${int(0, 12)}.${int(0, 40)}.${int(0, 99)}`;
  const iso = () => `2025-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}.${int(100, 999)}Z`;
  const pod = () => `${rng.pick(WORDS)}-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 10)}-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 5)}`;
  const makers: (() => string)[] = [
    () => `commit ${hex(40)}`,
    () => `git checkout ${hex(40)}`,
    () => `Merged ${hex(7)} into main`,
    () => `git log --oneline ${hex(7)}..${hex(7)}`,
    () => `session ${uuid()}`,
    () => JSON.stringify({ session_id: uuid(), request_id: `req_${hex(24)}` }),
    () => `trace_id=${hex(32)} span_id=${hex(16)}`,
    () => `model: ${rng.pick(MODELS)}`,
    () => JSON.stringify({ model: rng.pick(MODELS), input_tokens: int(10, 90000), output_tokens: int(1, 8000), cost_usd: Number((rng.next() / 10).toFixed(5)) }),
    () => `${rng.pick(DIRS)}/${rng.pick(FILES)}`,
    () => `/usr/local/lib/node_modules/${rng.pick(['typescript', 'vitest', 'eslint'])}/package.json`,
    () => `/var/log/${rng.pick(WORDS)}/app.log`,
    () => `/tmp/build-${hex(8)}/out/${rng.pick(FILES)}`,
    () => `Read ${rng.pick(DIRS)}/${rng.pick(FILES)} (${int(20, 900)} lines)`,
    () => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${rng.chars(b64chars, int(60, 200))}`,
    () => `data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ${rng.chars(b64chars, int(60, 160))}`,
    () => `pod/${pod()}`,
    () => `kubectl -n ${rng.pick(WORDS)} rollout restart deployment/${rng.pick(WORDS)}`,
    () => `kubectl logs ${pod()} -c app --since=10m`,
    () => `Total cost: $${(rng.next() * 20).toFixed(4)}`,
    () => `cost_usd=${(rng.next() / 5).toFixed(6)}`,
    () => `started at ${iso()}`,
    () => `timestamp_ms=${int(1700000000000, 1760000000000)}`,
    () => `version ${ver()}`,
    () => `v${ver()}-rc.${int(1, 9)}`,
    () => `npm install --save-dev vitest@${ver()}`,
    () => `https://${rng.pick(HOSTS)}?page=${int(1, 40)}&sort=${rng.pick(['asc', 'desc'])}`,
    () => `https://github.com/acme/${rng.pick(WORDS)}/pull/${int(1, 9999)}`,
    () => `image: ghcr.io/acme/${rng.pick(WORDS)}@sha256:${hex(64)}`,
    () => `Bash(npm run test -- ${rng.pick(DIRS)})`,
    () => `event ${rng.pick(EVENTS)} took ${int(1, 9000)} ms`,
    () => `max_tokens=${int(256, 64000)}`,
    () => `cache_read_tokens: ${int(0, 200000)}`,
    () => `Edited ${rng.pick(FILES)}: renamed getUserToken to fetchSessionToken`,
    () => `The password field must be at least ${int(8, 16)} characters.`,
    () => `docker run --rm -p ${int(3000, 9000)}:8080 acme/${rng.pick(WORDS)}:${ver()}`,
    () => `go test ./... -run Test${rng.pick(['Login', 'Checkout', 'Refund'])} -count=1`,
    () => `terraform plan -var-file=envs/${rng.pick(['prod', 'staging'])}.tfvars`,
    () => `SELECT id, created_at FROM orders WHERE id = ${int(1, 999999)} LIMIT ${int(1, 100)};`,
    () => `retrying in ${int(1, 60)}s (attempt ${int(1, 5)}/5)`,
    // Credential-like names holding what people write: kept whole by the entropy check.
    () => `cache_key = user-${int(1, 9999)}-profile-settings`,
    () => `session_token_id: ${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    () => `api_key_name = ${rng.pick(WORDS)}-service-v2-production-eu1`,
    () => `auth_mode = oauth2-device-code-flow`,
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(makers[i % makers.length]!());
  return out;
}
