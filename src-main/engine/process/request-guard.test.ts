import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SAMPLING } from '../../contract/domain.ts';
import { checkRequest } from './request-guard.ts';

const settings = { device: 'cpu', threads: 1, cacheBudgetBytes: 1e6 };

test('well-formed requests pass', () => {
  for (const request of [
    { id: 'a', type: 'load', packageDir: '/p', settings },
    { id: 'b', type: 'configure', settings: { cacheBudgetBytes: 5e6 } },
    { id: 'c', type: 'generate', input: { mode: 'chat', messages: [{ role: 'user', content: 'hi' }] }, sampling: DEFAULT_SAMPLING },
    { id: 'd', type: 'cancel', targetId: 'c' },
    { id: 'e', type: 'status' },
    { id: 'f', type: 'convert', hfDir: '/hf', outDir: '/out', options: { id: 'm', displayName: 'M', dtype: 'int4' } },
  ]) {
    assert.equal(checkRequest(request).ok, true, JSON.stringify(request));
  }
});

test('malformed requests are refused with a reason and the id when readable', () => {
  for (const [request, pattern] of [
    [{ type: 'status' }, /string id/],
    [{ id: 'x', type: 'explode' }, /unknown request type/],
    [{ id: 'x', type: 'load', packageDir: '/p', settings: { ...settings, device: 'tpu' } }, /device must be/],
    [{ id: 'x', type: 'configure', settings: { threads: -1 } }, /threads/],
    [{ id: 'x', type: 'generate', input: { mode: 'chat', messages: [{ role: 'robot', content: 'x' }] }, sampling: DEFAULT_SAMPLING }, /chat or completion/],
    [{ id: 'x', type: 'generate', input: { mode: 'completion', prompt: 'x' }, sampling: { ...DEFAULT_SAMPLING, topK: 'many' } }, /sampling/],
    [{ id: 'x', type: 'cancel' }, /targetId/],
    [{ id: 'x', type: 'convert', hfDir: '/hf', options: { id: 'm', displayName: 'M' } }, /hfDir, outDir and options/],
    [{ id: 'x', type: 'convert', hfDir: '/hf', outDir: '/out', options: { displayName: 'M' } }, /id and displayName/],
    [{ id: 'x', type: 'convert', hfDir: '/hf', outDir: '/out', options: { id: 'm', displayName: 'M', dtype: 'int8' } }, /dtype must be/],
  ] as const) {
    const checked = checkRequest(request);
    assert.equal(checked.ok, false);
    if (!checked.ok) {
      assert.match(checked.reason, pattern);
      assert.equal(checked.id, 'id' in request ? request.id : '');
    }
  }
});
