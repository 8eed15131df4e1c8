import { describe, expect, it } from '@jest/globals';
import { builtInPluginModules } from '../src/built-in-plugins.js';
import { ConfigValidationError } from '../src/modules/config/index.js';
import { OdigosPluginModule } from '../src/plugins/odigos/index.js';

describe('built-in plugins (PLUGINS)', () => {
  it('enables none by default', () => {
    expect(builtInPluginModules({})).toEqual([]);
  });

  it('configures the odigos plugin from its own variables', () => {
    const [odigos] = builtInPluginModules({ PLUGINS: 'odigos', DEVICE_ID_HEADER: 'X-Device' });
    expect(odigos?.module).toBe(OdigosPluginModule);
    expect(odigos?.providers).toContainEqual({
      provide: 'OPAMP:ODIGOS_PLUGIN_OPTIONS',
      useValue: { identity: 'auto', deviceIdHeader: 'x-device', deviceResourceFilter: 'odigos.io' },
    });
  });

  it('refuses an unknown name, naming the built-in ones', () => {
    expect(() => builtInPluginModules({ PLUGINS: 'nope' })).toThrow(ConfigValidationError);
    expect(() => builtInPluginModules({ PLUGINS: 'nope' })).toThrow(/PLUGINS.*built-in plugins: odigos/s);
  });

  it('refuses a bad plugin variable with what it accepts', () => {
    expect(() => builtInPluginModules({ PLUGINS: 'odigos', ODIGOS_IDENTITY: 'magic' })).toThrow(
      /ODIGOS_IDENTITY/,
    );
  });
});
