import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedExternal } from './external-links.ts';

test('only https links to allowlisted hosts may open externally', () => {
  assert.equal(isAllowedExternal('https://huggingface.co/nvidia/Hymba-1.5B-Instruct'), true);
  assert.equal(isAllowedExternal('https://docs.github.com/en'), true);
  assert.equal(isAllowedExternal('http://huggingface.co/'), false, 'plain http');
  assert.equal(isAllowedExternal('https://huggingface.co.evil.example/'), false, 'lookalike host');
  assert.equal(isAllowedExternal('https://evilhuggingface.co/'), false, 'suffix without a dot');
  assert.equal(isAllowedExternal('https://user:pw@github.com/'), false, 'credentials in the URL');
  assert.equal(isAllowedExternal('file:///etc/passwd'), false);
  assert.equal(isAllowedExternal('javascript:alert(1)'), false);
  assert.equal(isAllowedExternal('not a url'), false);
});
