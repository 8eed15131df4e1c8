import { describe, expect, it } from '@jest/globals';
import { OPEN_FILES_MARGIN, projectFleet } from '../../../bench/scale/scale-projection.js';

describe('projectFleet', () => {
  it('grows memory with the agents, CPU with their heartbeats and open files one per socket', () => {
    const projection = projectFleet({
      agents: 100_000,
      heartbeatS: 30,
      rssBaseMiB: 100,
      rssPerAgentKiB: 10.24,
      heapBaseMiB: 40,
      heapPerAgentKiB: 5.12,
      cpuCoresPer1000MsgsPerS: 0.3,
    });

    expect(projection).toEqual({
      agents: 100_000,
      msgsPerS: 3333.3,
      rssMiB: 1100,
      heapMiB: 540,
      cpuCores: 1,
      openFiles: 100_000 + OPEN_FILES_MARGIN,
      openFileLimit: 112_000,
    });
  });
});
