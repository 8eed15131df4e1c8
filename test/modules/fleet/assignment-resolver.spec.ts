import { describe, expect, it } from '@jest/globals';
import {
  resolveAssignment,
  type AgentAttributes,
  type ConfigAssignment,
} from '../../../src/modules/fleet/index.js';

const attributes = (values: Record<string, string>): AgentAttributes =>
  new Map(Object.entries(values).map(([key, value]) => [key, new Set([value])]));

const agent = { id: 'agent-1', attributes: attributes({ env: 'prod', team: 'a', region: 'eu' }) };

describe('assignment resolution', () => {
  it('gives the agent nothing when no assignment applies', () => {
    const assignments: ConfigAssignment[] = [
      { config: 'dev', name: 'dev', selector: { env: 'dev' } },
      { config: 'other', name: 'other', agent: 'agent-2' },
    ];
    expect(resolveAssignment(assignments, agent)).toBeUndefined();
  });

  it('prefers the selector with more matching terms', () => {
    const assignments: ConfigAssignment[] = [
      { config: 'all', name: 'everyone', selector: {} },
      { config: 'prod', name: 'prod', selector: { env: 'prod' } },
      { config: 'team-a', name: 'team-a', selector: { env: 'prod', team: 'a' } },
      { config: 'team-b', name: 'team-b', selector: { env: 'prod', team: 'b', region: 'eu' } },
    ];
    expect(resolveAssignment(assignments, agent)?.config).toBe('team-a');
  });

  it('prefers a per-agent assignment over any selector', () => {
    const assignments: ConfigAssignment[] = [
      { config: 'precise', name: 'precise', selector: { env: 'prod', team: 'a', region: 'eu' } },
      { config: 'mine', name: 'zzz', agent: 'agent-1' },
    ];
    expect(resolveAssignment(assignments, agent)?.config).toBe('mine');
  });

  it('breaks ties by assignment name, then by config name', () => {
    const byName: ConfigAssignment[] = [
      { config: 'a-config', name: 'b', selector: { env: 'prod' } },
      { config: 'z-config', name: 'a', selector: { team: 'a' } },
    ];
    expect(resolveAssignment(byName, agent)?.config).toBe('z-config');
    const byConfig: ConfigAssignment[] = [
      { config: 'y', name: 'same', selector: { env: 'prod' } },
      { config: 'x', name: 'same', selector: { team: 'a' } },
    ];
    expect(resolveAssignment(byConfig, agent)?.config).toBe('x');
    expect(resolveAssignment([...byConfig].reverse(), agent)?.config).toBe('x');
  });

  it('matches an empty selector to every agent', () => {
    expect(
      resolveAssignment([{ config: 'all', name: 'all', selector: {} }], { id: 'x', attributes: new Map() })
        ?.config,
    ).toBe('all');
  });
});
