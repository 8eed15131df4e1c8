import { describe, expect, it } from '@jest/globals';
import { compileFieldSelector, FieldSelectorError } from './field-selector.js';
import { compileLabelSelector, LabelSelectorError, parseLabelSelector } from './label-selector.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app in (api, web)', true],
    ['app in (api)', false],
    ['app notin (api)', true],
    ['missing notin (x)', true],
    ['app notin (web)', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['  app = web ,  tier in (front) ', true],
  ])('%j matches %s', (selector, expected) => {
    expect(compileLabelSelector(selector)(labels)).toBe(expected);
  });

  it('treats an object without labels as having none', () => {
    expect(compileLabelSelector('!app')(undefined)).toBe(true);
    expect(compileLabelSelector('app')(undefined)).toBe(false);
  });

  it('parses set-based requirements into values', () => {
    expect(parseLabelSelector('a in (x,y),!b')).toEqual([
      { key: 'a', operator: 'in', values: ['x', 'y'] },
      { key: 'b', operator: 'doesnotexist', values: [] },
    ]);
  });

  it.each(['app in web', 'app in ()', 'app in (x', '=web', 'a=b c=d', 'a>x', 'a in (x,,y)'])(
    'rejects %j',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
    },
  );
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', hostNetwork: true } };
  const allowed = [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.hostNetwork',
    'status.phase',
  ];

  it.each([
    ['metadata.name=p', true],
    ['metadata.name==p', true],
    ['metadata.name!=p', false],
    ['metadata.namespace=ns,spec.nodeName=n1', true],
    ['spec.nodeName=n2', false],
    ['status.phase=', true],
    ['spec.hostNetwork=true', true],
  ])('%j matches %s', (selector, expected) => {
    expect(compileFieldSelector(selector, allowed)(pod)).toBe(expected);
  });

  it('rejects fields the resource does not support', () => {
    expect(() => compileFieldSelector('spec.other=x', allowed)).toThrow(FieldSelectorError);
  });

  it('rejects terms without an operator', () => {
    expect(() => compileFieldSelector('metadata.name', allowed)).toThrow(FieldSelectorError);
  });
});
