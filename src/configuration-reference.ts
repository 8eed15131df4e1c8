import { builtInPluginEnvSchemas, builtInPluginsEnvSchema } from './built-in-plugins.js';
import {
  type ConfigurationSection,
  renderConfigurationReference,
  serverEnvSchema,
} from './modules/config/index.js';

/** The server's settings as `docs/configuration.md` lists them: the framework's, then the built-in plugins'. */
export const CONFIGURATION_SECTIONS: readonly ConfigurationSection[] = [
  {
    title: 'Server',
    intro: 'Read by every opamp-nest server, embedded (`OpampModule.forRoot({ env })`) or as shipped.',
    schema: serverEnvSchema,
  },
  {
    title: 'Built-in plugins',
    intro:
      'Read by the server as shipped (`npm start`, the image); an embedding application adds plugins itself.',
    schema: builtInPluginsEnvSchema,
  },
  ...Object.entries(builtInPluginEnvSchemas).map(([name, schema]) => ({
    title: `Plugin \`${name}\``,
    intro: `Read when \`PLUGINS\` names \`${name}\`.`,
    schema,
  })),
];

/** `docs/configuration.md`: written by `npm run docs:config`, checked by a test. */
export function renderServerConfigurationReference(): string {
  return renderConfigurationReference(CONFIGURATION_SECTIONS);
}
