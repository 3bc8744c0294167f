import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, api, authHeaders, readCookie, setFetch, setMemoryToken, setOnUnauthorized } from './client';
import { SSEParser } from './sse';

function answer(status: number, body: string, type = 'application/problem+json') {
  return async () => new Response(body, { status, headers: { 'Content-Type': type } });
}

afterEach(() => {
  setFetch((...a) => fetch(...a));
  setMemoryToken(null);
});

describe('api errors', () => {
  it('surfaces a problem+json with its title, detail and every field error', async () => {
    const body = JSON.stringify({
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'the scenario is invalid: 2 problems',
      errors: [
        { location: 'rqs_input.colour', message: 'unknown key "colour"' },
        { location: 'sim_settings.total_simulation_time', message: 'must be a whole number of seconds >= 5, got 2' },
      ],
    });
    setFetch(answer(422, body));
    const err = await api('/api/v1/validate', { method: 'POST', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.message).toBe('the scenario is invalid: 2 problems');
    expect(e.errors.map((x) => x.location)).toEqual(['rqs_input.colour', 'sim_settings.total_simulation_time']);
  });

  it('puts a single field error into the message', async () => {
    setFetch(answer(422, JSON.stringify({ title: 'Unprocessable Entity', status: 422, detail: 'invalid request', errors: [{ location: 'body.replications', message: 'must be at most 100' }] })));
    await expect(api('/api/v1/runs', { method: 'POST', json: {} })).rejects.toThrow('invalid request: body.replications: must be at most 100');
  });

  it('keeps the limit fields of a 429 and falls back to the status text for a non-JSON body', async () => {
    setFetch(answer(429, JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'at most 2 concurrent runs', limit: 'concurrent_runs', max: 2, current: 2 })));
    const e = (await api('/api/v1/runs').catch((x: unknown) => x)) as ApiError;
    expect(e.problem).toMatchObject({ limit: 'concurrent_runs', max: 2 });
    setFetch(async () => new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }));
    const e2 = (await api('/x').catch((x: unknown) => x)) as ApiError;
    expect(e2.message).toBe('upstream down');
    expect(e2.problem.title).toBe('Bad Gateway');
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    setFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = (await api('/api/v1/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.message).toMatch(/could not be reached/);
  });

  it('decodes JSON answers and 204', async () => {
    setFetch(answer(200, '{"id":"u1"}', 'application/json'));
    await expect(api('/api/v1/me')).resolves.toEqual({ id: 'u1' });
    setFetch(async () => new Response(null, { status: 204 }));
    await expect(api('/api/v1/keys/k', { method: 'DELETE' })).resolves.toBeUndefined();
  });
});

describe('401', () => {
  it('sends the UI back to sign-in when a session ends, but not for the sign-in calls themselves', async () => {
    let calls = 0;
    setOnUnauthorized(() => calls++);
    setFetch(answer(401, JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'authentication required' })));
    await expect(api('/api/v1/runs')).rejects.toThrow('authentication required');
    expect(calls).toBe(1);
    await expect(api('/api/v1/auth/login', { method: 'POST', json: {} })).rejects.toBeInstanceOf(ApiError);
    await expect(api('/api/v1/me')).rejects.toBeInstanceOf(ApiError);
    expect(calls).toBe(1);
    setOnUnauthorized(null);
  });
});

describe('credentials', () => {
  it('sends the CSRF cookie on writes only, and a memory token instead when set', () => {
    document.cookie = 'fastsim_csrf=abc%3D1';
    expect(readCookie('fastsim_csrf')).toBe('abc=1');
    expect(authHeaders('GET')).toEqual({});
    expect(authHeaders('POST')).toEqual({ 'X-CSRF-Token': 'abc=1' });
    setMemoryToken('fss_x');
    expect(authHeaders('DELETE')).toEqual({ Authorization: 'Bearer fss_x' });
  });
});

describe('SSEParser', () => {
  it('parses events split across chunks', () => {
    const p = new SSEParser();
    expect(p.push('event: progress\ndata: {"progress":0.5')).toEqual([]);
    expect(p.push('}\n\n: keep-alive\n\nevent: status\r\ndata: {"status":"succeeded"}\r\n\r\n')).toEqual([
      { event: 'progress', data: '{"progress":0.5}' },
      { event: 'status', data: '{"status":"succeeded"}' },
    ]);
  });
});
