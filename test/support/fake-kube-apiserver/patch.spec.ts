import { describe, expect, it } from '@jest/globals';
import { applyJsonPatch, applyMergePatch, applyPatch, PatchError } from './patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects recursively, deletes on null and replaces arrays', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' };

    const result = applyMergePatch(target, { a: { b: null, d: 3 }, list: [3] });

    expect(result).toEqual({ a: { c: 2, d: 3 }, list: [3], keep: 'x' });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' });
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const doc = { metadata: { labels: { a: '1' } }, items: ['x', 'y'] };

  it('applies add, replace, remove, move, copy and test in order', () => {
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/a', value: '1' },
      { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
      { op: 'replace', path: '/metadata/labels/a', value: '10' },
      { op: 'add', path: '/items/-', value: 'z' },
      { op: 'remove', path: '/items/0' },
      { op: 'copy', from: '/items/0', path: '/first' },
      { op: 'move', from: '/first', path: '/moved' },
    ]);

    expect(result).toEqual({ metadata: { labels: { a: '10', 'b/c': '2' } }, items: ['y', 'z'], moved: 'y' });
    expect(doc.items).toEqual(['x', 'y']);
  });

  it.each([
    [[{ op: 'test', path: '/items/0', value: 'nope' }]],
    [[{ op: 'replace', path: '/missing', value: 1 }]],
    [[{ op: 'remove', path: '/items/5' }]],
    [[{ op: 'bogus', path: '/a' }]],
    [{ op: 'add', path: '/a', value: 1 }],
  ])('rejects %j', (operations) => {
    expect(() => applyJsonPatch(doc, operations)).toThrow(PatchError);
  });
});

describe('applyPatch', () => {
  it('applies a strategic merge patch as a merge patch', () => {
    expect(applyPatch('application/strategic-merge-patch+json', { a: { b: 1 } }, { a: { c: 2 } })).toEqual({
      a: { b: 1, c: 2 },
    });
  });

  it('rejects a merge patch that is not an object', () => {
    expect(() => applyPatch('application/merge-patch+json', {}, [1])).toThrow(PatchError);
  });
});
