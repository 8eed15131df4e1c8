export { WebUiModule } from './web-ui.module.js';
export { defaultWebUiRoot, WEB_UI_OPTIONS, type WebUiOptions } from './web-ui.options.js';
