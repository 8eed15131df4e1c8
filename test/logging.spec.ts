import { describe, expect, it } from '@jest/globals';
import { pinoOptions, resolveLogFormat } from '../src/logging.js';
import { parseServerConfig } from '../src/modules/config/index.js';

describe('log format', () => {
  it('is pretty on a terminal and JSON otherwise with LOG_FORMAT=auto', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes JSON lines by default and uses pino-pretty for LOG_FORMAT=pretty', () => {
    const transportOf = (env: Record<string, string>) => {
      const pinoHttp = pinoOptions(parseServerConfig(env)).pinoHttp;
      return pinoHttp && 'transport' in pinoHttp ? pinoHttp.transport : undefined;
    };
    expect(transportOf({})).toBeUndefined();
    expect(transportOf({ LOG_FORMAT: 'pretty' })).toEqual(expect.objectContaining({ target: 'pino-pretty' }));
  });
});
