import { Module } from '@nestjs/common';
import { defaultWebUiRoot, WEB_UI_OPTIONS, type WebUiOptions } from './web-ui.options.js';
import { WebUiRoutes } from './web-ui.routes.js';

/**
 * The web UI (`ui/`, built by `npm run build` into `dist/ui`) at `/` of the admin listener, next to the admin
 * API it calls. See docs/web-ui.md.
 */
@Module({
  providers: [
    { provide: WEB_UI_OPTIONS, useFactory: (): WebUiOptions => ({ root: defaultWebUiRoot() }) },
    WebUiRoutes,
  ],
})
export class WebUiModule {}
