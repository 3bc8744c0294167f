import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setFetch } from './api/client';
import { isActive, usePaged } from './hooks';

afterEach(() => {
  setFetch((...a) => fetch(...a));
});

describe('usePaged', () => {
  it('loads the first page with the filter, then appends the next one by its cursor', async () => {
    const asked: string[] = [];
    setFetch(async (input) => {
      const url = new URL(String(input), 'http://x');
      asked.push(url.pathname + url.search);
      const page = url.searchParams.get('cursor')
        ? { items: [{ id: 'c', status: 'running' }] }
        : { items: [{ id: 'a', status: 'succeeded' }, { id: 'b', status: 'failed' }], next_cursor: 'k2' };
      return new Response(JSON.stringify(page), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    const { result } = renderHook(() => usePaged<{ id: string; status: string }>('/api/v1/runs', { status: 'failed', kind: '' }));
    await waitFor(() => expect(result.current.items.map((x) => x.id)).toEqual(['a', 'b']));
    expect(result.current.hasMore).toBe(true);
    expect(result.current.items.some(isActive)).toBe(false);
    await act(() => result.current.more());
    expect(result.current.items.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(result.current.hasMore).toBe(false);
    expect(result.current.items.some(isActive)).toBe(true);
    expect(asked).toEqual(['/api/v1/runs?status=failed&limit=50', '/api/v1/runs?status=failed&limit=50&cursor=k2']);
  });
});
