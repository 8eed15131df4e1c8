import { describe, expect, it } from '@jest/globals';
import {
  busiestGeneratorCpu,
  describeGenerators,
  GENERATOR_MAX_LAG_MS,
  generatorLimit,
  isGeneratorBound,
} from '../../bench/lib/generator-bound.js';

describe('isGeneratorBound', () => {
  it('flags a figure when any one process is at 90 % of a core or more', () => {
    expect(
      isGeneratorBound([
        { name: 'generator 1', cpuCores: 0.5 },
        { name: 'generator 2', cpuCores: 0.9 },
      ]),
    ).toBe(true);
    expect(
      isGeneratorBound([
        { name: 'generator 1', cpuCores: 0.89 },
        { name: 'generator 2', cpuCores: 0.89 },
      ]),
    ).toBe(false);
  });

  it(`flags an open-loop figure when a process fell more than ${GENERATOR_MAX_LAG_MS} ms behind`, () => {
    expect(
      isGeneratorBound([
        { name: 'generator 1', cpuCores: 0.3, maxSendLagMs: GENERATOR_MAX_LAG_MS },
        { name: 'generator 2', cpuCores: 0.3, maxSendLagMs: GENERATOR_MAX_LAG_MS + 1 },
      ]),
    ).toBe(true);
    expect(
      isGeneratorBound([{ name: 'generator 1', cpuCores: 0.3, maxSendLagMs: GENERATOR_MAX_LAG_MS }]),
    ).toBe(false);
  });

  it('says which process limited the figure and why', () => {
    expect(generatorLimit({ name: 'generator 2', cpuCores: 0.95 })).toBe('generator 2 at 95 % of a core');
    expect(generatorLimit({ name: 'generator 1', cpuCores: 0.2, maxSendLagMs: 107.4 })).toBe(
      'generator 1 107 ms behind its schedule',
    );
    expect(generatorLimit({ name: 'generator 1', cpuCores: 0.2, maxSendLagMs: 5 })).toBeUndefined();
  });
});

describe('busiestGeneratorCpu and describeGenerators', () => {
  const loads = [
    { name: 'generator 1', cpuCores: 0.451, maxSendLagMs: 3.2 },
    { name: 'generator 2', cpuCores: 0.62, maxSendLagMs: 12.7 },
  ];

  it('shows the busiest process in the table, every process in the notes', () => {
    expect(busiestGeneratorCpu(loads)).toBe(0.62);
    expect(describeGenerators(loads)).toBe(
      'generator 1 45 %, 3 ms behind at most; generator 2 62 %, 13 ms behind at most',
    );
    expect(describeGenerators([{ name: 'generator 1', cpuCores: 0.5 }])).toBe('generator 1 50 %');
  });
});
