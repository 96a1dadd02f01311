import { Body, Controller, Get, type DynamicModule, Logger, Module, Param, Post } from '@nestjs/common';
import { request, startTestApp, type TestApp } from '../testing';
import { ObservabilityModule } from './observability.module';
import { currentRequestContext } from './request-context';
import { ServiceMetrics } from './service-metrics';
import { outboundRequestHeaders } from './trace-context';

@Controller('probe')
class ProbeController {
  private readonly logger = new Logger('Probe');

  @Get(':id')
  find(@Param('id') id: string): Record<string, unknown> {
    this.logger.log(`looking up ${id}`);
    return { id, context: currentRequestContext(), outbound: outboundRequestHeaders() };
  }

  @Post('login')
  async login(@Body() body: { password: string }): Promise<Record<string, unknown>> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Careless code: logs an object with a secret, and a message with a token in it.
    this.logger.log({ msg: 'login attempt', password: body.password, nested: { client_secret: 'nested-secret-value' } });
    this.logger.warn(`refused Bearer ${body.password} and eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl`);
    return { context: currentRequestContext() };
  }
}

function probeModule(service: string, metrics = new ServiceMetrics({ defaultMetrics: false })): DynamicModule {
  @Module({ controllers: [ProbeController] })
  class ProbeModule {}
  return { module: ProbeModule, imports: [ObservabilityModule.forRoot({ service, metrics })] };
}

describe('request observability (createServiceApp)', () => {
  let app: TestApp;
  const lines: string[] = [];
  const logs = () => lines.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    app = await startTestApp(probeModule('probe'), { logger: 'info', logDestination: { write: (line: string) => void lines.push(line) } });
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    lines.length = 0;
  });

  it('keeps a valid x-request-id, echoes it, logs one JSON line for the request and tags every line with it', async () => {
    const res = await request('GET', `${app.baseUrl}/probe/42?access_token=leaky`, { headers: { 'x-request-id': 'abc-123.X_y:z' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc-123.X_y:z');
    expect(res.body['context']).toMatchObject({ requestId: 'abc-123.X_y:z', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const entries = logs();
    expect(entries).toEqual([
      expect.objectContaining({ level: 'info', service: 'probe', context: 'Probe', msg: 'looking up 42', reqId: 'abc-123.X_y:z' }),
      expect.objectContaining({ level: 'info', service: 'probe', msg: 'request completed', reqId: 'abc-123.X_y:z', method: 'GET', route: '/probe/:id', status: 200 }),
    ]);
    expect(entries[1]!['durationMs']).toEqual(expect.any(Number));
    expect(lines.join('')).not.toContain('leaky');
  });

  it.each([['has spaces'], ['x'.repeat(65)], ['<script>'], ['']])('replaces an unsafe x-request-id %j with a new UUID', async (unsafe) => {
    const res = await request('GET', `${app.baseUrl}/probe/1`, { headers: { 'x-request-id': unsafe } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('continues the trace of a valid traceparent with a new span, and passes both ids on to outbound calls', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request('GET', `${app.baseUrl}/probe/1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'r-1' } });
    const context = res.body['context'] as Record<string, string>;
    expect(context).toMatchObject({ traceId, traceFlags: '01' });
    expect(context['spanId']).not.toBe('00f067aa0ba902b7');
    const outbound = res.body['outbound'] as Record<string, string>;
    expect(outbound['x-request-id']).toBe('r-1');
    expect(outbound['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(logs().at(-1)).toMatchObject({ traceId });
  });

  it.each([
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['garbage'],
  ])('starts a new trace for an invalid traceparent %s', async (traceparent) => {
    const res = await request('GET', `${app.baseUrl}/probe/1`, { headers: { traceparent } });
    const context = res.body['context'] as Record<string, string>;
    expect(context['traceId']).toMatch(/^[0-9a-f]{32}$/);
    expect(traceparent).not.toContain(context['traceId']);
  });

  it('keeps the request context across a body and an await, and redacts secrets in logged objects and messages', async () => {
    const password = 'hunter2-very-secret';
    const res = await request('POST', `${app.baseUrl}/probe/login`, { json: { password }, headers: { 'x-request-id': 'login-1', authorization: 'Basic c2VjcmV0' } });
    expect(res.body['context']).toMatchObject({ requestId: 'login-1' });
    const text = lines.join('');
    expect(text).not.toContain(password);
    expect(text).not.toContain('nested-secret-value');
    expect(text).not.toContain('eyJhbGciOiJFUzI1NiJ9');
    expect(text).not.toContain('c2VjcmV0');
    expect(logs()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'login attempt', password: '[redacted]', nested: { client_secret: '[redacted]' }, reqId: 'login-1' }),
        expect.objectContaining({ level: 'warn', msg: 'refused Bearer [redacted] and [redacted-jwt]', reqId: 'login-1' }),
      ]),
    );
  });

  it('counts requests by method, route pattern and status at GET /metrics (public, Prometheus text)', async () => {
    await request('GET', `${app.baseUrl}/probe/a`);
    await request('GET', `${app.baseUrl}/probe/b`);
    await request('GET', `${app.baseUrl}/nowhere/${Math.random()}`);
    const res = await fetch(`${app.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/probe\/:id",status="200"\} ([3-9]|\d{2,})$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/probe\/:id",status="200"\} \d+$/m);
    expect(text).not.toMatch(/nowhere/);
  });
});

describe('two services in one process', () => {
  it('count into registries of their own', async () => {
    const [a, b] = await Promise.all([startTestApp(probeModule('a')), startTestApp(probeModule('b'))]);
    try {
      await request('GET', `${a.baseUrl}/probe/1`);
      await request('GET', `${a.baseUrl}/probe/1`);
      await request('GET', `${b.baseUrl}/probe/1`);
      const count = async (app: TestApp) => /route="\/probe\/:id",status="200"\} (\d+)/.exec(await (await fetch(`${app.baseUrl}/metrics`)).text())?.[1];
      expect(await count(a)).toBe('2');
      expect(await count(b)).toBe('1');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
