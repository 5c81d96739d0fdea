import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local stand-in for the Anthropic Messages API, enough for Claude Code to run a whole turn offline:
 * the first main-loop request gets a Bash tool_use, the request that carries its tool_result gets a final
 * text reply, and any side request (title, topic, command-prefix checks) gets a short text reply.
 * Every request is logged so a test can see exactly what the client called.
 */

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface ServedMessage {
  /** The model the client asked for and the reply named (so the client prices it as that model). */
  model: string;
  usage: Usage;
  kind: 'tool_use' | 'final' | 'side';
  stream: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, when the body was JSON. */
  body?: unknown;
}

export interface FakeAnthropicOptions {
  /** The Bash command the first turn asks Claude Code to run. */
  bashCommand: string;
  /** Text of the final reply. */
  finalText?: string;
  /** Token usage reported per reply kind; defaults differ per kind so each reply can be told apart in reports. */
  usage?: Partial<Record<ServedMessage['kind'], Usage>>;
}

export interface FakeAnthropic {
  url: string;
  port: number;
  requests: LoggedRequest[];
  served: ServedMessage[];
  close(): Promise<void>;
}

const DEFAULT_USAGE: Record<ServedMessage['kind'], Usage> = {
  tool_use: { input_tokens: 1200, output_tokens: 80, cache_read_input_tokens: 300, cache_creation_input_tokens: 150 },
  final: { input_tokens: 1500, output_tokens: 40, cache_read_input_tokens: 600, cache_creation_input_tokens: 0 },
  side: { input_tokens: 90, output_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const requests: LoggedRequest[] = [];
  const served: ServedMessage[] = [];
  const usage = { ...DEFAULT_USAGE, ...options.usage };
  const finalText = options.finalText ?? 'Done: the command ran.';

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        let body: unknown;
        try {
          body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          body = undefined;
        }
        requests.push({ method: req.method ?? 'GET', path, body });
        route(req.method ?? 'GET', path, body, res, { usage, finalText, bashCommand: options.bashCommand, served });
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400);
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface RouteContext {
  usage: Record<ServedMessage['kind'], Usage>;
  finalText: string;
  bashCommand: string;
  served: ServedMessage[];
}

function route(method: string, path: string, body: unknown, res: ServerResponse, ctx: RouteContext): void {
  if (method === 'POST' && path === '/v1/messages') {
    messages(body, res, ctx);
    return;
  }
  if (method === 'POST' && path === '/v1/messages/count_tokens') {
    // A rough count is all the client uses this for (context-window bookkeeping).
    json(res, 200, { input_tokens: Math.ceil(JSON.stringify(body ?? '').length / 4) });
    return;
  }
  if (method === 'GET' && path === '/v1/models') {
    json(res, 200, { data: [], has_more: false, first_id: null, last_id: null });
    return;
  }
  // Anything else (account, feature-flag or metrics endpoints): a clean "not here" the client tolerates.
  json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `${method} ${path} is not served by the fake API` } });
}

interface MessagesRequest {
  model?: string;
  stream?: boolean;
  tools?: { name?: string }[];
  messages?: { role?: string; content?: unknown }[];
}

function hasToolResult(request: MessagesRequest): boolean {
  return (request.messages ?? []).some((m) => Array.isArray(m.content) && m.content.some((b) => typeof b === 'object' && b !== null && (b as { type?: string }).type === 'tool_result'));
}

function messages(body: unknown, res: ServerResponse, ctx: RouteContext): void {
  const request = (body ?? {}) as MessagesRequest;
  const model = request.model ?? 'claude-sonnet-4-5';
  const offersBash = (request.tools ?? []).some((t) => t.name === 'Bash');
  // Only the main loop offers the Bash tool; side requests (titles, topic checks) do not.
  const kind: ServedMessage['kind'] = !offersBash ? 'side' : hasToolResult(request) ? 'final' : 'tool_use';
  const usage = ctx.usage[kind];
  const stream = request.stream === true;
  ctx.served.push({ model, usage, kind, stream });

  const id = `msg_${randomBytes(12).toString('hex')}`;
  const block =
    kind === 'tool_use'
      ? { type: 'tool_use' as const, id: `toolu_${randomBytes(12).toString('hex')}`, name: 'Bash', input: { command: ctx.bashCommand, description: 'Print the header' } }
      : { type: 'text' as const, text: kind === 'final' ? ctx.finalText : 'ok' };
  const stopReason = kind === 'tool_use' ? 'tool_use' : 'end_turn';

  if (!stream) {
    json(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [block],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_${id}` });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  if (block.type === 'tool_use') {
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
    send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
  } else {
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: block.text } });
  }
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
