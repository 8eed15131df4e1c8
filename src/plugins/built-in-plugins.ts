import { type DynamicModule, type Type } from '@nestjs/common';
import { OdigosPluginModule } from './odigos/odigos-plugin.module.js';
import { UnknownPluginError } from './plugin.errors.js';

/** The plugins that ship with opamp-nest, by the name `PLUGINS` uses. */
const BUILT_IN: Readonly<Record<string, () => Type | DynamicModule>> = {
  odigos: () => OdigosPluginModule,
};

/** The modules of the built-in plugins named in `PLUGINS`. */
export function builtInPluginModules(names: readonly string[]): Array<Type | DynamicModule> {
  return names.map((name) => {
    const module = BUILT_IN[name];
    if (!module) throw new UnknownPluginError(name, Object.keys(BUILT_IN));
    return module();
  });
}
