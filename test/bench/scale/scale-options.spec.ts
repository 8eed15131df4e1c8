import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCALE_OPTIONS, parseScaleOptions } from '../../../bench/scale/scale-options.js';

describe('parseScaleOptions', () => {
  it('runs the issue-13 sizes when only --scale is given: 19,000 agents, 4 processes, 30 s heartbeats, 5 min', () => {
    const options = parseScaleOptions(['--scale']);

    expect(options).toEqual(DEFAULT_SCALE_OPTIONS);
    expect(options).toMatchObject({ agents: 19_000, processes: 4, heartbeatS: 30, windowS: 300 });
  });

  it('reads smaller sizes for development, in both flag forms', () => {
    const options = parseScaleOptions([
      '--scale',
      '--agents',
      '1000',
      '--window-s=20',
      '--no-write',
      '--cpu-prof',
    ]);

    expect(options).toMatchObject({ agents: 1000, windowS: 20, noWrite: true, cpuProf: true });
  });

  it('takes a heap snapshot and skips the restart storm only when asked', () => {
    expect(parseScaleOptions(['--scale'])).toMatchObject({ heapSnapshot: false, noStorm: false });
    expect(parseScaleOptions(['--scale', '--heap-snapshot', '--no-storm'])).toMatchObject({
      heapSnapshot: true,
      noStorm: true,
    });
  });

  it('refuses a size that is not a positive number', () => {
    expect(() => parseScaleOptions(['--agents', 'many'])).toThrow('--agents needs a positive number');
    expect(() => parseScaleOptions(['--window-s=0'])).toThrow('--window-s needs a positive number');
  });

  it('refuses more agents per generator process than its 20,000 open files hold', () => {
    expect(() => parseScaleOptions(['--agents', '40000', '--processes', '2'])).toThrow('open files');
  });
});
