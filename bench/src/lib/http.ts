import { request, type Agent, type OutgoingHttpHeaders } from 'node:http';

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly ms: number;
}

/**
 * One HTTP request on loopback (a fresh connection, unless `agent` keeps them alive); `headers`
 * may be a raw list to repeat a name.
 */
export function send(
  url: string,
  options: { method?: string; headers?: OutgoingHttpHeaders | string[]; body?: string; timeoutMs?: number; agent?: Agent } = {},
): Promise<SimpleResponse> {
  const started = performance.now();
  // A raw header list gets no Host header from Node: add it, as any client would.
  const headers = Array.isArray(options.headers) ? ['host', new URL(url).host, ...options.headers] : options.headers;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: headers as OutgoingHttpHeaders, timeout: options.timeoutMs ?? 10_000, ...(options.agent ? { agent: options.agent } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function sendJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`POST ${url}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as T;
}
