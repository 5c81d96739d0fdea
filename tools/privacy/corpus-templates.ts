// The text that corpus values are planted in: the shapes secrets and personal data take in
// Claude Code telemetry (shell commands in tool parameters, prompts, JSON bodies, config
// snippets, stack traces). Placeholders are {name}: {secret}, {email}, {ipv4}, {ipv6}, {home} and
// {/} (the home path's separator) are the planted value; the others are fresh innocents (see
// INNOCENT_GENERATORS). A placeholder used twice in one template gets the same value.

export interface CorpusTemplate {
  readonly text: string;
  /** The template is a JSON document and values sit inside its strings: insert them escaped. */
  readonly json?: boolean;
}

/** For credentials that stand alone (masks: value): a bare token in common surroundings. */
export const TOKEN_TEMPLATES: readonly CorpusTemplate[] = [
  { text: 'export OPENAI_API_KEY={secret}' },
  { text: 'curl -sS -H "Authorization: Bearer {secret}" https://api.example.com/v1/sessions/{session}' },
  { text: 'I accidentally pasted {secret} into the chat at {ts}; how do I rotate it? The last good commit was {sha}.' },
  { text: '{"model":"{model}","credential":"{secret}","session.id":"{session}","cost_usd":{cost}}', json: true },
  { text: 'deploy:\n  version: {semver}\n  credential: {secret}\n  image_digest: sha256:{sha256}' },
  { text: 'https://app.example.com/callback?code={secret}&trace={traceid}' },
  { text: 'Error: 401 Unauthorized using {secret}\n    at Client.request (src/client.ts:42:13)\n    at async main (src/index.ts:7:3)\nrequest_id={reqid}' },
  { text: 'docker run --rm -e SERVICE_CREDENTIAL={secret} ghcr.io/acme/worker:{semver}' },
  {
    text: '{"tool_name":"Bash","tool_input":{"command":"deploy --credential {secret}","description":"Deploy build {shortsha}"},"tool_use_id":"{toolid}"}',
    json: true,
  },
  { text: 'echo {b64} | base64 -d; then use {secret} for the {model} request ({tokens} tokens)' },
];

/** For credentials that only exist with their key or scheme (masks: match): a whole line. */
export const STATEMENT_TEMPLATES: readonly CorpusTemplate[] = [
  { text: '{secret}' },
  { text: 'Here is the config I am using, why does it fail?\n\n{secret}\n\nversion {semver}, commit {sha}' },
  { text: 'cat >> .env <<EOF\n{secret}\nEOF\n# written {ts}' },
  { text: '{"tool_name":"Bash","tool_input":{"command":"{secret}"},"session.id":"{session}"}', json: true },
  { text: '$ {secret} ./scripts/deploy.sh --env prod  # {ts}' },
  { text: 'Error: connection refused\n  config: {secret}\n  at {file} (build {shortsha})' },
];

export const INNOCENT_TEMPLATES: readonly CorpusTemplate[] = [
  { text: 'git log --oneline {shortsha}..{sha}' },
  {
    text: '{"event.name":"api_request","model":"{model}","cost_usd":{cost},"input_tokens":{tokens},"session.id":"{session}","request_id":"{reqid}"}',
    json: true,
  },
  { text: 'npm install @anthropic-ai/claude-code@{semver} # integrity {integrity}' },
  { text: 'docker pull ghcr.io/acme/app@sha256:{sha256}' },
  { text: 'echo {b64} | base64 -d' },
  { text: 'traceparent: 00-{traceid}-{spanid}-01' },
  { text: 'Summarize the changes in {sha} and estimate what {model} would cost at {cost} USD per request.' },
  { text: 'Build {semver} finished at {ts}; see {file} for details.' },
  { text: 'Resume session {session} (prompt.id {uuid}) with {model}.' },
];

export const EMAIL_TEMPLATES: readonly CorpusTemplate[] = [
  { text: 'git config --global user.email {email}' },
  { text: '{"user.email":"{email}","session.id":"{session}","model":"{model}"}', json: true },
  { text: 'Please send the incident summary to {email} before {ts}.' },
  { text: 'Co-authored-by: Example Person <{email}>\n\nFix retry loop ({shortsha})' },
];

export const IPV4_TEMPLATES: readonly CorpusTemplate[] = [
  { text: 'curl -v http://{ipv4}:8080/healthz' },
  { text: 'Connection refused: {ipv4}:5432 (attempt 3 of 5, build {semver})' },
  { text: 'X-Forwarded-For: {ipv4}' },
  { text: '{"client.address":"{ipv4}","request_id":"{reqid}"}', json: true },
];

export const IPV6_TEMPLATES: readonly CorpusTemplate[] = [
  { text: 'ping6 -c 3 {ipv6}' },
  { text: 'curl -g "http://[{ipv6}]:8080/status" # trace {traceid}' },
  { text: '{"net.peer.ip":"{ipv6}","session.id":"{session}"}', json: true },
  { text: 'sshd: Accepted publickey for deploy from {ipv6} port 52144 at {ts}' },
];

export const HOME_PATH_TEMPLATES: readonly CorpusTemplate[] = [
  {
    text: "Error: ENOENT: no such file or directory, open '{home}{/}projects{/}api{/}config.json'\n    at Object.openSync (node:fs:596:3)\n    at loadConfig ({home}{/}projects{/}api{/}src{/}config.ts:12:9)",
  },
  { text: 'Traceback (most recent call last):\n  File "{home}{/}code{/}etl{/}run.py", line 42, in <module>\n    main()\nValueError: bad row at commit {shortsha}' },
  { text: '{"tool_name":"Read","tool_input":{"file_path":"{home}{/}work{/}app{/}README.md"},"session.id":"{session}"}', json: true },
  { text: 'cd {home}{/}src{/}widgets && npm test  # node {semver}' },
];
